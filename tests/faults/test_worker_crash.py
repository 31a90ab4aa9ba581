"""Two ASGI workers share Redis and PostgreSQL; one is killed (SIGKILL) mid-burst.

Nothing a phone saw acknowledged is lost; the phones of the dead worker reconnect to the
live one, resync, resend what was not acknowledged with the same keys, and every vote
counts exactly once.
"""

from __future__ import annotations

import asyncio
import random

import pytest
from channels.db import database_sync_to_async as db

from tests import ballots as stored_ballots
from tests.factories import make_conference, make_motion, make_rep, make_staff
from tests.faults.conftest import WORKER_A, WORKER_B, Phone, needs_services, new_key
from tests.ws import session_cookie_for
from voting.models import Ballot, Participation

pytestmark = [needs_services, pytest.mark.django_db(transaction=True)]

PHONES_PER_WORKER = 15


@pytest.fixture
async def hall():
    def build():
        conf = make_conference()
        chair = make_staff(conf)
        motion = make_motion(conf)
        reps = [make_rep(conf) for _ in range(2 * PHONES_PER_WORKER)]
        return conf, motion, session_cookie_for(chair), [session_cookie_for(r) for r in reps]

    return await db(build)()


async def test_a_vote_through_one_worker_reaches_the_chair_on_the_other(procs, hall):
    conf, motion, chair_cookie, rep_cookies = hall
    await asyncio.gather(asyncio.to_thread(procs.worker, WORKER_A), asyncio.to_thread(procs.worker, WORKER_B))
    chair, phone = Phone(chair_cookie, conf.slug), Phone(rep_cookies[0], conf.slug)
    await chair.connect(WORKER_B)
    await phone.connect(WORKER_A)
    try:
        await chair.send({"type": "open", "motion": motion.pk})
        poll_id = (await chair.next("ok"))["poll_id"]
        assert (await phone.next("poll.opened"))["poll"]["id"] == poll_id  # B -> A
        assert (await phone.vote(poll_id, "for", new_key()))["type"] == "vote.accepted"
        turnout = await chair.next("turnout", voted=1)  # A -> B
        assert turnout["poll_id"] == poll_id
    finally:
        await chair.close()
        await phone.close()


async def test_sigkill_of_a_worker_mid_burst_loses_no_acknowledged_vote_and_counts_each_once(procs, hall):
    conf, motion, chair_cookie, rep_cookies = hall
    workers = await asyncio.gather(asyncio.to_thread(procs.worker, WORKER_A), asyncio.to_thread(procs.worker, WORKER_B))
    chair = Phone(chair_cookie, conf.slug)
    await chair.connect(WORKER_B)
    phones = [Phone(c, conf.slug) for c in rep_cookies]
    on_a, on_b = phones[:PHONES_PER_WORKER], phones[PHONES_PER_WORKER:]
    await asyncio.gather(*(p.connect(WORKER_A) for p in on_a), *(p.connect(WORKER_B) for p in on_b))
    await chair.send({"type": "open", "motion": motion.pk})
    poll_id = (await chair.next("ok"))["poll_id"]
    await asyncio.gather(*(p.next("poll.opened") for p in phones))

    keys = {id(p): new_key() for p in phones}
    choices = {id(p): random.choice(["for", "against", "abstain"]) for p in phones}
    acked: dict[int, str] = {}  # phone -> receipt, only what the phone was told

    async def vote(phone: Phone, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            answer = await phone.vote(poll_id, choices[id(phone)], keys[id(phone)])
        except Exception:  # the worker died under it: no answer, so not acknowledged
            return
        assert answer["type"] == "vote.accepted", answer
        acked[id(phone)] = answer["receipt"]

    burst = [asyncio.create_task(vote(p, random.uniform(0, 0.4))) for p in phones]
    await asyncio.sleep(0.15)
    procs.kill(workers[0])  # SIGKILL in the middle of the burst
    await asyncio.gather(*burst)

    # Everything acknowledged is in the database, whichever worker acknowledged it.
    stored = await db(lambda: {c.key: c.receipt for c in stored_ballots.stored(poll_id)})()
    stored = {str(k): r for k, r in stored.items()}
    for phone in phones:
        if id(phone) in acked:
            assert stored[keys[id(phone)]] == acked[id(phone)]

    print(f"acknowledged before the kill: {len(acked)} of {len(phones)}; stored: {len(stored)}")
    # The dead worker's phones come back on the live one, resync, resend by key.
    for phone in on_a:
        snapshot = await phone.connect(WORKER_B)
        assert snapshot["poll"]["id"] == poll_id
        mine = snapshot.get("my_vote")
        if mine is not None:  # committed before the kill: the snapshot shows it
            assert mine["key"] == keys[id(phone)]
        answer = await phone.vote(poll_id, choices[id(phone)], keys[id(phone)])
        assert answer["type"] == "vote.accepted", answer
        if id(phone) in acked:
            assert answer["receipt"] == acked[id(phone)]
        acked[id(phone)] = answer["receipt"]

    ballots = await db(lambda: Ballot.objects.filter(poll_id=poll_id).count())()
    participations = await db(lambda: Participation.objects.filter(poll_id=poll_id).count())()
    assert ballots == participations == len(phones) == len(acked)
    assert (await chair.next("turnout", voted=len(phones), timeout=10))["poll_id"] == poll_id
    for p in [chair, *phones]:
        await p.close()
