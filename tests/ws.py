"""Helpers for websocket tests: sign in through a real session and connect."""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from conference import auth
from conference.asgi import application
from conference.models import Conference, Representative

ORIGIN = (b"origin", b"http://testserver")


def session_cookie_for(rep: Representative | None) -> str:
    """A real session in the test database for rep (or an anonymous one): its cookie header
    value. Sync: websocket tests await ``session_cookie``; the fault tests call it in a thread."""
    session = SessionStore()
    if rep is not None:
        if rep.user_id:
            session[SESSION_KEY] = str(rep.user_id)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = rep.user.get_session_auth_hash()
        else:
            from tests.factories import code_for

            code_for(rep)  # signing in needs a code: the one the test issued, or a new one
            auth.remember(session, rep)
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


@database_sync_to_async
def session_cookie(rep: Representative | None) -> bytes:
    return session_cookie_for(rep).encode()


async def connect(
    conference: Conference, rep: Representative | None = None, *, screen: bool = False, origin: bytes | None = None
) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    """Connect and return the communicator with the snapshot it was sent."""
    path = f"/ws/c/{conference.slug}/" + ("screen/" if screen else "")
    headers = [(b"origin", origin or ORIGIN[1]), (b"cookie", await session_cookie(rep))]
    ws = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await ws.connect()
    assert connected, f"refused with {code}"
    snapshot = await ws.receive_json_from(timeout=5)
    # The socket joins the hub before its snapshot is built, so that it misses nothing: an
    # event without a seq (a turnout tick) may come first, as the pages allow.
    while snapshot["type"] != "snapshot" and "seq" not in snapshot:
        snapshot = await ws.receive_json_from(timeout=5)
    assert snapshot["type"] == "snapshot"
    return ws, snapshot


async def refusal(ws: WebsocketCommunicator) -> int:
    """The close code of a refused socket: accepted, then closed at once with nothing sent
    (a handshake refused with HTTP 403 would reach the page as a bare 1006)."""
    connected, code = await ws.connect()
    assert connected, f"refused before the handshake ({code}): the page cannot tell why"
    closed = await ws.receive_output(timeout=5)
    assert closed["type"] == "websocket.close", closed
    return closed["code"]


async def receive_until(ws: WebsocketCommunicator, event_type: str, timeout: float = 5, **match: Any) -> dict[str, Any]:
    """The next event of that type (and those field values), skipping others."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        event = await ws.receive_json_from(timeout=max(left, 0.01))
        if event["type"] == event_type and all(event.get(k) == v for k, v in match.items()):
            return event


async def drain(ws: WebsocketCommunicator, wait: float = 0.3) -> list[dict[str, Any]]:
    """Everything sent until the socket goes quiet (a timed-out receive would kill the app)."""
    events = []
    while not await ws.receive_nothing(timeout=wait):
        events.append(await ws.receive_json_from())
    return events
