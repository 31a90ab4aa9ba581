"""Real parallel clients on PostgreSQL: the unique constraint and the close lock hold."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from tests.conftest import using_postgres
from tests.factories import make_conference, make_motion, make_rep, make_staff
from voting import actions, closing, put
from voting.actions import VoteRequest, record_votes
from voting.models import Ballot, Participation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not using_postgres(), reason="concurrency tests run on PostgreSQL"),
]


def in_thread(fn, *args):
    try:
        return fn(*args)
    finally:
        connections.close_all()


def test_the_same_voter_from_many_workers_at_once_is_stored_once():
    conf = make_conference()
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), make_staff(conf))
    rep = make_rep(conf)
    start = threading.Barrier(8)

    def vote(i: int):
        start.wait()
        return record_votes([VoteRequest(rep.pk, poll.pk, "for", uuid.uuid4())])[0]

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda i: in_thread(vote, i), range(8)))
    assert sum(o.ok for o in outcomes) == 1
    assert {o.code for o in outcomes if not o.ok} == {"already_voted"}
    assert Participation.objects.filter(poll=poll).count() == Ballot.objects.filter(poll=poll).count() == 1


def test_every_vote_acknowledged_before_a_close_is_in_the_tally():
    conf = make_conference()
    chair = make_staff(conf)
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair)
    reps = [make_rep(conf) for _ in range(120)]
    batches = [reps[i::6] for i in range(6)]
    start = threading.Barrier(7)

    def vote_batch(batch):
        start.wait()
        acked = 0
        for i in range(0, len(batch), 5):
            outcomes = record_votes([VoteRequest(r.pk, poll.pk, "for", uuid.uuid4()) for r in batch[i : i + 5]])
            acked += sum(o.ok for o in outcomes)
        return acked

    def close():
        start.wait()
        return closing.close_poll(poll.pk, chair)

    with ThreadPoolExecutor(7) as pool:
        futures = [pool.submit(in_thread, vote_batch, b) for b in batches]
        closed = pool.submit(in_thread, close).result()
        acked = sum(f.result() for f in futures)
    counted = {c["key"]: c["count"] for c in closed.result["counts"]}["for"]
    assert counted == acked == Ballot.objects.filter(poll=poll).count()
    assert connection.vendor == "postgresql"
