"""PostgreSQL unreachable: a vote is refused with "not recorded, try again" and never
acknowledged; when the database is back the app recovers by itself. The outage is a TCP
proxy between the worker and PostgreSQL that the test cuts and restores; the real server
is never stopped."""

from __future__ import annotations

import asyncio
import json
import secrets
import urllib.error
import urllib.request

import pytest
from channels.db import database_sync_to_async as db
from django.db import connection

from tests import ballots as stored_ballots
from tests.factories import make_conference, make_motion, make_rep, make_staff
from tests.faults.conftest import PG_PROXY, WORKER_C, Phone, needs_services, new_key
from tests.ws import session_cookie_for
from voting import actions, put
from voting.models import Ballot

pytestmark = [needs_services, pytest.mark.django_db(transaction=True)]


class CuttableProxy:
    def __init__(self, port: int, upstream: tuple[str, int]) -> None:
        self.port, self.upstream = port, upstream
        self.cut = False
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def stop(self) -> None:
        self.cut_now()
        self.server.close()
        await self.server.wait_closed()

    def cut_now(self) -> None:
        self.cut = True
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()

    def restore(self) -> None:
        self.cut = False

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cut:
            writer.transport.abort()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        self.writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


def post_vote(cookie: str, slug: str, body: dict) -> tuple[int, dict]:
    token = secrets.token_hex(16)  # any 32 characters; the cookie and the header must agree
    request = urllib.request.Request(
        f"http://127.0.0.1:{WORKER_C}/c/{slug}/vote/cast/",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Cookie": f"{cookie}; csrftoken={token}", "X-CSRFToken": token, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


async def test_a_vote_is_refused_while_the_database_is_unreachable_and_taken_when_it_is_back(procs):
    def build():
        conf = make_conference()
        poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), make_staff(conf))
        return conf, poll.pk, session_cookie_for(make_rep(conf)), session_cookie_for(make_rep(conf))

    conf, poll_id, cookie, http_cookie = await db(build)()
    s = connection.settings_dict
    proxy = CuttableProxy(PG_PROXY, (s["HOST"] or "127.0.0.1", int(s["PORT"] or 5432)))
    await proxy.start()
    try:
        await asyncio.to_thread(
            procs.worker, WORKER_C, DATABASE_URL=proxy_url(PG_PROXY), DATABASE_POOL_TIMEOUT="2"
        )  # how long a vote waits for the database
        phone = Phone(cookie, conf.slug)
        assert (await phone.connect(WORKER_C))["poll"]["id"] == poll_id

        proxy.cut_now()
        key = new_key()
        answer = await phone.vote(poll_id, "for", key)
        assert (answer["type"], answer["code"]) == ("error", "not_recorded") and "Try again" in answer["message"]
        http_key = new_key()
        status, body = await asyncio.to_thread(
            post_vote, http_cookie, conf.slug, {"poll": poll_id, "choice": "against", "key": http_key}
        )
        assert (status, body["code"]) == (503, "not_recorded")
        assert not await db(lambda: Ballot.objects.filter(poll_id=poll_id).exists())()

        proxy.restore()  # nobody restarts anything: the next tries just work
        answer = await phone.vote(poll_id, "for", key)
        assert answer["type"] == "vote.accepted", answer
        status, body = await asyncio.to_thread(
            post_vote, http_cookie, conf.slug, {"poll": poll_id, "choice": "against", "key": http_key}
        )
        assert (status, body["type"]) == (200, "vote.accepted")
        keys = await db(lambda: sorted(str(c.key) for c in stored_ballots.stored(poll_id)))()
        assert keys == sorted([key, http_key])
        await phone.close()
    finally:
        await proxy.stop()


def proxy_url(port: int) -> str:
    from tests.faults.conftest import database_url

    return database_url(port)
