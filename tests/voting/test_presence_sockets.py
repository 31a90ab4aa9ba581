"""The hub's sockets make "present" (issue 14): a representative's socket opening counts
them in the turnout's "present", its closing takes them out again; two sockets of one
representative count once, and staff and observers never count."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async as db

from conference import presence
from conference.models import Representative
from tests.factories import make_conference, make_motion, make_rep, make_staff
from tests.ws import connect, receive_until
from voting.turnout import count_present

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]


async def settled(conf, expected: int) -> int:
    """The present count once the sockets' changes are written (they are gathered a moment)."""
    for _ in range(50):
        present, _ = await db(count_present)(conf.pk)
        if present == expected:
            return present
        await asyncio.sleep(0.05)
    return present


async def test_a_socket_makes_its_representative_present_until_it_closes(settings):
    settings.PRESENCE_GATHER_SECONDS = 0.01
    conf = await db(make_conference)(require_check_in=True)
    chair = await db(make_staff)(conf)
    rep, other = await db(make_rep)(conf), await db(make_rep)(conf)
    observer = await db(make_rep)(conf, role=Representative.Role.OBSERVER)
    assert await settled(conf, 0) == 0
    first, _ = await connect(conf, rep)
    second, _ = await connect(conf, rep)
    staff, _ = await connect(conf, chair)
    watching, _ = await connect(conf, observer)
    assert await settled(conf, 1) == 1
    assert await db(presence.connected)(conf.pk, [rep.pk, other.pk, chair.pk, observer.pk]) == {rep.pk}
    await first.disconnect()
    await asyncio.sleep(0.1)
    assert await settled(conf, 1) == 1  # the second socket is still open
    await second.disconnect()
    assert await settled(conf, 0) == 0
    for ws in (staff, watching):
        await ws.disconnect()


async def test_the_console_sees_connected_representatives_as_present(settings):
    settings.PRESENCE_GATHER_SECONDS = 0.01
    conf = await db(make_conference)(require_check_in=False)
    motion = await db(make_motion)(conf)
    chair = await db(make_staff)(conf)
    reps = [await db(make_rep)(conf) for _ in range(3)]
    phone, _ = await connect(conf, reps[0])
    await settled(conf, 1)
    chair_ws, _ = await connect(conf, chair)
    await chair_ws.send_json_to({"type": "open", "motion": motion.pk})
    turnout = await receive_until(chair_ws, "turnout")
    assert (turnout["voted"], turnout["present"], turnout["registered"]) == (0, 1, 3)
    for ws in (phone, chair_ws):
        await ws.disconnect()


async def test_the_keys_are_refreshed_while_the_socket_stays_open(settings):
    """A key lives PRESENCE_SECONDS; the process writes it again every refresh, so a phone
    connected for hours stays present."""
    settings.PRESENCE_GATHER_SECONDS = 0.01
    settings.PRESENCE_REFRESH_SECONDS = 0.2
    settings.PRESENCE_SECONDS = 1
    conf = await db(make_conference)(require_check_in=True)
    rep = await db(make_rep)(conf)
    phone, _ = await connect(conf, rep)
    assert await settled(conf, 1) == 1
    await asyncio.sleep(1.5)  # longer than a key lives: only the refresh keeps it
    assert await db(presence.connected)(conf.pk, [rep.pk]) == {rep.pk}
    await phone.disconnect()
