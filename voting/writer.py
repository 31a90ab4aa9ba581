"""The per-process vote writer (DESIGN §4, "under a burst").

Sockets hand their votes to the writer and wait. The writer takes whatever has gathered
and stores it with ``record_votes``: one transaction for the batch, on a database thread of
its own. A quiet hall pays one round trip per vote; a burst of thousands pays a few commits
per second instead of one per vote. Every vote is still accepted or refused on its own, and
acknowledged only after its batch committed.

Lanes: on PostgreSQL the writer has ``VOTE_WRITER_LANES`` of them, each with its own thread
and so its own connection, so one batch's round trips and synchronous commit do not hold
the votes that arrive meanwhile: they start at once in a free lane (bench/README.md). A
voter's votes always take the same lane (by representative id), so one phone's resends and
changes are stored in the order they came, as with one lane. Batches of different lanes are
different voters; they share the poll's FOR KEY SHARE lock and never wait on each other,
and a close waits for all of them. A batch is written as soon as its lane is free, never
held back to fill.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections

from conference import errors
from conference.loops import PerLoop, with_fresh_connection

from .actions import VoteOutcome, VoteRequest, record_votes


class _Lane:
    def __init__(self, number: int) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"vote-lane-{number}")
        self.pending: list[tuple[VoteRequest, asyncio.Future[VoteOutcome]]] = []
        self.wakeup = asyncio.Event()
        self.task = asyncio.get_running_loop().create_task(self._run())
        self.batches = 0
        self.writing = False

    def submit(self, request: VoteRequest) -> asyncio.Future[VoteOutcome]:
        future: asyncio.Future[VoteOutcome] = asyncio.get_running_loop().create_future()
        self.pending.append((request, future))
        self.wakeup.set()
        return future

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self.wakeup.wait()
            self.wakeup.clear()
            while self.pending:
                batch = self.pending[: settings.VOTE_BATCH_MAX]
                del self.pending[: len(batch)]
                self.writing = True
                try:
                    outcomes = await loop.run_in_executor(
                        self.executor, with_fresh_connection, record_votes, [r for r, _ in batch]
                    )
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
        await asyncio.get_running_loop().run_in_executor(self.executor, connections.close_all)
        self.executor.shutdown(wait=True)


class VoteWriter(PerLoop):
    def __init__(self) -> None:
        # SQLite takes one writer at a time whatever we do: one lane there.
        lanes = settings.VOTE_WRITER_LANES if connections["default"].vendor == "postgresql" else 1
        self.lanes = [_Lane(i) for i in range(max(1, lanes))]

    @property
    def batches(self) -> int:
        return sum(lane.batches for lane in self.lanes)

    async def submit(self, request: VoteRequest) -> VoteOutcome:
        return await self.lanes[request.representative_id % len(self.lanes)].submit(request)

    @property
    def unwritten(self) -> int:
        """Votes taken and not yet written (pending, or in a batch being written)."""
        return sum(len(lane.pending) + lane.writing for lane in self.lanes)

    async def drain(self, timeout: float) -> None:
        """At shutdown: finish the votes taken, in every lane, before the process exits."""
        await asyncio.gather(*(lane.drain(timeout) for lane in self.lanes))

    async def stop(self) -> None:
        for lane in self.lanes:
            await lane.stop()
