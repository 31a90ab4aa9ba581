"""Turnout says what it is of: who voted, of those present, and of those registered."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import make_conference, make_motion, make_rep, make_staff
from voting import actions, put
from voting.turnout import count_turnout

pytestmark = pytest.mark.django_db


def test_turnout_counts_voted_of_present_and_of_registered():
    conf = make_conference(require_check_in=True)
    chair = make_staff(conf)
    present = [make_rep(conf, checked_in=True) for _ in range(3)]
    make_rep(conf)  # registered, not checked in
    make_rep(conf, is_active=False)  # withdrawn: not registered any more
    poll = put.put_motion(make_motion(conf), None, chair)
    actions.cast_vote(present[0], poll.pk, "for", uuid.uuid4())
    turnout = count_turnout(poll.pk)
    assert turnout is not None
    assert (turnout["voted"], turnout["present"], turnout["registered"]) == (1, 3, 4)


def test_present_is_checked_in_or_connected_or_has_voted(settings):
    """Issue 14: "present" is checked in or connected (conference.presence), whether or not
    the conference checks people in; a vote over HTTP without a socket counts its voter."""
    from conference import presence

    conf = make_conference(require_check_in=False)
    chair = make_staff(conf)
    checked_in = make_rep(conf, checked_in=True)
    connected = make_rep(conf)
    http_voter = make_rep(conf)
    make_rep(conf)  # registered, neither here nor connected
    make_staff(conf, role="secretariat")  # staff are never counted
    presence._write({(conf.pk, connected.pk), (conf.pk, chair.pk)}, set())
    poll = put.put_motion(make_motion(conf), None, chair)
    turnout = count_turnout(poll.pk)
    assert (turnout["voted"], turnout["present"], turnout["registered"]) == (0, 2, 4)
    actions.cast_vote(http_voter, poll.pk, "for", uuid.uuid4())
    turnout = count_turnout(poll.pk)
    assert (turnout["voted"], turnout["present"], turnout["registered"]) == (1, 3, 4)
    presence._write(set(), {(conf.pk, connected.pk)})
    assert count_turnout(poll.pk)["present"] == 2
    assert checked_in.pk not in presence.connected(conf.pk, [checked_in.pk])


def test_the_database_counts_present_not_python_over_the_roll(django_assert_max_num_queries):
    """Issue 17: the turnout is counted four times a second during a vote. Each query it runs
    is a count, whatever the roll's size: reading the roll's ids and a key per representative
    into Python cost 50 ms a count at 5,000 representatives (bench/README.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conference import presence

    conf = make_conference(require_check_in=False)
    chair = make_staff(conf)
    reps = [make_rep(conf) for _ in range(30)]
    presence._write({(conf.pk, r.pk) for r in reps[:10]}, set())
    poll = put.put_motion(make_motion(conf), None, chair)
    actions.cast_vote(reps[20], poll.pk, "for", uuid.uuid4())
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(3):
        turnout = count_turnout(poll.pk)
    assert (turnout["voted"], turnout["present"], turnout["registered"]) == (1, 11, 30)
    reads = [q["sql"] for q in queries.captured_queries if "COUNT(" not in q["sql"].upper()]
    assert len(reads) == 1 and "LIMIT 1" in reads[0].upper()  # the poll's conference, one row


def test_a_representative_stays_present_while_another_process_holds_a_socket(settings):
    """Each process keeps its own row: one process's socket closing leaves the representative
    present through the other's; a row a dead process left stops counting after its lifetime."""
    from datetime import timedelta

    from django.utils import timezone

    from conference import presence
    from conference.models import Connection

    conf = make_conference(require_check_in=False)
    chair = make_staff(conf)
    rep, gone = make_rep(conf), make_rep(conf)
    poll = put.put_motion(make_motion(conf), None, chair)
    presence._write({(conf.pk, rep.pk)}, set(), holder="one")
    presence._write({(conf.pk, rep.pk), (conf.pk, gone.pk)}, set(), holder="two")
    presence._write(set(), {(conf.pk, rep.pk)}, holder="one")
    assert count_turnout(poll.pk)["present"] == 2
    Connection.objects.filter(representative=gone).update(
        seen=timezone.now() - timedelta(seconds=settings.PRESENCE_SECONDS + 1)
    )
    assert count_turnout(poll.pk)["present"] == 1
    assert presence.connected(conf.pk, [rep.pk, gone.pk]) == {rep.pk}


def test_a_connection_of_someone_taken_off_the_roll_is_skipped_not_an_error():
    from conference import presence
    from conference.models import Connection

    conf = make_conference()
    rep = make_rep(conf)
    rep_id = rep.pk
    rep.delete()
    presence._write({(conf.pk, rep_id)}, set(), holder="one")  # no foreign-key error
    assert not Connection.objects.exists()
