"""Turnout, coalesced: a burst of votes becomes a few updates a second (DESIGN §4.5).

The count is derived from the database each time, never incremented, so every update
is right on its own and a missed one is corrected by the next.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q

from conference import presence
from conference.events import send_now
from conference.hub import Hub, abroadcast
from conference.loops import DbThread, PerLoop
from conference.models import Representative
from conference.wire import FrameWriter

from . import events, rawpg
from .models import Participation, Poll

log = logging.getLogger(__name__)


def count_turnout(poll_id: int) -> dict[str, object] | None:
    conference_id = Poll.objects.filter(pk=poll_id).values_list("conference_id", flat=True).first()
    if conference_id is None:
        return None
    present, registered = count_present(conference_id, poll_id)
    return {
        "type": events.TURNOUT,
        "poll_id": poll_id,
        "voted": Participation.objects.filter(poll_id=poll_id).count(),
        "present": present,
        "registered": registered,
    }


def count_present(conference_id: int, poll_id: int | None = None) -> tuple[int, int]:
    """(present, registered): of the representatives on the roll, those checked in or with a
    socket open now (conference.presence), and anyone who has voted in this poll (an HTTP
    vote needs no socket: whoever voted was there). One counting query: the database takes
    the union, not Python over the roll's thousands of rows (bench/README.md)."""
    connected = presence.connected_ids(conference_id)
    if connection.vendor == "postgresql":
        # The connected ids go as one array bound on the server (an IN list of 5,000
        # placeholders cost more than the count itself).
        registered, present = rawpg.fetchone(_COUNT_PRESENT_SQL(), [list(connected), poll_id, conference_id])
        return present, registered
    here = Q(checked_in=True)
    if connected:
        here |= Q(pk__in=connected)
    if poll_id is not None:
        here |= Q(Exists(Participation.objects.filter(poll_id=poll_id, representative=OuterRef("pk"))))
    counts = Representative.objects.filter(
        conference_id=conference_id, role=Representative.Role.REPRESENTATIVE, is_active=True
    ).aggregate(present=Count("pk", filter=here), registered=Count("pk"))
    return counts["present"], counts["registered"]


@functools.cache
def _COUNT_PRESENT_SQL() -> str:  # noqa: N802 (a constant, made once the models are loaded)
    quote = connection.ops.quote_name
    reps, participations = quote(Representative._meta.db_table), quote(Participation._meta.db_table)
    return (
        f"SELECT count(*), count(*) FILTER (WHERE r.checked_in OR r.id = ANY(%s::bigint[]) OR EXISTS"
        f" (SELECT 1 FROM {participations} p WHERE p.poll_id = %s AND p.representative_id = r.id))"
        f" FROM {reps} r WHERE r.conference_id = %s AND r.is_active"
        f" AND r.role = '{Representative.Role.REPRESENTATIVE.value}'"
    )


def send_turnout_on_commit(conference_id: int, poll_id: int) -> None:
    """After a vote, or a change to who may vote or to the open poll, everyone watching
    gets the count (at once, outside a transaction). The websocket's votes, many at a
    time, go through the TurnoutTicker instead."""

    def count_and_send() -> None:
        # Counted after the commit, not inside the transaction: what it counts is then
        # committed, and the change's own events (a hook registered earlier, poll.opened
        # say) leave before the count is made (bench/README.md: 50 ms at 5,000).
        event = count_turnout(poll_id)
        if event is not None:
            send_now(conference_id, event, audience="turnout")

    transaction.on_commit(count_and_send, robust=True)


def send_open_poll_turnout(conference_id: int) -> None:
    """Who may vote has changed (a check-in, a deputy): the open poll's count, if one is open."""
    open_poll = Poll.objects.filter(conference_id=conference_id, status=Poll.Status.OPEN).values_list("pk", flat=True)
    poll_id = open_poll.first()
    if poll_id is not None:
        send_turnout_on_commit(conference_id, poll_id)


class TurnoutTicker(PerLoop):
    def __init__(self) -> None:
        self.dirty: dict[int, int] = {}  # poll id -> conference id
        self.flushing: asyncio.Task[None] | None = None

    def mark(self, conference_id: int, poll_id: int) -> None:
        self.dirty[poll_id] = conference_id
        if self.flushing is None or self.flushing.done():
            self.flushing = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(settings.TURNOUT_INTERVAL_SECONDS)
        while self.dirty:
            dirty, self.dirty = self.dirty, {}
            for poll_id, conference_id in dirty.items():
                try:
                    event = await DbThread.current().run(count_turnout, poll_id)
                    if event is not None:
                        await abroadcast(conference_id, event, audience="turnout")
                except Exception:
                    log.warning("turnout update failed", exc_info=True)
            if self.dirty:
                await asyncio.sleep(settings.TURNOUT_INTERVAL_SECONDS)


SCREEN_AUDIENCE = "screen-turnout"


class ScreenTurnout(PerLoop):
    """The public screen's turnout, paced: only on the ticks of a fixed clock.

    The chair's console gets the turnout a quarter of a second after a vote; a projector
    doing the same would show, to the second, when each vote of a quiet hall was cast,
    which lined up with who was seen pressing a phone is more than a secret ballot should
    give away. So each process listens to the turnout on its screens' behalf (one more
    socket per conference in its hub) and hands the latest count of each poll to the
    screens only on the wall-clock multiples of ``SCREEN_TURNOUT_SECONDS``, the same ticks
    in every process: never sooner than that after the previous update, a vote timed only
    to its tick, and nothing sent when nothing changed.
    """

    def __init__(self) -> None:
        self.pacers: dict[int, _Pacer] = {}

    async def watch(self, conference_id: int) -> None:
        pacer = self.pacers.get(conference_id)
        if pacer is None:
            pacer = self.pacers[conference_id] = _Pacer(conference_id)
            await Hub.current().join(conference_id, pacer)
        pacer.screens += 1

    def unwatch(self, conference_id: int) -> None:
        pacer = self.pacers.get(conference_id)
        if pacer is None:
            return
        pacer.screens -= 1
        if pacer.screens <= 0:
            del self.pacers[conference_id]
            Hub.current().leave(conference_id, pacer)
            pacer.stop()


class _Pacer:
    """One conference's screens in this process: takes every turnout, passes on the latest on each tick."""

    audiences = frozenset({"turnout"})
    frame_writer: FrameWriter | None = None  # pushed through push(), never written to

    def __init__(self, conference_id: int) -> None:
        self.conference_id = conference_id
        self.screens = 0
        self.latest: dict[Any, str] = {}  # poll id -> the event's text
        self.ticking: asyncio.Task[None] | None = None

    async def push(self, text: str) -> None:
        self.latest[json.loads(text).get("poll_id")] = text
        if self.ticking is None or self.ticking.done():
            self.ticking = asyncio.get_running_loop().create_task(self._on_next_tick())

    async def kick(self, code: int) -> None:  # nothing to close
        return

    def stop(self) -> None:
        if self.ticking is not None:
            self.ticking.cancel()

    async def _on_next_tick(self) -> None:
        interval = settings.SCREEN_TURNOUT_SECONDS
        now = time.time()
        await asyncio.sleep(interval - now % interval)
        latest, self.latest = self.latest, {}
        hub = Hub.current()
        for text in latest.values():
            message = {"type": "hub.event", "conference": self.conference_id, "audience": SCREEN_AUDIENCE, "text": text}
            await hub.deliver(message)
