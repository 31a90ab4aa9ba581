"""The countdown with no Celery worker to run it: the poll still closes when a worker
comes back (or the chair closes it), and exactly once. Uses a throwaway Redis of its own
as broker, so no other test's tasks are in the queue."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import redis
from channels.db import database_sync_to_async as db

from conference.models import AuditEntry
from tests.factories import make_conference, make_motion, make_staff
from tests.faults.conftest import OWN_REDIS, WORKER_A, Phone, needs_services
from tests.ws import session_cookie_for
from voting.models import Poll

pytestmark = [needs_services, pytest.mark.django_db(transaction=True)]
COUNTDOWN = 2


def wait_until(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def status(poll_id: int) -> str:
    return Poll.objects.values_list("status", flat=True).get(pk=poll_id)


def closes(poll_id: int) -> int:
    return AuditEntry.objects.filter(action="poll.closed", details__poll_id=poll_id).count()


async def open_with_countdown(chair: Phone, motion_id: int) -> int:
    await chair.send({"type": "open", "motion": motion_id, "countdown": COUNTDOWN})
    return (await chair.next("ok"))["poll_id"]


async def test_polls_close_exactly_once_when_a_killed_celery_worker_is_replaced(procs):
    def build():
        floors = []
        for _ in range(3):
            conf = make_conference()
            floors.append((conf.slug, make_motion(conf).pk, session_cookie_for(make_staff(conf))))
        return floors

    floors = await db(build)()
    procs.redis(OWN_REDIS)
    broker = redis.Redis(port=OWN_REDIS)
    env = {"REDIS_URL": f"redis://127.0.0.1:{OWN_REDIS}/0", "CHANNEL_PREFIX": "faults"}
    await asyncio.to_thread(procs.worker, WORKER_A, **env)
    chairs = [Phone(cookie, slug) for slug, _, cookie in floors]
    for chair in chairs:
        await chair.connect(WORKER_A)

    first = procs.celery(**env)
    await asyncio.to_thread(wait_until, lambda: "ready." in Path(first.log.name).read_text(), 30, "the Celery worker")
    # 1. The worker takes the countdown task (it holds it until due, unacknowledged) and is killed.
    held = await open_with_countdown(chairs[0], floors[0][1])
    await asyncio.to_thread(wait_until, lambda: broker.hlen("unacked") == 1, 10, "the worker to take the task")
    procs.kill(first)
    # 2. No worker at all when these countdowns end; the chair closes the third by hand.
    queued = await open_with_countdown(chairs[1], floors[1][1])
    by_hand = await open_with_countdown(chairs[2], floors[2][1])
    await asyncio.sleep(COUNTDOWN + 0.5)
    assert await db(lambda: [status(p) for p in (held, queued, by_hand)])() == ["open"] * 3
    await chairs[2].send({"type": "close", "poll": by_hand})
    await chairs[2].next("ok")

    second = procs.celery(**env)
    await db(wait_until)(lambda: status(held) == status(queued) == "closed", 30, "the polls to close")
    # Give the queued task (and the killed worker's, were it redelivered) time to run again.
    await asyncio.to_thread(wait_until, lambda: broker.llen("celery") == 0, 10, "the queue to drain")
    await asyncio.sleep(1)
    assert await db(lambda: [closes(p) for p in (held, queued, by_hand)])() == [1, 1, 1]
    assert second.poll() is None
    for chair in chairs:
        await chair.close()
