"""The door: who may come in, and the snapshot they get, for many sockets at once.

A connect storm (a hall of phones coming back after the lunch break) asks the same
questions thousands of times: which conference, whose session, which representative,
what is the state. Asked one socket at a time they cost a trip to the database thread and
half a dozen round trips each, and the sockets queue behind one another (bench/README.md).
The door gathers the sockets that arrive while a batch is in flight and answers them
together: one thread hop, one query per table for the whole batch.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import close_old_connections
from django.utils import timezone

from conference.auth import SESSION_REP, fingerprint_matches, representative_from_session
from conference.loops import PerLoop
from conference.models import Conference, Representative

from .snapshot import build_snapshots

Request = TypeVar("Request")
Answer = TypeVar("Answer")

BATCH_MAX = 500

# (the conference's slug, the socket's session or None for the public screen)
Admission = tuple[str, Any]
# (the conference, or None if there is none; the signed-in representative, or None)
Admitted = tuple[Conference | None, Representative | None]


class Batcher(Generic[Request, Answer]):
    """Requests made while a batch is in flight wait and go together in the next one.

    A quiet moment costs one hop per request, as before; a storm costs one per batch.
    No task outlives the queue, so nothing is left running when a loop ends.
    """

    def __init__(self, handle: Callable[[list[Request]], list[Answer]]) -> None:
        self.handle = handle
        self.pending: list[tuple[Request, asyncio.Future[Answer]]] = []
        self.task: asyncio.Task[None] | None = None

    async def submit(self, request: Request) -> Answer:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Answer] = loop.create_future()
        self.pending.append((request, future))
        if self.task is None or self.task.done():
            self.task = loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self.pending:
            batch = self.pending[:BATCH_MAX]
            del self.pending[: len(batch)]
            try:
                answers = await asyncio.get_running_loop().run_in_executor(
                    _executor, _with_connection, self.handle, [r for r, _ in batch]
                )
            except BaseException as exc:  # each waiting socket fails on its own, as it would alone
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc if isinstance(exc, Exception) else ConnectionAbortedError())
                if not isinstance(exc, Exception):
                    raise
                continue
            for (_, future), answer in zip(batch, answers, strict=True):
                if not future.done():
                    future.set_result(answer)


# The door's own database thread: a storm does not queue behind the web requests' thread,
# and the requests' thread does not queue behind a storm.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="door")


def _with_connection(fn: Callable[[list[Request]], list[Answer]], requests: list[Request]) -> list[Answer]:
    close_old_connections()
    try:
        return fn(requests)
    finally:
        close_old_connections()


class Door(PerLoop):
    def __init__(self) -> None:
        self.admissions: Batcher[Admission, Admitted] = Batcher(admit)
        self.snapshots: Batcher[tuple[Conference, Representative | None, str], dict[str, Any]] = Batcher(
            build_snapshots
        )

    async def admit(self, slug: str, session: Any) -> Admitted:
        return await self.admissions.submit((slug, session))

    async def snapshot(self, conference: Conference, viewer: Representative | None, audience: str) -> dict[str, Any]:
        return await self.snapshots.submit((conference, viewer, audience))


def admit(requests: list[Admission]) -> list[Admitted]:
    """For each (slug, session): the conference and the representative signed in to it.

    The same answer as ``Conference.objects.filter(slug=...)`` and
    ``representative_from_session`` one at a time, in three queries for the batch.
    """
    conferences = {c.slug: c for c in Conference.objects.filter(slug__in={slug for slug, _ in requests})}
    sessions = [session for slug, session in requests if session is not None and slug in conferences]
    _load_sessions(sessions)
    rep_ids = {s.get(SESSION_REP) for s in sessions} - {None, ""}
    reps = (
        Representative.objects.select_related("lmc").filter(pk__in=rep_ids, is_active=True).in_bulk() if rep_ids else {}
    )
    answers: list[Admitted] = []
    for slug, session in requests:
        found = conferences.get(slug)
        # Each socket its own copy: a socket's actions refresh its conference's seq.
        conference = copy.copy(found) if found is not None else None
        rep = None
        if conference is not None and session is not None:
            rep = _representative(session, conference, reps)
        answers.append((conference, rep))
    return answers


def _representative(session: Any, conference: Conference, reps: dict[int, Representative]) -> Representative | None:
    rep_id = session.get(SESSION_REP)
    if rep_id:
        found = reps.get(rep_id)
        if found is not None and found.conference_id == conference.pk:
            rep = copy.copy(found)
            rep.conference = conference
            if fingerprint_matches(rep, session):
                return rep
    if session.get(SESSION_KEY):  # chair and secretariat: a few, one query each
        return representative_from_session(session, conference)
    return None


def _load_sessions(sessions: list[Any]) -> None:
    """Load database-backed sessions in one query; any other engine loads its own on use."""
    stores: dict[str, DatabaseSessionStore] = {}
    for session in sessions:
        store = getattr(session, "_wrapped", session)  # Channels wraps it in a LazyObject
        if (
            isinstance(store, DatabaseSessionStore)
            and store.session_key
            and getattr(store, "_session_cache", None) is None
        ):
            stores.setdefault(store.session_key, store)
    if not stores:
        return
    model = next(iter(stores.values())).model
    rows = dict(
        model.objects.filter(session_key__in=list(stores), expire_date__gt=timezone.now()).values_list(
            "session_key", "session_data"
        )
    )
    for session in sessions:
        store = getattr(session, "_wrapped", session)
        key = getattr(store, "session_key", None)
        if key not in stores or getattr(store, "_session_cache", None) is not None:
            continue
        if key in rows:
            store._session_cache = store.decode(rows[key])
        else:  # as SessionStore.load does for a missing or expired session
            store._session_key = None
            store._session_cache = {}
