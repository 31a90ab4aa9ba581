"""The websocket Origin check: scheme, host and port, exactly."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async as db
from channels.testing import WebsocketCommunicator

from conference.asgi import application
from conference.origins import normalise
from tests.factories import make_conference, make_rep
from tests.ws import connect, refusal, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]


@pytest.fixture
async def signed_in():
    conf = await db(make_conference)()
    rep = await db(make_rep)(conf)
    return conf, rep, await session_cookie(rep)


async def socket_with(conf, cookie: bytes, origin: bytes | None, host: bytes | None = None) -> WebsocketCommunicator:
    headers = [(b"cookie", cookie)]
    if origin is not None:
        headers.append((b"origin", origin))
    if host is not None:
        headers.append((b"host", host))
    return WebsocketCommunicator(application, f"/ws/c/{conf.slug}/", headers=headers)


@pytest.mark.parametrize(
    "origin, host",
    [
        (b"http://127.0.0.1:1", b"127.0.0.1:8000"),  # same host, another port: accepted before
        (b"https://127.0.0.1:8000", b"127.0.0.1:8000"),  # another scheme
        (b"http://127.0.0.1:8000.evil.example", b"127.0.0.1:8000"),
        (b"http://evil.example", b"127.0.0.1:8000"),
        (b"http://testserver:8080", None),  # ALLOWED_HOSTS gives the default ports only
        (b"null", b"127.0.0.1:8000"),  # a sandboxed frame or a file
        (b"http://user@127.0.0.1:8000", b"127.0.0.1:8000"),
        (None, b"127.0.0.1:8000"),
        (b"http://evil.example", b"evil.example"),  # a Host that is not ours proves nothing
    ],
)
async def test_a_socket_from_another_origin_is_closed_with_4403(signed_in, origin, host):
    conf, _, cookie = signed_in
    assert await refusal(await socket_with(conf, cookie, origin, host)) == 4403


@pytest.mark.parametrize(
    "origin, host",
    [
        (b"http://127.0.0.1:8000", b"127.0.0.1:8000"),  # the socket's own origin
        (b"http://LOCALHOST:8000", b"localhost:8000"),
        (b"http://testserver", None),  # from ALLOWED_HOSTS
        (b"https://testserver:443", None),
        (b"http://[::1]:8000", b"[::1]:8000"),
    ],
)
async def test_a_socket_from_an_allowed_origin_is_admitted(signed_in, origin, host):
    conf, _, cookie = signed_in
    ws = await socket_with(conf, cookie, origin, host)
    connected, _ = await ws.connect()
    assert connected
    assert (await ws.receive_json_from(timeout=5))["type"] == "snapshot"
    await ws.disconnect()


async def test_the_allowed_origins_setting_replaces_the_default(signed_in, settings):
    conf, rep, cookie = signed_in
    settings.WEBSOCKET_ALLOWED_ORIGINS = ["https://hall.example.org"]
    ws, _ = await connect(conf, rep, origin=b"https://hall.example.org")
    await ws.disconnect()
    assert await refusal(await socket_with(conf, cookie, b"http://testserver")) == 4403
    assert await refusal(await socket_with(conf, cookie, b"https://hall.example.org:8443")) == 4403


def test_origins_are_normalised_with_their_port():
    assert normalise("https://Hall.Example.org") == "https://hall.example.org:443"
    assert normalise("http://h:80/") == "http://h:80"
    assert normalise("http://h:99999") is None
    assert normalise("ftp://h") is None
    assert normalise("http://h/path") is None
