"""Who has a socket open: the turnout's "present" is "checked in or connected" (issue 14).

Each process knows its own sockets. For each conference it keeps one entry in the cache
(Redis when REDIS_URL is set, so every process and Celery worker reads the same entries):
the ids of the representatives it has a socket of, packed, with the time it wrote them.
An entry is written soon after its set changes and again every refresh; readers take the
union of the entries written within PRESENCE_SECONDS, so a process that dies stops
counting by itself, and a representative connected through two processes stays present
while either holds a socket.

One entry per process, not one key per representative: "present" is counted four times a
second during a vote, and reading 5,000 keys into Python cost about 20 ms of each count
(bench/README.md). The union is a few unpacked arrays, and the roll is then counted by the
database with those ids as one parameter (voting.turnout).

Nothing is written per socket in the connect path itself: changes are gathered for a
moment and written together, so a connect storm costs a few cache writes, not thousands.
On Redis the entries of a conference are the fields of one hash (HSET is atomic per
field, so processes never overwrite each other's); elsewhere (the embedded default: one
process, the local-memory cache) a dict under one cache key.
"""

from __future__ import annotations

import asyncio
import logging
import struct
import threading
import time
import uuid
from array import array
from collections.abc import Iterable
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

from .loops import PerLoop

log = logging.getLogger(__name__)

_STAMP = struct.Struct("!d")


def _name(conference_id: int) -> str:
    return f"present:{conference_id}"


def _pack(ids: Iterable[int]) -> bytes:
    return _STAMP.pack(time.time()) + array("q", sorted(ids)).tobytes()


def _unpack(value: bytes) -> tuple[float, array[int]]:
    (seen,) = _STAMP.unpack_from(value)
    ids = array("q")
    ids.frombytes(value[_STAMP.size :])
    return seen, ids


def _redis(key: str, write: bool = False) -> Any:
    """The redis-py client behind Django's Redis cache (the hash commands are not in its API)."""
    return cast(Any, cache)._cache.get_client(key, write=write)


class _Entries:
    """The cache's entries of one conference, by holder (a process's event loop)."""

    _lock = threading.Lock()  # the local-memory cache: read-modify-write within one process

    def put(self, conference_id: int, holder: str, value: bytes | None) -> None:
        if isinstance(cache, RedisCache):
            name = cache.make_and_validate_key(_name(conference_id))
            client = _redis(name, write=True)
            pipe = client.pipeline()
            if value is None:
                pipe.hdel(name, holder)
            else:
                pipe.hset(name, holder, value)
                pipe.expire(name, int(settings.PRESENCE_SECONDS) + 1)
            pipe.execute()
            return
        with self._lock:
            entries = cache.get(_name(conference_id)) or {}
            if value is None:
                entries.pop(holder, None)
            else:
                entries[holder] = value
            cache.set(_name(conference_id), entries, timeout=settings.PRESENCE_SECONDS)

    def all(self, conference_id: int) -> dict[str, bytes]:
        if isinstance(cache, RedisCache):
            name = cache.make_and_validate_key(_name(conference_id))
            found = _redis(name).hgetall(name)
            return {k.decode() if isinstance(k, bytes) else k: v for k, v in found.items()}
        return dict(cache.get(_name(conference_id)) or {})

    def drop_stale(self, conference_id: int, stale: dict[str, bytes]) -> None:
        """Remove these entries, each only if it still holds the value read: a holder that
        wrote again meanwhile is alive, and its fresh entry stays."""
        if isinstance(cache, RedisCache):
            name = cache.make_and_validate_key(_name(conference_id))
            client = _redis(name, write=True)
            for holder, value in stale.items():
                client.eval(_DELETE_IF_UNCHANGED, 1, name, holder, value)
            return
        with self._lock:
            entries = cache.get(_name(conference_id)) or {}
            for holder, value in stale.items():
                if entries.get(holder) == value:
                    del entries[holder]
            cache.set(_name(conference_id), entries, timeout=settings.PRESENCE_SECONDS)


