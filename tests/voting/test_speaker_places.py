"""The phone's place in the speaker queue (issue 14): every change to the queue sends the
phones its order, without names (points of order first, then in the order asked), and a
phone that reconnects finds its own waiting request and the order in its snapshot."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async as db

from conference.models import Conference
from tests.factories import make_conference, make_motion, make_rep, make_staff
from tests.ws import connect, drain, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]


@pytest.fixture
async def debate():
    conf = await db(make_conference)()
    motion = await db(make_motion)(conf)
    await db(lambda: Conference.objects.filter(pk=conf.pk).update(current_motion=motion))()
    chair = await db(make_staff)(conf)
    reps = [await db(make_rep)(conf) for _ in range(3)]
    return conf, motion, chair, reps


async def ask(ws, side: str) -> int:
    await ws.send_json_to({"type": "speak", "side": side})
    return (await receive_until(ws, "ok", of="speak"))["request_id"]


async def test_each_change_to_the_queue_sends_the_phones_its_order(debate):
    conf, motion, chair, reps = debate
    chair_ws, _ = await connect(conf, chair)
    sockets = [(await connect(conf, rep))[0] for rep in reps]
    watcher, _ = await connect(conf, await db(make_rep)(conf))  # a phone that only watches
    first = await ask(sockets[0], "for")
    assert (await receive_until(watcher, "speakers.places")) == {
        "type": "speakers.places",
        "motion_id": motion.pk,
        "requests": [first],
    }
    second = await ask(sockets[1], "against")
    assert (await receive_until(watcher, "speakers.places"))["requests"] == [first, second]
    point = await ask(sockets[2], "point_of_order")
    assert (await receive_until(watcher, "speakers.places"))["requests"] == [point, first, second]

    await sockets[0].send_json_to({"type": "unspeak"})
    assert (await receive_until(watcher, "speakers.places"))["requests"] == [point, second]
    await chair_ws.send_json_to({"type": "speech", "request": point})
    assert (await receive_until(watcher, "speakers.places"))["requests"] == [second]
    # Staff have the named queue instead; nothing of the kind goes to them.
    assert all(e["type"] != "speakers.places" for e in await drain(chair_ws))
    for ws in [chair_ws, watcher, *sockets]:
        await ws.disconnect()


async def test_a_phone_that_reconnects_finds_its_request_and_place_in_the_snapshot(debate):
    conf, _, _, reps = debate
    first_ws, _ = await connect(conf, reps[0])
    second_ws, _ = await connect(conf, reps[1])
    first = await ask(first_ws, "for")
    second = await ask(second_ws, "for")
    await second_ws.disconnect()
    again, snapshot = await connect(conf, reps[1])
    assert snapshot["my_request"] == second
    assert snapshot["speaker_places"] == [first, second]
    _, other = await connect(conf, reps[2])
    assert other["my_request"] is None and other["speaker_places"] == [first, second]
    for ws in (first_ws, again):
        await ws.disconnect()


async def test_the_screen_gets_no_queue(debate):
    conf, _, _, reps = debate
    screen, snapshot = await connect(conf, screen=True)
    assert "speaker_places" not in snapshot
    rep_ws, _ = await connect(conf, reps[0])
    await ask(rep_ws, "for")
    assert all(e["type"] != "speakers.places" for e in await drain(screen))
    for ws in (screen, rep_ws):
        await ws.disconnect()
