"""Phones that flood a worker, in a process of their own (so the test's own timing is not
slowed by the flood's client side): ``python -m tests.faults.flooder PORT SLUG POLL SECONDS COOKIE...``.

Each sends votes, syncs and pings as fast as it can, reads and drops what comes back, and
when the server closes it comes straight back, as an attacker would. At the end it prints
its counts as one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections import Counter

from websockets.asyncio.client import connect


async def flood(port: int, slug: str, poll_id: int, cookie: str, until: float, counts: Counter[str]) -> None:
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        ws = await connect(
            f"ws://127.0.0.1:{port}/ws/c/{slug}/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": cookie},
            open_timeout=10,
        )
        counts["connected"] += 1

        async def read(ws=ws) -> None:
            async for raw in ws:
                event = json.loads(raw)
                if event["type"] == "error" and event["code"] == "rate_limited":
                    counts["rate_limited"] += 1

        reader = asyncio.create_task(read())
        try:
            while not reader.done() and loop.time() < until:
                vote = {"type": "vote", "poll": poll_id, "choice": "against", "key": str(uuid.uuid4())}
                await ws.send(json.dumps(vote))
                await ws.send('{"type":"sync"}')
                await ws.send('{"type":"ping"}')
                counts["sent"] += 3
                await asyncio.sleep(0)
        except Exception:  # closed under us
            pass
        await asyncio.wait([reader], timeout=max(0.1, min(5, until - loop.time())))
        reader.cancel()
        counts[f"closed_{ws.close_code}"] += 1
        await ws.close()


async def main(port: int, slug: str, poll_id: int, seconds: float, cookies: list[str]) -> None:
    counts: Counter[str] = Counter()
    until = asyncio.get_running_loop().time() + seconds
    await asyncio.gather(*(flood(port, slug, poll_id, c, until, counts) for c in cookies), return_exceptions=True)
    print(json.dumps(counts), flush=True)


if __name__ == "__main__":
    port, slug, poll, seconds, *cookies = sys.argv[1:]
    asyncio.run(main(int(port), slug, int(poll), float(seconds), cookies))