# HDEL only if the field still holds the value read (atomic in Redis).
_DELETE_IF_UNCHANGED = """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
"""


ENTRIES = _Entries()


def connected_ids(conference_id: int) -> set[int]:
    """Everyone with a socket open at this conference now, in any process."""
    fresh_since = time.time() - settings.PRESENCE_SECONDS
    here: set[int] = set()
    stale: dict[str, bytes] = {}
    for holder, value in ENTRIES.all(conference_id).items():
        seen, ids = _unpack(value)
        if seen >= fresh_since:
            here.update(ids)
        else:
            stale[holder] = value
    if stale:  # a process that died: its entry is swept by whoever reads it
        ENTRIES.drop_stale(conference_id, stale)
    return here


def connected(conference_id: int, representative_ids: Iterable[int]) -> set[int]:
    """Which of these representatives have a socket open (in any process)."""
    return connected_ids(conference_id) & set(representative_ids)


def _write(on: set[tuple[int, int]], off: set[tuple[int, int]], holder: str = "direct") -> None:
    """Mark (conference, representative) pairs connected (``on``) or not (``off``) in the
    entry of ``holder``, reading it first: for tests and for callers without sockets. The
    sockets' own process writes its whole set instead (Presence)."""
    for conference_id in {c for c, _ in on | off}:
        current = ENTRIES.all(conference_id).get(holder)
        ids = set(_unpack(current)[1]) if current is not None else set()
        ids |= {r for c, r in on if c == conference_id}
        ids -= {r for c, r in off if c == conference_id}
        ENTRIES.put(conference_id, holder, _pack(ids) if ids else None)


class Presence(PerLoop):
    def __init__(self) -> None:
        self.holder = uuid.uuid4().hex
        self.sockets: dict[tuple[int, int], int] = {}  # (conference, representative) -> open sockets here
        self.dirty: set[int] = set()  # conferences whose entry is to be written
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def arrive(self, conference_id: int, representative_id: int) -> None:
        k = (conference_id, representative_id)
        self.sockets[k] = self.sockets.get(k, 0) + 1
        if self.sockets[k] == 1:
            self._changed(conference_id)

    def leave(self, conference_id: int, representative_id: int) -> None:
        k = (conference_id, representative_id)
        left = self.sockets.get(k, 0) - 1
        if left > 0:
            self.sockets[k] = left
            return
        self.sockets.pop(k, None)
        self._changed(conference_id)

    def _changed(self, conference_id: int) -> None:
        self.dirty.add(conference_id)
        self.wake.set()
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())

    def republish(self) -> None:
        """Write every entry again soon: a restarted Redis (it keeps nothing on disk) has
        forgotten them, and "present" would miss everyone until the next refresh."""
        for conference_id in {c for c, _ in self.sockets}:
            self._changed(conference_id)

    def _entries(self, conferences: set[int]) -> dict[int, bytes | None]:
        ids: dict[int, list[int]] = {c: [] for c in conferences}
        for c, r in self.sockets:
            if c in ids:
                ids[c].append(r)
        return {c: (_pack(found) if found else None) for c, found in ids.items()}

    async def flush(self) -> None:
        """Write what changed now; what could not be written is kept for the next try."""
        dirty, self.dirty = self.dirty, set()
        if not dirty:
            return
        entries = self._entries(dirty)
        try:
            await asyncio.to_thread(self._put_all, entries)
        except Exception:
            self.dirty |= dirty
            raise

    def _put_all(self, entries: dict[int, bytes | None]) -> None:
        for conference_id, value in entries.items():
            ENTRIES.put(conference_id, self.holder, value)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        refreshed = loop.time()
        while self.sockets or self.dirty:
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=settings.PRESENCE_REFRESH_SECONDS)
            except TimeoutError:
                pass
            if loop.time() - refreshed >= settings.PRESENCE_REFRESH_SECONDS:
                # The refresh (even while changes keep coming): the entries outlive it by a margin.
                self.dirty |= {c for c, _ in self.sockets}
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
