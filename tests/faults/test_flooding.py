"""Ten phones flood a real worker with syncs (a snapshot build each) and pings, as fast
as they can; another phone's votes must be acknowledged as quickly as in a quiet hall.

The flooders get ``rate_limited`` errors and, as they go on, are closed with 4429
(reconnect later); the rest of the hall is unaffected. The figures are printed (-s).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time

import pytest
from channels.db import database_sync_to_async as db

from tests.factories import make_conference, make_motion, make_rep, make_staff
from tests.faults.conftest import WORKER_A, Phone, needs_services, new_key
from tests.ws import session_cookie_for

pytestmark = [needs_services, pytest.mark.django_db(transaction=True)]

FLOODERS = 10
VOTES = 12  # votes timed in the quiet hall, and again under the flood


async def timed_votes(phones: list[Phone], poll_id: int) -> list[float]:
    """One vote from each phone, one after another: milliseconds to each acknowledgement."""
    times = []
    for phone in phones:
        start = time.perf_counter()
        answer = await phone.vote(poll_id, "for", new_key(), timeout=30)
        times.append((time.perf_counter() - start) * 1000)
        assert answer["type"] == "vote.accepted", answer
    return times


async def flood(phone: Phone, counts: dict[str, int]) -> None:
    """Send syncs and pings without waiting, read (and drop) whatever comes back, until closed."""

    async def read() -> None:
        async for raw in phone.ws:
            event = json.loads(raw)
            if event["type"] == "error" and event["code"] == "rate_limited":
                counts["rate_limited"] += 1

    reader = asyncio.create_task(read())
    try:
        while not reader.done():
            await phone.ws.send('{"type":"sync"}')
            await phone.ws.send('{"type":"ping"}')
            counts["sent"] += 2
            await asyncio.sleep(0)
    except Exception:  # closed under us
        pass
    finally:
        try:
            await asyncio.wait_for(reader, 10)
        except Exception:
            reader.cancel()
        counts[f"closed_{phone.ws.close_code}"] += 1


async def test_ten_flooding_phones_do_not_slow_another_phones_vote(procs):
    def build():
        conf = make_conference()
        chair = make_staff(conf)
        motion = make_motion(conf)
        voters = [make_rep(conf) for _ in range(2 * VOTES)]
        flooders = [make_rep(conf) for _ in range(FLOODERS)]
        return (
            conf,
            motion,
            session_cookie_for(chair),
            [session_cookie_for(r) for r in voters],
            [session_cookie_for(r) for r in flooders],
        )

    conf, motion, chair_cookie, voter_cookies, flooder_cookies = await db(build)()
    await asyncio.to_thread(procs.worker, WORKER_A)
    chair = Phone(chair_cookie, conf.slug)
    await chair.connect(WORKER_A)
    voters = [Phone(c, conf.slug) for c in voter_cookies]
    flooders = [Phone(c, conf.slug) for c in flooder_cookies]
    await asyncio.gather(*(p.connect(WORKER_A) for p in voters + flooders))
    await chair.send({"type": "open", "motion": motion.pk})
    poll_id = (await chair.next("ok"))["poll_id"]

    quiet = await timed_votes(voters[:VOTES], poll_id)

    counts = {"sent": 0, "rate_limited": 0, "closed_4429": 0}
    counts.setdefault("closed_None", 0)
    flooding = [asyncio.create_task(flood(p, counts)) for p in flooders]
    await asyncio.sleep(1.0)  # the flood is under way
    loud = await timed_votes(voters[VOTES:], poll_id)
    await asyncio.wait(flooding, timeout=30)
    for task in flooding:
        task.cancel()

    figures = (
        f"vote acknowledgement, ms: quiet median {statistics.median(quiet):.0f} max {max(quiet):.0f}; "
        f"under a flood by {FLOODERS} phones median {statistics.median(loud):.0f} max {max(loud):.0f}; "
        f"flood: {counts}"
    )
    print(figures)
    # The hall is unaffected: an acknowledgement within a few times the quiet figure, and
    # never the best part of a second.
    assert statistics.median(loud) < max(100, 4 * statistics.median(quiet)), figures
    assert max(loud) < 500, figures
    # Each flooder was told, then closed with "reconnect later".
    assert counts["rate_limited"] >= FLOODERS, figures
    assert counts["closed_4429"] == FLOODERS, figures
    # The chair's console never noticed.
    await chair.send({"type": "ping"})
    await chair.next("pong", timeout=5)
    for p in [chair, *voters]:
        await p.close()
