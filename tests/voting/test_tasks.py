"""The countdown: a poll closes itself when its time is up, exactly once."""

from __future__ import annotations

import time
import uuid

import pytest
from django.conf import settings

from tests.factories import make_conference, make_motion, make_rep, make_staff
from voting import actions, put
from voting.models import Poll
from voting.tasks import close_poll_when_due

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_status(poll: Poll, status: str, seconds: float) -> Poll:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        poll.refresh_from_db()
        if poll.status == status:
            return poll
        time.sleep(0.1)
    return poll


def test_the_close_task_is_idempotent_and_leaves_an_early_poll_open(settings):
    conf = make_conference()
    chair = make_staff(conf)
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair)
    assert close_poll_when_due(poll.pk) == "no countdown"
    Poll.objects.filter(pk=poll.pk).update(closes_at=poll.opened_at)
    assert close_poll_when_due(poll.pk) == "closed"
    assert close_poll_when_due(poll.pk) == "nothing to do"
    assert close_poll_when_due(10**9) == "nothing to do"


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="the embedded default only: no broker")
def test_embedded_default_countdown_closes_the_poll_in_process():
    conf = make_conference()
    chair = make_staff(conf)
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair, countdown_seconds=1)
    assert actions.cast_vote(make_rep(conf), poll.pk, "for", uuid.uuid4()).ok
    closed = wait_for_status(poll, Poll.Status.CLOSED, 5)
    assert closed.status == Poll.Status.CLOSED
    assert closed.result["outcome"] == "carried"


@pytest.mark.redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL: a real broker and worker")
def test_countdown_closes_the_poll_through_a_real_celery_worker_on_redis():
    from celery.contrib.testing.worker import start_worker

    from conference.celery import app

    conf = make_conference()
    chair = make_staff(conf)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair, countdown_seconds=1)
        assert actions.cast_vote(make_rep(conf), poll.pk, "against", uuid.uuid4()).ok
        closed = wait_for_status(poll, Poll.Status.CLOSED, 15)
    assert closed.status == Poll.Status.CLOSED
    assert closed.result["outcome"] == "lost"
    assert closed.closed_at >= closed.closes_at
