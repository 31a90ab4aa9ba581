"""The per-process vote writer (DESIGN §4, "under a burst").

Sockets hand their votes to the writer and wait. The writer takes whatever has gathered
and stores it with ``record_votes``: one transaction with a savepoint per vote, on one
database thread of its own. A quiet hall pays one round trip per vote; a burst of
thousands pays a few commits per second instead of one per vote. Every vote is still
accepted or refused on its own, and acknowledged only after its batch committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings

from conference import errors
from conference.loops import DbThread, PerLoop

from .actions import VoteOutcome, VoteRequest, record_votes

T = TypeVar("T")


class VoteWriter(PerLoop):
    def __init__(self) -> None:
        self.pending: list[tuple[VoteRequest, asyncio.Future[VoteOutcome]]] = []
        self.wakeup = asyncio.Event()
        self.task = asyncio.get_running_loop().create_task(self._run())
        self.batches = 0
        self.writing = False

    async def submit(self, request: VoteRequest) -> VoteOutcome:
        future: asyncio.Future[VoteOutcome] = asyncio.get_running_loop().create_future()
        self.pending.append((request, future))
        self.wakeup.set()
        return await future

    async def run_in_db_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """Other database work that should not queue behind the web requests' thread."""
        return await DbThread.current().run(fn, *args)

    async def _run(self) -> None:
        while True:
            await self.wakeup.wait()
            self.wakeup.clear()
            while self.pending:
                batch = self.pending[: settings.VOTE_BATCH_MAX]
                del self.pending[: len(batch)]
                self.writing = True
                try:
                    outcomes = await self.run_in_db_thread(record_votes, [r for r, _ in batch])
                except Exception as exc:  # never leave a phone waiting: it resends with its key
                    outcomes = [
                        VoteOutcome(
                            r.poll_id,
                            False,
                            key=str(r.key),
                            code=errors.NOT_RECORDED,
                            message=f"Not recorded: {type(exc).__name__}. Try again.",
                        )
                        for r, _ in batch
                    ]
                finally:
                    self.writing = False
                self.batches += 1
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if not future.done():
                        future.set_result(outcome)

    async def drain(self, timeout: float) -> None:
        """At shutdown: finish the votes taken (pending or being written) before the process exits."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (self.pending or self.writing) and loop.time() < deadline and not self.task.done():
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        self.task.cancel()
        try:
            await self.task
        except (asyncio.CancelledError, Exception):
            pass
