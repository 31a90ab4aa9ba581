"""A real uvicorn worker, as deployed: refused sockets get the close codes the phone
understands (not HTTP 403), the frame limit is the application's (an 8 MiB frame is
closed with 1009 before it is buffered), and /healthz answers the load balancer."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import pytest
from channels.db import database_sync_to_async as db
from django.conf import settings
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.factories import make_conference, make_rep
from tests.faults.conftest import PG_PROXY, WORKER_A, needs_services
from tests.faults.test_database_outage import CuttableProxy, proxy_url
from tests.ws import session_cookie_for

pytestmark = [needs_services, pytest.mark.django_db(transaction=True)]


async def close_code(path: str, *, origin: str | None = None, cookie: str | None = None) -> int | None:
    """Open a socket as a browser would and return the code it is closed with."""
    async with connect(
        f"ws://127.0.0.1:{WORKER_A}{path}",
        origin=origin or f"http://127.0.0.1:{WORKER_A}",  # type: ignore[arg-type]
        additional_headers={"Cookie": cookie} if cookie else None,
        open_timeout=10,
    ) as ws:  # the handshake succeeds: a 403 would raise InvalidStatus here
        with pytest.raises(ConnectionClosed):
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        return ws.close_code


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def get(port: int, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


async def test_refused_sockets_are_closed_with_the_phones_codes_not_http_403(procs):
    conf = await db(make_conference)()
    rep = await db(make_rep)(conf)
    cookie = await db(session_cookie_for)(rep)
    await asyncio.to_thread(procs.worker, WORKER_A)
    assert await close_code(f"/ws/c/{conf.slug}/") == 4401  # not signed in
    assert await close_code(f"/ws/c/{conf.slug}/", cookie=cookie, origin="http://127.0.0.1:1") == 4403
    assert await close_code(f"/ws/c/{conf.slug}/", cookie=cookie, origin="http://evil.example") == 4403
    assert await close_code("/ws/c/no-such-conference/screen/") == 4404


async def test_an_8_mib_frame_is_closed_with_1009_by_the_server_without_being_buffered(procs):
    conf = await db(make_conference)()
    rep = await db(make_rep)(conf)
    cookie = await db(session_cookie_for)(rep)
    worker = await asyncio.to_thread(procs.worker, WORKER_A)
    url = f"ws://127.0.0.1:{WORKER_A}/ws/c/{conf.slug}/"
    headers = {"Cookie": cookie}
    async with connect(url, origin=f"http://127.0.0.1:{WORKER_A}", additional_headers=headers, max_size=None) as ws:
        assert json.loads(await ws.recv())["type"] == "snapshot"
        # At the limit: the application answers it (here: not a message it knows).
        limit = settings.MAX_CLIENT_MESSAGE_BYTES
        padded = '{"type": "ping", "pad": "' + "x" * (limit - 27) + '"}'
        assert len(padded.encode()) == limit
        await ws.send(padded)
        assert json.loads(await ws.recv())["type"] == "pong"
    before = rss_kib(worker.pid)
    async with connect(url, origin=f"http://127.0.0.1:{WORKER_A}", additional_headers=headers, max_size=None) as ws:
        assert json.loads(await ws.recv())["type"] == "snapshot"
        try:
            await ws.send('{"type": "ping", "pad": "' + "x" * (8 * 1024 * 1024) + '"}')
        except ConnectionClosed:
            pass  # closed while we were still writing: the server did not wait for the rest
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 10)
        assert ws.close_code == 1009  # message too big
    assert rss_kib(worker.pid) - before < 4 * 1024, "the worker buffered the frame"


async def test_healthz_says_200_then_503_naming_the_database_when_it_is_cut_off(procs):
    proxy = CuttableProxy(PG_PROXY, ("127.0.0.1", 5432))
    await proxy.start()
    try:
        await asyncio.to_thread(procs.worker, WORKER_A, DATABASE_URL=proxy_url(PG_PROXY), DATABASE_POOL_TIMEOUT="3")
        status, body = await asyncio.to_thread(get, WORKER_A, "/healthz")
        assert (status, body["status"], body["database"], body["redis"]) == (200, "ok", "ok", "ok")
        proxy.cut_now()
        status, body = await asyncio.to_thread(get, WORKER_A, "/healthz")
        assert (status, body["failed"], body["redis"]) == (503, ["database"], "ok")
        assert body["database"].startswith("failed: ")
        proxy.restore()
        status, body = await asyncio.to_thread(get, WORKER_A, "/healthz")
        assert status == 200
    finally:
        await proxy.stop()
