"""The floor: the simplest server doing the same protocol work, to measure ours against.

Bare ``websockets``, no framework, no sign-in: phones connect to /ws/<code>, the chair
to /chair. Opening, closing and publishing broadcast one pre-serialised message to every phone;
each vote is one INSERT committed on its own (autocommit, synchronous commit) before its
acknowledgement, on PostgreSQL (psycopg, a few connections) or SQLite (one thread).

``python -m bench.baseline PORT`` with DATABASE_URL set (or BENCH_BASELINE_SQLITE=path).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import sqlite3
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve

TABLE = """CREATE TABLE IF NOT EXISTS bench_baseline_ballot (
    poll BIGINT NOT NULL, voter TEXT NOT NULL, choice TEXT NOT NULL, key TEXT NOT NULL, receipt TEXT NOT NULL,
    PRIMARY KEY (poll, voter))"""
INSERT = "INSERT INTO bench_baseline_ballot (poll, voter, choice, key, receipt) VALUES ({p}, {p}, {p}, {p}, {p})"
PG_CONNECTIONS = 8
CHOICES = ("for", "against", "abstain")


class PostgresStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self.free: asyncio.Queue[Any] = asyncio.Queue()

    async def start(self) -> None:
        import psycopg

        for _ in range(PG_CONNECTIONS):
            self.free.put_nowait(await psycopg.AsyncConnection.connect(self.url, autocommit=True))
        conn = await self.free.get()
        await conn.execute(TABLE)
        self.free.put_nowait(conn)

    async def insert(self, row: tuple[Any, ...]) -> bool:
        import psycopg

        conn = await self.free.get()
        try:
            await conn.execute(INSERT.format(p="%s"), row)
            return True
        except psycopg.errors.UniqueViolation:
            return False
        finally:
            self.free.put_nowait(conn)

    async def tally(self, poll: int) -> dict[str, int]:
        conn = await self.free.get()
        try:
            cur = await conn.execute(
                "SELECT choice, count(*) FROM bench_baseline_ballot WHERE poll = %s GROUP BY choice", (poll,)
            )
            return dict(await cur.fetchall())
        finally:
            self.free.put_nowait(conn)


class SqliteStore:
    def __init__(self, path: str) -> None:
        self.path = path
        self.executor = ThreadPoolExecutor(max_workers=1)
        self.conn: sqlite3.Connection | None = None

    def _open(self) -> None:
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute(TABLE)

    async def start(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self.executor, self._open)

    def _insert(self, row: tuple[Any, ...]) -> bool:
        assert self.conn is not None
        try:
            self.conn.execute(INSERT.format(p="?"), row)
            return True
        except sqlite3.IntegrityError:
            return False

    async def insert(self, row: tuple[Any, ...]) -> bool:
        return await asyncio.get_running_loop().run_in_executor(self.executor, self._insert, row)

    async def tally(self, poll: int) -> dict[str, int]:
        def count() -> dict[str, int]:
            assert self.conn is not None
            sql = "SELECT choice, count(*) FROM bench_baseline_ballot WHERE poll = ? GROUP BY choice"
            return dict(self.conn.execute(sql, (poll,)).fetchall())

        return await asyncio.get_running_loop().run_in_executor(self.executor, count)


class Hall:
    def __init__(self, store: PostgresStore | SqliteStore) -> None:
        self.store = store
        self.phones: set[ServerConnection] = set()
        self.poll_id = random.randrange(1, 2**40) * 1000
        self.open = False

    async def handle(self, ws: ServerConnection) -> None:
        path = ws.request.path if ws.request else ""
        if path == "/chair":
            await self.chair(ws)
        elif path.startswith("/ws/"):
            await self.phone(ws, path[4:])

    async def phone(self, ws: ServerConnection, code: str) -> None:
        self.phones.add(ws)
        try:
            await ws.send('{"type":"snapshot"}')
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "vote":
                    await ws.send(json.dumps(await self.vote(code, message)))
        finally:
            self.phones.discard(ws)

    async def vote(self, code: str, message: dict[str, Any]) -> dict[str, Any]:
        key = str(message.get("key"))
        if not self.open or message.get("poll") != self.poll_id or message.get("choice") not in CHOICES:
            return {"type": "error", "code": "poll_not_open", "ref": key}
        receipt = secrets.token_hex(4)
        if not await self.store.insert((self.poll_id, code, message["choice"], key, receipt)):
            return {"type": "error", "code": "already_voted", "ref": key}
        return {"type": "vote.accepted", "poll_id": self.poll_id, "key": key, "receipt": receipt}

    async def chair(self, ws: ServerConnection) -> None:
        async for raw in ws:
            message = json.loads(raw)
            kind, extra = message.get("type"), {}
            if kind == "open":
                self.poll_id += 1
                self.open = True
                broadcast(
                    self.phones, json.dumps({"type": "poll.opened", "poll": {"id": self.poll_id, "options": CHOICES}})
                )
                extra = {"poll_id": self.poll_id}
            elif kind == "close":
                self.open = False
                # Any voting system must tell the phones the vote has closed.
                broadcast(self.phones, json.dumps({"type": "poll.closed", "poll_id": self.poll_id}))
            elif kind == "publish":
                result = await self.store.tally(self.poll_id)
                broadcast(
                    self.phones, json.dumps({"type": "result.published", "poll_id": self.poll_id, "result": result})
                )
            await ws.send(json.dumps({"type": "ok", "of": kind, "ref": message.get("ref"), **extra}))


async def main(port: int) -> None:
    url = os.environ.get("DATABASE_URL", "")
    store: PostgresStore | SqliteStore = PostgresStore(url) if url else SqliteStore(os.environ["BENCH_BASELINE_SQLITE"])
    await store.start()
    hall = Hall(store)
    async with serve(
        hall.handle, "127.0.0.1", port, compression=None, ping_interval=None, max_queue=None, backlog=4096
    ) as server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
