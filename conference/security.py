"""Security headers Django does not set itself, above all the Content-Security-Policy.

The pages have no inline scripts, inline styles or style attributes by design (data
goes to scripts through ``json_script`` and data- attributes), so the policy can be
strict: everything from this origin, nothing inline, no plugins, no framing. The
websocket is allowed explicitly (ws:/wss: of this host) because older Safari does
not count a websocket to the same host as 'self'.
"""

from __future__ import annotations

from typing import Callable

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def content_security_policy(host: str | None) -> str:
    sockets = f" ws://{host} wss://{host}" if host else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self'{sockets}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        try:
            host: str | None = request.get_host()
        except DisallowedHost:
            host = None
        response.headers.setdefault("Content-Security-Policy", content_security_policy(host))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
