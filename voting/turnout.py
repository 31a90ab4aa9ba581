"""Turnout, coalesced: a burst of votes becomes a few updates a second (DESIGN §4.5).

The count is derived from the database each time, never incremented, so every update
is right on its own and a missed one is corrected by the next.
"""

from __future__ import annotations

import asyncio
import logging

from django.conf import settings

from conference.events import send_on_commit
from conference.hub import abroadcast
from conference.loops import DbThread, PerLoop

from . import events
from .models import Participation, Poll

log = logging.getLogger(__name__)


def count_turnout(poll_id: int) -> dict[str, object] | None:
    poll = Poll.objects.select_related("conference").filter(pk=poll_id).first()
    if poll is None:
        return None
    return {
        "type": events.TURNOUT,
        "poll_id": poll.pk,
        "voted": Participation.objects.filter(poll_id=poll_id).count(),
        "present": poll.conference.voting_members().count(),
    }


def send_turnout_on_commit(conference_id: int, poll_id: int) -> None:
    """After a vote, or a change to who may vote or to the open poll, everyone watching
    gets the count (at once, outside a transaction). The websocket's votes, many at a
    time, go through the TurnoutTicker instead."""
    event = count_turnout(poll_id)
    if event is not None:
        send_on_commit(conference_id, event, audience="turnout")


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
