"""Real processes for the fault tests: uvicorn workers, a throwaway Redis, a cuttable
TCP proxy in front of PostgreSQL, Celery workers; and phones that speak websocket.

They need the real services (DATABASE_URL and REDIS_URL): the SQLite run skips them.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from bench.run import wait_for_port
from conference.settings import env_int

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Ports of this suite; override with FAULT_PORT_BASE when several checkouts share a host.
PORT_BASE = env_int("FAULT_PORT_BASE", 8170, minimum=1)
WORKER_A, WORKER_B, WORKER_C, PG_PROXY, OWN_REDIS = (PORT_BASE + i for i in (0, 1, 2, 3, 9))

needs_services = pytest.mark.skipif(
    not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")),
    reason="fault tests start real workers against PostgreSQL and Redis: set DATABASE_URL and REDIS_URL",
)


def database_url(port: int | None = None) -> str:
    """The test database the test process uses, optionally through a proxy port."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{port or s['PORT'] or 5432}/{s['NAME']}"


def app_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        SECRET_KEY=settings.SECRET_KEY,
        BALLOT_KEY=settings.BALLOT_KEY,  # the voter tags must match the test process's
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        LOG_LEVEL=os.environ.get("FAULT_LOG_LEVEL", "ERROR"),
        PYTHONUNBUFFERED="1",
    )
    if settings.ACCESS_CODE_KEY != settings.SECRET_KEY:  # and the code hashes, when set on its own
        env["ACCESS_CODE_KEY"] = settings.ACCESS_CODE_KEY
    env.update(overrides)
    return env


class Processes:
    """Everything a test starts, killed at its end whatever happened."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []

    def start(self, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        # Logs to a file, not a pipe: a pipe nobody reads fills up and blocks the process.
        log = tempfile.NamedTemporaryFile("w+", prefix="fault-", suffix=".log", delete=False)
        proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        proc.log = log  # type: ignore[attr-defined]
        self.procs.append(proc)
        return proc

    def worker(self, port: int, **env: str) -> subprocess.Popen:
        proc = self.start(
            [
                str(BIN / "uvicorn"),
                "conference.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--ws-per-message-deflate",
                "false",
                "--ws-max-size",  # the application's own limit, not uvicorn's 16 MiB
                str(settings.MAX_CLIENT_MESSAGE_BYTES),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            app_env(**env),
        )
        wait_for_port(port, proc, timeout=20)
        return proc

    def redis(self, port: int) -> subprocess.Popen:
        server = shutil.which("redis-server")
        if server is None:
            pytest.skip("redis-server is not installed")
        proc = self.start(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], dict(os.environ)
        )
        wait_for_port(port, proc, timeout=20)
        return proc

    def celery(self, **env: str) -> subprocess.Popen:
        return self.start(
            [
                str(BIN / "celery"),
                "-A",
                "conference",
                "worker",
                "--pool",
                "solo",
                "--concurrency",
                "1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            app_env(**env),
        )

    @staticmethod
    def kill(proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.procs:
            self.kill(proc)
            proc.log.close()  # type: ignore[attr-defined]
            if os.environ.get("FAULT_KEEP_LOGS"):
                print(f"log of {proc.args[0]}: {proc.log.name}")  # type: ignore[attr-defined]
            else:
                os.unlink(proc.log.name)  # type: ignore[attr-defined]


@pytest.fixture
def procs() -> Iterator[Processes]:
    p = Processes()
    try:
        yield p
    finally:
        p.stop_all()


class Phone:
    """A websocket client as the pages' socket.js behaves: resync on connect, resend by key."""

    def __init__(self, cookie: str, slug: str) -> None:
        self.cookie, self.slug = cookie, slug
        self.ws: Any = None
        self.snapshot: dict[str, Any] = {}

    async def connect(self, port: int) -> dict[str, Any]:
        from websockets.asyncio.client import connect

        self.ws = await connect(
            f"ws://127.0.0.1:{port}/ws/c/{self.slug}/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": self.cookie},
            open_timeout=10,
        )
        self.snapshot = await self.next("snapshot")
        return self.snapshot

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def next(self, *types: str, timeout: float = 10, **match: Any) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                event = json.loads(await self.ws.recv())
                if event["type"] in types and all(event.get(k) == v for k, v in match.items()):
                    return event

    async def vote(self, poll_id: int, choice: str, key: str, timeout: float = 10) -> dict[str, Any]:
        """The answer to this vote: vote.accepted or an error (raises if the socket dies)."""
        await self.send({"type": "vote", "poll": poll_id, "choice": choice, "key": key})
        async with asyncio.timeout(timeout):
            while True:
                event = json.loads(await self.ws.recv())
                if event["type"] in {"vote.accepted", "error"} and (event.get("key") or event.get("ref")) == key:
                    return event

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def new_key() -> str:
    return str(uuid.uuid4())
