"""Secret ballot: nothing in the database on its own ties a choice to a person."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from voting import actions
from voting.models import Ballot, Participation, voter_tag
from voting.snapshot import published_payload, published_receipts
from tests.factories import make_conference, make_motion, make_rep, make_staff

pytestmark = pytest.mark.django_db


def test_the_ballot_table_names_no_representative_and_cannot_be_joined_to_who_voted():
    conf = make_conference()
    chair = make_staff(conf)
    poll = actions.open_poll(actions.create_motion_poll(make_motion(conf)), chair)
    reps = [make_rep(conf) for _ in range(6)]
    for rep, choice in zip(reps, ["for", "against", "for", "abstain", "for", "against"]):
        assert actions.cast_vote(rep, poll.pk, choice, uuid.uuid4()).ok

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM voting_ballot")
        columns = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
    assert "representative_id" in columns and all(r[columns.index("representative_id")] is None for r in rows)
    # No timestamps, random ids: nothing lines a ballot up with a participation row.
    assert not {"created_at", "cast_at", "created"} & set(columns)
    assert all(isinstance(b.pk, uuid.UUID) for b in Ballot.objects.all())
    assert all(isinstance(p.pk, uuid.UUID) for p in Participation.objects.all())
    # The voter tag is a keyed hash: without the server's key it cannot be recomputed.
    rep = reps[0]
    tags = set(Ballot.objects.values_list("voter_tag", flat=True))
    assert voter_tag(poll.pk, rep.pk) in tags
    import hashlib

    unkeyed = hashlib.sha256(f"ballot:{poll.pk}:{rep.pk}".encode()).hexdigest()
    assert unkeyed not in tags


def test_the_published_result_and_receipts_name_nobody():
    conf = make_conference()
    chair = make_staff(conf)
    poll = actions.open_poll(actions.create_motion_poll(make_motion(conf)), chair)
    rep = make_rep(conf, name="Dr Identifiable Person")
    actions.cast_vote(rep, poll.pk, "for", uuid.uuid4())
    actions.close_poll(poll.pk)
    actions.publish_result(poll, chair)
    poll.refresh_from_db()
    text = str(published_payload(poll)) + str(published_receipts(poll))
    assert "Identifiable" not in text
    assert all(set(row) & {rep.name, rep.pk, rep.access_code} == set() for row in published_receipts(poll))


def test_a_recorded_vote_says_who_voted_how_because_it_was_asked_to():
    conf = make_conference()
    chair = make_staff(conf)
    poll = actions.open_poll(actions.create_motion_poll(make_motion(conf), secret=False), chair)
    rep = make_rep(conf, name="Dr Named Voter")
    actions.cast_vote(rep, poll.pk, "against", uuid.uuid4())
    assert Ballot.objects.get(poll=poll).representative == rep
    from voting.snapshot import recorded_votes

    assert recorded_votes(poll) == [("Dr Named Voter", "Against")]
