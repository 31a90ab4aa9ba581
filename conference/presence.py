"""Who has a socket open: the turnout's "present" is "checked in or connected" (issue 14).

Each process knows its own sockets. It keeps one short-lived cache key per representative
it has connected (the cache is Redis when REDIS_URL is set, so every process and Celery
worker reads the same keys): written soon after the first socket opens, refreshed while
one stays open, deleted when the process's last socket of that representative closes. A
representative connected through two processes, one of which closes, is missing for at
most one refresh; a process that dies leaves keys that expire by themselves.

Nothing is written per socket in the connect path itself: changes are gathered for a
moment and written together, so a connect storm costs a few cache writes, not thousands.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

from .loops import PerLoop

log = logging.getLogger(__name__)


def _key(conference_id: int, representative_id: int) -> str:
    return f"present:{conference_id}:{representative_id}"


def connected(conference_id: int, representative_ids: Iterable[int]) -> set[int]:
    """Which of these representatives have a socket open (in any process)."""
    keys = {_key(conference_id, pk): pk for pk in representative_ids}
    if not keys:
        return set()
    return {keys[key] for key in cache.get_many(list(keys))}


def _write(on: set[tuple[int, int]], off: set[tuple[int, int]]) -> None:
    if on:
        cache.set_many({_key(*k): 1 for k in on}, timeout=settings.PRESENCE_SECONDS)
    if off:
        cache.delete_many([_key(*k) for k in off])


class Presence(PerLoop):
    def __init__(self) -> None:
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

    def republish(self) -> None:
        """Write every key again soon: a restarted Redis (it keeps nothing on disk) has
        forgotten them, and "present" would miss everyone until the next refresh."""
        if self.sockets:
            self.on |= set(self.sockets)
            self._changed()

    async def flush(self) -> None:
        """Write what changed now; what could not be written is kept for the next try."""
        on, off, self.on, self.off = self.on, self.off, set(), set()
        if on or off:
            try:
                await asyncio.to_thread(_write, on, off)
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
            if loop.time() - refreshed >= settings.PRESENCE_REFRESH_SECONDS:
                # The refresh (even while changes keep coming): the keys outlive it by a margin.
                self.on |= set(self.sockets)
                refreshed = loop.time()
            self.wake.clear()
            await asyncio.sleep(settings.PRESENCE_GATHER_SECONDS)
            try:
                await self.flush()
            except Exception:  # the cache is down: "present" falls back to who is checked in
                log.warning("presence: writing to the cache failed", exc_info=True)

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
