"""Ten phones flood a real worker with votes (a database trip each), syncs (a snapshot
build each) and pings, as fast as they can; another phone's votes must be acknowledged as quickly as in a quiet hall.

The flooders get ``rate_limited`` errors and, as they go on, are closed with 4429
(reconnect later); the rest of the hall is unaffected. The figures are printed (-s).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time

import pytest
from channels.db import database_sync_to_async as db

from tests.factories import make_conference, make_motion, make_rep, make_staff
from tests.faults.conftest import WORKER_A, Phone, needs_services, new_key
from tests.ws import session_cookie_for

pytestmark = [needs_services, pytest.mark.django_db(transaction=True)]

FLOODERS = 10
FLOOD_SECONDS = 8  # long enough to cover the timed votes and to see each flooder closed
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
    await asyncio.gather(*(p.connect(WORKER_A) for p in voters))
    await chair.send({"type": "open", "motion": motion.pk})
    poll_id = (await chair.next("ok"))["poll_id"]

    quiet = await timed_votes(voters[:VOTES], poll_id)

    flood = procs.start(
        [sys.executable, "-m", "tests.faults.flooder", str(WORKER_A), conf.slug, str(poll_id), str(FLOOD_SECONDS)]
        + flooder_cookies,
        dict(os.environ),
    )
    await asyncio.sleep(1.5)  # the flood is under way
    loud = await timed_votes(voters[VOTES:], poll_id)
    assert await asyncio.to_thread(flood.wait, FLOOD_SECONDS + 30) == 0
    flood.log.seek(0)
    counts = json.loads(flood.log.read().strip().splitlines()[-1])
    figures = (
        f"vote acknowledgement, ms: quiet median {statistics.median(quiet):.0f} max {max(quiet):.0f}; "
        f"under a flood by {FLOODERS} phones median {statistics.median(loud):.0f} max {max(loud):.0f}; "
        f"flood: {counts}"
    )
    print(figures)
    # The hall is unaffected: the acknowledgement takes about as long as in the quiet hall
    # (the machine may be busy with other work: compare with its own quiet figure).
    assert statistics.median(loud) < 2 * statistics.median(quiet) + 40, figures
    # Each flooder was told, then closed with "reconnect later", every time it came back.
    assert counts["rate_limited"] >= FLOODERS, figures
    assert counts["closed_4429"] >= FLOODERS and counts["closed_4429"] >= counts["connected"] - FLOODERS, figures
    # The chair's console never noticed.
    await chair.send({"type": "ping"})
    await chair.next("pong", timeout=5)
    for p in [chair, *voters]:
        await p.close()
