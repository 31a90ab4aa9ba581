"""The writer's reads below the ORM (voting.rawpg) make the same objects the ORM makes.

On PostgreSQL the writer reads a batch's polls, options, voters and stored ballots in one
pipelined round trip of fixed statements; everything after (voting.actions) works on the
model instances they become, so these must equal what querysets return, field by field,
including a JSON field's converted value and the attached options and option."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict

from tests.factories import make_conference, make_motion, make_rep, make_staff
from voting import actions, put, rawpg
from voting.models import Ballot, Option, Poll, voter_tag

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL writer's own reads"),
]


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_batch_read_is_what_the_orm_reads():
    conf = make_conference()
    chair = make_staff(conf)
    recorded = actions.open_poll(put.create_motion_poll(make_motion(conf), secret=False), chair)
    voter, other, outsider = make_rep(conf), make_rep(conf), make_rep(make_conference(slug="elsewhere"))
    assert actions.cast_vote(voter, recorded.pk, "against", uuid.uuid4()).ok
    Poll.objects.filter(pk=recorded.pk).update(result={"outcome": "carried", "counts": {"for": 3}})

    with transaction.atomic():
        polls, voter_rows, ballots = rawpg.read_batch(
            [recorded.pk, 999_999],
            [voter.pk, other.pk, outsider.pk, 999_999],
            [voter_tag(recorded.pk, voter.pk), voter_tag(recorded.pk, other.pk)],
        )

    assert list(polls) == [recorded.pk]  # an unknown poll is simply absent
    poll = polls[recorded.pk]
    assert fields(poll) == fields(Poll.objects.get(pk=recorded.pk))
    assert poll.result == {"outcome": "carried", "counts": {"for": 3}}  # the JSON column, converted
    with_orm = list(Option.objects.filter(poll=recorded))
    assert [fields(o) for o in poll.options.all()] == [fields(o) for o in with_orm]  # in the ORM's order
    assert [o.key for o in poll.options.all()] == ["for", "against", "abstain"]

    assert sorted(voter_rows) == sorted(
        (r.pk, r.conference_id, r.role, r.is_active, r.checked_in, r.conference.require_check_in)
        for r in (voter, other, outsider)
    )

    (ballot,) = ballots
    stored = Ballot.objects.select_related("option").get(poll=recorded)
    assert fields(ballot) == fields(stored)
    assert model_to_dict(ballot.option) == model_to_dict(stored.option) and ballot.option.key == "against"


def test_the_batch_holds_the_polls_lock_until_it_commits():
    conf = make_conference()
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), make_staff(conf))
    with transaction.atomic():
        rawpg.read_batch([poll.pk], [], [])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                " WHERE c.relname = %s AND l.pid = pg_backend_pid() AND l.mode = 'RowShareLock'",
                [Poll._meta.db_table],
            )
            assert cursor.fetchone()[0] == 1  # FOR KEY SHARE takes RowShareLock on the table
