"""Which pages may open a websocket: the Origin header, compared exactly.

A browser sends the page's origin (scheme, host and port) with every websocket
handshake; a socket carries the session cookie, so a page of another site must not open
one. Allowed are the origins in ``WEBSOCKET_ALLOWED_ORIGINS``, or when that is not set:
the ``CSRF_TRUSTED_ORIGINS``, ``http(s)://<host>`` for each plain name in
``ALLOWED_HOSTS``, and the socket's own origin (the scheme and Host it came in on, when
that host is allowed). Scheme, host and port must all match: ``http://127.0.0.1:1`` is
not ``http://127.0.0.1:8000``.

A refused socket is accepted and closed at once with a code the phone understands
(conference.close_codes), never refused with HTTP 403: a browser hides the status of a
failed handshake, so a phone could not tell "not allowed" from "server down" and would
retry for ever.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from . import close_codes

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise(origin: str) -> str | None:
    """``scheme://host:port`` with the port always given, lower case; None if it is not an origin."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    if parts.username or parts.password or parts.query or parts.fragment:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"{parts.scheme}://{host}:{port or DEFAULT_PORTS[parts.scheme]}"


def allowed_origins() -> set[str]:
    configured = settings.WEBSOCKET_ALLOWED_ORIGINS
    if not configured:
        configured = list(settings.CSRF_TRUSTED_ORIGINS) + [
            f"{scheme}://{host}"
            for host in settings.ALLOWED_HOSTS
            if host != "*" and not host.startswith(".")
            for scheme in ("http", "https")
        ]
    return {o for o in map(normalise, configured) if o is not None}


def own_origin(scope: dict[str, Any]) -> str | None:
    """The origin this socket was served from: its scheme and Host header, if that host is allowed."""
    host = next((v.decode("latin1") for k, v in scope.get("headers", []) if k == b"host"), "")
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    return normalise(f"{scheme}://{host}")


def origin_allowed(scope: dict[str, Any]) -> bool:
    raw = next((v.decode("latin1") for k, v in scope.get("headers", []) if k == b"origin"), None)
    if raw is None:
        return False  # every browser sends one; a client that does not is not a page of ours
    origin = normalise(raw)
    if origin is None:
        return False
    if settings.WEBSOCKET_ALLOWED_ORIGINS:  # an explicit list is the whole list
        return origin in allowed_origins()
    return origin in allowed_origins() or origin == own_origin(scope)


async def accept_and_close(receive: Any, send: Any, code: int) -> None:
    """Refuse a socket so that the page can read why: accept, then close with ``code``."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": code})


class OriginValidator:
    """ASGI middleware for websockets: sockets from other origins are closed with 4403."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await accept_and_close(receive, send, close_codes.FORBIDDEN_ORIGIN)
        return await self.app(scope, receive, send)
