"""Redis restarted in the middle of a vote (a throwaway redis-server of the test's own,
never the machine's): votes are still taken (they go to the database), phones can
still connect, the broadcast comes back by itself, and the turnout is right afterwards."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async as db

from tests.factories import make_conference, make_motion, make_rep, make_staff
from tests.faults.conftest import OWN_REDIS, WORKER_A, WORKER_B, Phone, needs_services, new_key
from tests.ws import session_cookie_for
from voting.models import Participation

pytestmark = [needs_services, pytest.mark.django_db(transaction=True)]


async def until_broadcasts_flow(chair: Phone, phone: Phone, motion_id: int, seconds: float = 20) -> None:
    """Call the motion again and again until both workers deliver the event."""
    deadline = asyncio.get_running_loop().time() + seconds
    seen = {id(chair): False, id(phone): False}
    while not all(seen.values()):
        assert asyncio.get_running_loop().time() < deadline, "the broadcast never came back"
        await chair.send({"type": "call", "motion": motion_id})
        for p in (chair, phone):
            try:
                await p.next("item.called", timeout=1)
                seen[id(p)] = True
            except TimeoutError:
                pass


async def test_votes_survive_a_redis_restart_and_the_turnout_is_right_after(procs):
    def build():
        conf = make_conference()
        motion = make_motion(conf)
        chair = make_staff(conf)
        reps = [make_rep(conf) for _ in range(5)]
        return conf, motion, session_cookie_for(chair), [session_cookie_for(r) for r in reps]

    conf, motion, chair_cookie, cookies = await db(build)()
    redis = procs.redis(OWN_REDIS)
    env = {"REDIS_URL": f"redis://127.0.0.1:{OWN_REDIS}/0", "CHANNEL_PREFIX": "faults"}
    await asyncio.gather(
        asyncio.to_thread(procs.worker, WORKER_A, **env), asyncio.to_thread(procs.worker, WORKER_B, **env)
    )
    chair = Phone(chair_cookie, conf.slug)
    await chair.connect(WORKER_B)
    phones = [Phone(c, conf.slug) for c in cookies]
    for p in phones[:3]:
        await p.connect(WORKER_A)
    await chair.send({"type": "open", "motion": motion.pk})
    poll_id = (await chair.next("ok"))["poll_id"]
    assert (await phones[0].vote(poll_id, "for", new_key()))["type"] == "vote.accepted"
    await chair.next("turnout", voted=1)

    procs.kill(redis)
    # Redis is gone: a vote is still taken and acknowledged, and a phone can still connect.
    assert (await phones[1].vote(poll_id, "against", new_key()))["type"] == "vote.accepted"
    snapshot = await phones[3].connect(WORKER_A)
    assert snapshot["poll"]["id"] == poll_id
    assert (await phones[3].vote(poll_id, "for", new_key()))["type"] == "vote.accepted"
    assert await db(lambda: Participation.objects.filter(poll_id=poll_id).count())() == 3

    procs.redis(OWN_REDIS)  # back, empty: every group membership is forgotten
    await until_broadcasts_flow(chair, phones[0], motion.pk)
    # A reconnecting chair resyncs and sees the right turnout, votes in the outage included;
    # "present" is who is connected (four phones; the fifth never connected, nobody checked
    # in), which the restarted, empty Redis had forgotten until each worker wrote it again.
    await chair.close()
    snapshot = await chair.connect(WORKER_B)
    assert (snapshot["turnout"]["voted"], snapshot["turnout"]["present"]) == (3, 4)
    # And the live turnout flows again across workers.
    assert (await phones[2].vote(poll_id, "abstain", new_key()))["type"] == "vote.accepted"
    assert (await chair.next("turnout", voted=4))["poll_id"] == poll_id
    for p in [chair, *phones[:4]]:
        await p.close()
