"""Who has a socket open: the turnout's "present" is "checked in or connected or has voted"
(issue 14).

Each process knows its own sockets and keeps one row per representative it has connected
(``Connection``: representative, the process's holder id, when last seen): written soon
after the first socket opens, refreshed while one stays open, deleted when the process's
last socket of that representative closes. A representative connected through two
processes has a row from each, so one of them closing leaves them present. A process that
dies leaves rows that stop counting after ``PRESENCE_SECONDS`` and are swept later.

The rows are in the database, next to the roll, so "present" is one counting query
(``voting.turnout.count_present``) that PostgreSQL answers without handing thousands of
ids to Python: the turnout is counted four times a second during a vote (bench/README.md).
Nothing is written per socket in the connect path itself: changes are gathered for a
moment and written together, so a connect storm costs a few statements, not thousands.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .loops import DbThread, PerLoop
from .models import Connection, Representative

log = logging.getLogger(__name__)

# Rows of a process that died are swept once they are this many lifetimes old.
SWEEP_AFTER_LIFETIMES = 10


def fresh_since() -> datetime:
    """Rows seen at or after this count as connected."""
    return timezone.now() - timedelta(seconds=settings.PRESENCE_SECONDS)


def connected(conference_id: int, representative_ids: Iterable[int]) -> set[int]:
    """Which of these representatives have a socket open (in any process)."""
    ids = list(representative_ids)
    if not ids:
        return set()
    return set(
        Connection.objects.filter(
            representative__conference_id=conference_id, representative_id__in=ids, seen__gte=fresh_since()
        ).values_list("representative_id", flat=True)
    )


def _write(on: set[tuple[int, int]], off: set[tuple[int, int]], holder: str = "direct") -> None:
    """Mark ``on`` (conference, representative) pairs connected through ``holder`` now, and
    ``off`` no longer (a representative taken off the roll meanwhile is skipped)."""
    now = timezone.now()
    if on:
        existing = Representative.objects.filter(pk__in={rep for _, rep in on}).values_list("pk", flat=True)
        Connection.objects.bulk_create(
            [Connection(representative_id=pk, holder=holder, seen=now) for pk in existing],
            update_conflicts=True,
            unique_fields=["representative", "holder"],
            update_fields=["seen"],
        )
    if off:
        Connection.objects.filter(holder=holder, representative_id__in={rep for _, rep in off}).delete()


def _sweep() -> None:
    lifetime = timedelta(seconds=settings.PRESENCE_SECONDS * SWEEP_AFTER_LIFETIMES)
    Connection.objects.filter(seen__lt=timezone.now() - lifetime).delete()


class Presence(PerLoop):
    def __init__(self) -> None:
        self.holder = uuid.uuid4().hex
        self.sockets: dict[tuple[int, int], int] = {}  # (conference, representative) -> open sockets here
        self.on: set[tuple[int, int]] = set()
        self.off: set[tuple[int, int]] = set()
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def arrive(self, conference_id: int, representative_id: int) -> None:
        k = (conference_id, representative_id)
        self.sockets[k] = self.sockets.get(k, 0) + 1
        if self.sockets[k] == 1:
            self.on.add(k)
            self.off.discard(k)
            self._changed()

    def leave(self, conference_id: int, representative_id: int) -> None:
        k = (conference_id, representative_id)
        left = self.sockets.get(k, 0) - 1
        if left > 0:
            self.sockets[k] = left
            return
        self.sockets.pop(k, None)
        self.off.add(k)
        self.on.discard(k)
        self._changed()

    def _changed(self) -> None:
        self.wake.set()
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())

    async def flush(self) -> None:
        """Write what changed now; what could not be written is kept for the next try."""
        on, off, self.on, self.off = self.on, self.off, set(), set()
        if on or off:
            try:
                await DbThread.current().run(_write, on, off, self.holder)
            except Exception:
                self.on |= on - set(self.off)
                self.off |= off - set(self.on)
                raise

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        refreshed = loop.time()
        while self.sockets or self.on or self.off:
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=settings.PRESENCE_REFRESH_SECONDS)
            except TimeoutError:
                pass
            refresh = loop.time() - refreshed >= settings.PRESENCE_REFRESH_SECONDS
            if refresh:
                # The refresh (even while changes keep coming): the rows outlive it by a margin.
                self.on |= set(self.sockets)
                refreshed = loop.time()
            self.wake.clear()
            await asyncio.sleep(settings.PRESENCE_GATHER_SECONDS)
            try:
                await self.flush()
                if refresh:
                    await DbThread.current().run(_sweep)
            except Exception:  # the database is down: the phones' votes wait for it too
                log.warning("presence: writing the connections failed", exc_info=True)

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
