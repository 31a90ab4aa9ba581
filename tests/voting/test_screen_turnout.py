"""The public screen's turnout moves only on the ticks of a fixed clock, never per vote."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from channels.db import database_sync_to_async as db

from tests.factories import make_conference, make_motion, make_rep, make_staff
from tests.ws import connect
from voting import actions, put

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]

TICK = 1.0


@pytest.fixture
async def quiet_hall(settings):
    settings.SCREEN_TURNOUT_SECONDS = TICK

    def build():
        conf = make_conference()
        chair = make_staff(conf)
        poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair)
        return conf, chair, poll.pk, [make_rep(conf) for _ in range(4)]

    return await db(build)()


async def turnouts(ws, seconds: float) -> list[tuple[float, dict]]:
    """(wall-clock time, event) of each turnout the socket gets in the next ``seconds``."""
    got = []
    deadline = time.time() + seconds
    while deadline - time.time() > 0:
        if await ws.receive_nothing(timeout=0.02):  # a timed-out receive would end the app
            continue
        event = await ws.receive_json_from()
        if event["type"] == "turnout":
            got.append((time.time(), event))
    return got


async def test_a_quiet_halls_votes_reach_the_screen_only_on_the_clocks_ticks(quiet_hall):
    conf, chair, poll_id, reps = quiet_hall
    screen, _ = await connect(conf, screen=True)
    console, _ = await connect(conf, chair)
    phones = [(await connect(conf, rep))[0] for rep in reps]

    async def votes() -> None:
        for phone in phones:  # one vote every 0.4 s: the chair sees each, the screen must not
            await phone.send_json_to({"type": "vote", "poll": poll_id, "choice": "for", "key": str(uuid.uuid4())})
            await asyncio.sleep(0.4)

    voting = asyncio.create_task(votes())
    on_screen, on_console = await asyncio.gather(turnouts(screen, 4.5), turnouts(console, 4.5))
    await voting

    assert len(on_console) >= 3  # the chair follows the hall closely
    assert on_screen and on_screen[-1][1]["voted"] == 4 and on_screen[-1][1]["poll_id"] == poll_id
    assert len(on_screen) < len(on_console)
    for at, _ in on_screen:  # on a tick of the wall clock (allowing for a busy machine)
        assert at % TICK < 0.3, [round(a % TICK, 3) for a, _ in on_screen]
    gaps = [b - a for (a, _), (b, _) in zip(on_screen, on_screen[1:], strict=False)]
    assert all(gap > TICK - 0.3 for gap in gaps), gaps
    for ws in [screen, console, *phones]:
        await ws.disconnect()


async def test_nothing_reaches_the_screen_when_nothing_changed(quiet_hall):
    conf, _, _, _ = quiet_hall
    screen, _ = await connect(conf, screen=True)
    assert await turnouts(screen, 2.5) == []
    await screen.disconnect()
