"""A load worker: a share of the hall's phones, driven over stdin/stdout (JSON lines).

``python -m bench.phones spec.json``: the spec names the mode ("ours" signs in through
the join link and opens ws/c/<slug>/ with the session cookie and an Origin header, like a
phone; "baseline" opens the bare server's /ws/<code>) and the phones with their server.
Commands: signin, connect, wait (for an event on every phone), vote, quit. Times are
wall-clock (time.time()) so the driver can compare them across processes.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

CHOICES = ("for", "against", "abstain")


async def http(
    host: str,
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request on its own connection: status, cookies set, body."""
    reader, writer = await asyncio.open_connection(host, port)
    body = urlencode(form).encode() if form is not None else b""
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    if cookies:
        head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    if form is not None:
        head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    data = await reader.read()
    writer.close()
    raw_head, _, payload = data.partition(b"\r\n\r\n")
    lines = raw_head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    set_cookies: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            key, _, val = value.strip().split(";")[0].partition("=")
            set_cookies[key] = val
    return status, set_cookies, payload


async def ws_connect(url: str, cookies: dict[str, str] | None, origin: str) -> ClientConnection:
    """A websocket as a phone opens it (the Origin header is the page's)."""
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else None
    return await connect(
        url,
        origin=Origin(origin),
        additional_headers=headers,
        compression=None,
        proxy=None,
        ping_interval=None,
        open_timeout=120,
        max_queue=None,
    )


class Phone:
    def __init__(self, spec: dict[str, Any], mode: str, slug: str) -> None:
        self.code: str = spec["code"]
        self.host: str = spec["host"]
        self.port: int = spec["port"]
        self.mode, self.slug = mode, slug
        self.cookies: dict[str, str] | None = None
        self.ws: ClientConnection | None = None
        self.seen: dict[str, float] = {}
        self.poll_id: int | None = None
        self.key = ""
        self.choice = ""
        self.sent_at = 0.0
        self.answer: dict[str, Any] | None = None
        self.answered = asyncio.Event()

    async def sign_in(self) -> None:
        if self.mode != "ours":
            return
        status, cookies, _ = await http(self.host, self.port, "GET", f"/c/{self.slug}/join/{self.code}/")
        if status != 302 or "sessionid" not in cookies:
            raise RuntimeError(f"sign-in answered {status}")
        self.cookies = {"sessionid": cookies["sessionid"]}

    async def connect(self) -> None:
        origin = f"http://{self.host}:{self.port}"
        path = f"/ws/c/{self.slug}/" if self.mode == "ours" else f"/ws/{self.code}"
        self.ws = await ws_connect(f"ws://{self.host}:{self.port}{path}", self.cookies, origin)
        first = json.loads(await self.ws.recv())
        if first.get("type") != "snapshot":
            raise RuntimeError(f"first message was {first.get('type')}")

    async def read(self, worker: Worker) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                now = time.time()
                event = json.loads(raw)
                kind = event.get("type")
                if kind == "poll.opened":
                    self.poll_id = event["poll"]["id"]
                elif (
                    kind in ("vote.accepted", "error")
                    and self.key
                    and event.get("key" if kind == "vote.accepted" else "ref") == self.key
                ):
                    self.answer = event
                    kind = "answer"
                    self.answered.set()
                if kind not in self.seen:
                    self.seen[kind] = now
                    worker.saw(kind)
        except Exception:  # closed by the server: the driver counts what never arrived
            pass

    async def vote(self, at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.time()))
        if self.poll_id is None or self.ws is None:
            return
        self.key, self.choice = str(uuid.uuid4()), random.choice(CHOICES)
        self.sent_at = time.time()
        await self.ws.send(json.dumps({"type": "vote", "poll": self.poll_id, "choice": self.choice, "key": self.key}))


class Worker:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.phones = [Phone(p, spec["mode"], spec.get("slug", "")) for p in spec["phones"]]
        self.counts: dict[str, int] = {}
        self.waiters: dict[str, asyncio.Event] = {}
        self.readers: list[asyncio.Task[None]] = []

    def saw(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if self.counts[kind] >= len(self.phones) and kind in self.waiters:
            self.waiters[kind].set()

    async def each(self, fn: str, limit: int) -> dict[str, Any]:
        """Run a phone method on every phone, at most ``limit`` at a time."""
        gate = asyncio.Semaphore(limit)
        errors: dict[str, int] = {}

        async def one(phone: Phone) -> None:
            async with gate:
                try:
                    await getattr(phone, fn)()
                except Exception as exc:
                    name = f"{type(exc).__name__}: {str(exc)[:80]}"
                    errors[name] = errors.get(name, 0) + 1

        t0 = time.time()
        await asyncio.gather(*(one(p) for p in self.phones))
        return {"t0": t0, "t1": time.time(), "errors": errors}

    async def signin(self, cmd: dict[str, Any]) -> dict[str, Any]:
        return await self.each("sign_in", cmd.get("limit", 32))

    async def connect(self, cmd: dict[str, Any]) -> dict[str, Any]:
        result = await self.each("connect", cmd.get("limit", 500))
        self.readers = [asyncio.create_task(p.read(self)) for p in self.phones if p.ws is not None]
        result["connected"] = len(self.readers)
        return result

    async def wait(self, cmd: dict[str, Any]) -> dict[str, Any]:
        kind = cmd["event"]
        event = self.waiters.setdefault(kind, asyncio.Event())
        if self.counts.get(kind, 0) >= len(self.phones):
            event.set()
        try:
            await asyncio.wait_for(event.wait(), cmd.get("timeout", 30))
        except TimeoutError:
            pass
        times = [p.seen[kind] for p in self.phones if kind in p.seen]
        return {"times": times, "missing": len(self.phones) - len(times)}

    async def vote(self, cmd: dict[str, Any]) -> dict[str, Any]:
        start, window = cmd["start_at"], cmd["window"]
        await asyncio.gather(*(p.vote(start + random.random() * window) for p in self.phones))
        voters = [p for p in self.phones if p.key]
        deadline = start + window + cmd.get("timeout", 30)
        await asyncio.gather(
            *(asyncio.wait_for(p.answered.wait(), max(0.1, deadline - time.time())) for p in voters),
            return_exceptions=True,
        )
        acked = {p.key: p.choice for p in voters if p.answer and p.answer["type"] == "vote.accepted"}
        refused: dict[str, int] = {}
        for p in voters:
            if p.answer and p.answer["type"] == "error":
                refused[p.answer.get("code", "?")] = refused.get(p.answer.get("code", "?"), 0) + 1
        return {
            "sent": [p.sent_at for p in voters],
            "latencies": [p.seen["answer"] - p.sent_at for p in voters if "answer" in p.seen],
            "answered_at": [p.seen["answer"] for p in voters if "answer" in p.seen],
            "acked": acked,
            "refused": refused,
            "unanswered": sum(1 for p in voters if p.answer is None),
            "no_poll": len(self.phones) - len(voters),
        }

    async def quit(self, cmd: dict[str, Any]) -> dict[str, Any]:
        await asyncio.gather(*(p.ws.close() for p in self.phones if p.ws is not None), return_exceptions=True)
        return {}


async def main(spec_path: str) -> None:
    with open(spec_path) as f:
        worker = Worker(json.load(f))
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        cmd = json.loads(line)
        result = await getattr(worker, cmd["cmd"])(cmd)
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
        if cmd["cmd"] == "quit":
            return


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
