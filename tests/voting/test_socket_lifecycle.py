"""A socket survives whatever a client sends, and leaves the hub however it ends."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async as db

from conference.hub import Hub
from tests.factories import make_conference, make_rep
from tests.ws import connect, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]

DEEP = "[" * 1000 + "]" * 1000  # about 2,000 bytes: under the size limit


@pytest.fixture(autouse=True)
def roomy_socket_limits(request):
    """This file sends many messages at once on purpose; the per-socket rate limits have
    their own tests (tests/voting/test_socket_limits.py)."""
    django_settings = request.getfixturevalue("settings")
    django_settings.SOCKET_RATE_LIMITS = {k: (100_000, 1) for k in django_settings.SOCKET_RATE_LIMITS}


@pytest.fixture
async def hall_of_two():
    conf = await db(make_conference)()
    return conf, [await db(make_rep)(conf) for _ in range(2)]


async def test_deeply_nested_json_is_refused_and_the_socket_still_answers(hall_of_two):
    conf, (rep, other) = hall_of_two
    watcher, _ = await connect(conf, other)
    ws, _ = await connect(conf, rep)
    for _ in range(50):
        await ws.send_to(text_data=DEEP)
        assert (await receive_until(ws, "error"))["code"] == "malformed"
    await ws.send_to(text_data='{"type": "vote", "choice": ' + DEEP + "}")
    assert (await receive_until(ws, "error"))["code"] == "malformed"
    await ws.send_json_to({"type": "ping"})
    assert (await receive_until(ws, "pong"))["type"] == "pong"
    assert Hub.current().local_count(conf.pk) == 2
    await ws.disconnect()
    assert Hub.current().local_count(conf.pk) == 1
    await watcher.disconnect()
    assert Hub.current().local_count(conf.pk) == 0


async def test_a_handler_that_raises_leaves_the_socket_usable(hall_of_two, monkeypatch):
    import dataclasses

    from conference import protocol

    async def broken(client, message):
        raise RecursionError("maximum recursion depth exceeded")

    # The ping's registered handler (conference.protocol), broken.
    monkeypatch.setitem(protocol.COMMANDS, "ping", dataclasses.replace(protocol.COMMANDS["ping"], handler=broken))
    conf, (rep, _) = hall_of_two
    ws, _ = await connect(conf, rep)
    await ws.send_json_to({"type": "ping", "ref": 7})
    failed = await receive_until(ws, "error")
    assert (failed["code"], failed["ref"]) == ("server_error", 7)
    await ws.send_json_to({"type": "sync"})
    assert (await receive_until(ws, "snapshot"))["type"] == "snapshot"
    await ws.disconnect()
    assert Hub.current().local_count(conf.pk) == 0


async def test_a_socket_whose_task_is_cancelled_leaves_the_hub(hall_of_two):
    """A server shutdown or an abrupt end cancels the consumer without a disconnect message."""
    conf, (rep, _) = hall_of_two
    ws, _ = await connect(conf, rep)
    assert Hub.current().local_count(conf.pk) == 1
    ws.future.cancel()
    with pytest.raises(asyncio.CancelledError):
        await ws.future
    assert Hub.current().local_count(conf.pk) == 0


async def test_a_socket_that_fails_to_send_leaves_the_hub(hall_of_two, monkeypatch):
    """The client vanished mid-answer: the send raises, and the socket is gone from the hub."""
    conf, (rep, _) = hall_of_two
    ws, _ = await connect(conf, rep)
    from voting.consumers import BaseHallConsumer

    async def vanished(self, text_data=None, bytes_data=None, close=False):
        raise OSError("the client went away")

    monkeypatch.setattr(BaseHallConsumer, "send", vanished)
    await ws.send_json_to({"type": "ping"})
    await asyncio.sleep(0.2)
    assert Hub.current().local_count(conf.pk) == 0
    ws.future.cancel()
