"""A rolling restart: one of two workers gets SIGTERM in the middle of a burst of votes.

It stops accepting sockets, closes its phones' sockets with 1012 (service restart), and
writes every vote it had taken before it exits. Every acknowledged vote is in the
database; every phone on it got an answer or the 1012 that tells it to reconnect; they
reconnect to the other worker, resync, resend by key, and every vote counts once.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal

import pytest
from channels.db import database_sync_to_async as db
from websockets.exceptions import ConnectionClosed

from tests import ballots as stored_ballots
from tests.factories import make_conference, make_motion, make_rep, make_staff
from tests.faults.conftest import WORKER_A, WORKER_B, Phone, needs_services, new_key
from tests.ws import session_cookie_for
from voting.models import Ballot, Participation

pytestmark = [needs_services, pytest.mark.django_db(transaction=True)]

PHONES_PER_WORKER = 15


async def come_back(
    phones: list[Phone], poll_id: int, keys: dict[int, str], choices: dict[int, str], acked: dict[int, str]
) -> None:
    for phone in phones:
        snapshot = await phone.connect(WORKER_B)
        assert snapshot["poll"]["id"] == poll_id
        mine = snapshot.get("my_vote")
        if mine is not None:  # written by the stopped worker before it exited: the snapshot shows it
            assert mine["key"] == keys[id(phone)]
        answer = await phone.vote(poll_id, choices[id(phone)], keys[id(phone)])
        assert answer["type"] == "vote.accepted", answer
        if id(phone) in acked:
            assert answer["receipt"] == acked[id(phone)]
        acked[id(phone)] = answer["receipt"]


async def test_sigterm_mid_burst_loses_nothing_and_the_phones_move_to_the_other_worker(procs):
    def build():
        conf = make_conference()
        chair = make_staff(conf)
        motion = make_motion(conf)
        reps = [make_rep(conf) for _ in range(2 * PHONES_PER_WORKER)]
        return conf, motion, session_cookie_for(chair), [session_cookie_for(r) for r in reps]

    conf, motion, chair_cookie, rep_cookies = await db(build)()
    worker_a, _ = await asyncio.gather(
        asyncio.to_thread(procs.worker, WORKER_A), asyncio.to_thread(procs.worker, WORKER_B)
    )
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
    acked: dict[int, str] = {}
    told_to_reconnect: set[int] = set()

    async def vote(phone: Phone, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            answer = await phone.vote(poll_id, choices[id(phone)], keys[id(phone)], timeout=20)
        except ConnectionClosed:
            assert phone.ws.close_code == 1012, phone.ws.close_code  # service restart: reconnect
            told_to_reconnect.add(id(phone))
            return
        assert answer["type"] == "vote.accepted", answer
        acked[id(phone)] = answer["receipt"]

    burst = [asyncio.create_task(vote(p, random.uniform(0, 0.4))) for p in phones]
    await asyncio.sleep(0.15)
    os.kill(worker_a.pid, signal.SIGTERM)  # as systemd or a deploy does, mid-burst
    await asyncio.gather(*burst)  # nobody is left waiting: an answer or 1012 for each
    # uvicorn ends by re-raising the SIGTERM it handled: -15 is a clean stop, as 0 would be.
    assert await asyncio.to_thread(worker_a.wait, 40) in (0, -signal.SIGTERM)
    worker_a.log.seek(0)
    log = worker_a.log.read()
    assert "Cancel" not in log and "unwritten" not in log and "Traceback" not in log, log

    # A's phones that were not answered were told to reconnect; those answered are closed too.
    for phone in on_a:
        if id(phone) not in acked:
            assert id(phone) in told_to_reconnect
    stored = await db(lambda: {str(c.key): c.receipt for c in stored_ballots.stored(poll_id)})()
    for phone in phones:
        if id(phone) in acked:
            assert stored[keys[id(phone)]] == acked[id(phone)]
    print(
        f"acknowledged before the restart: {len(acked)} of {len(phones)}; told to reconnect: {len(told_to_reconnect)}"
    )

    # The restarted worker's phones come back on the other one, resync, resend by key.
    await come_back(on_a, poll_id, keys, choices, acked)

    ballots = await db(lambda: Ballot.objects.filter(poll_id=poll_id).count())()
    participations = await db(lambda: Participation.objects.filter(poll_id=poll_id).count())()
    assert ballots == participations == len(phones) == len(acked)
    assert (await chair.next("turnout", voted=len(phones), timeout=10))["poll_id"] == poll_id
    for p in [chair, *phones]:
        await p.close()
