"""Secret ballot: nothing in the database on its own ties a choice to a person."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from tests.factories import issue_code, make_conference, make_motion, make_rep, make_staff
from voting import actions, closing, put, results
from voting.models import Ballot, Participation, voter_tag
from voting.snapshot import published_payload, published_receipts

pytestmark = pytest.mark.django_db


def test_the_ballot_table_names_no_representative_and_cannot_be_joined_to_who_voted():
    conf = make_conference()
    chair = make_staff(conf)
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair)
    reps = [make_rep(conf) for _ in range(6)]
    for rep, choice in zip(reps, ["for", "against", "for", "abstain", "for", "against"], strict=True):
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
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair)
    rep = make_rep(conf, name="Dr Identifiable Person")
    code = issue_code(rep)
    actions.cast_vote(rep, poll.pk, "for", uuid.uuid4())
    closing.close_poll(poll.pk)
    results.publish_result(poll, chair)
    poll.refresh_from_db()
    text = str(published_payload(poll)) + str(published_receipts(poll))
    assert "Identifiable" not in text
    assert all(set(row) & {rep.name, rep.pk, code} == set() for row in published_receipts(poll))


def test_a_recorded_vote_says_who_voted_how_because_it_was_asked_to():
    conf = make_conference()
    chair = make_staff(conf)
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf), secret=False), chair)
    rep = make_rep(conf, name="Dr Named Voter")
    actions.cast_vote(rep, poll.pk, "against", uuid.uuid4())
    assert Ballot.objects.get(poll=poll).representative == rep
    from voting.snapshot import recorded_votes

    assert recorded_votes(poll) == [("Dr Named Voter", "Against")]


def dump_database() -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row of every table, as someone with a copy of the database would see it."""
    dump = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # physical order, no ORDER BY
            dump[table] = ([c[0] for c in cursor.description], cursor.fetchall())
    return dump


def foreign_keys_to(table: str) -> dict[str, set[str]]:
    """For each table, its columns that point at ``table``."""
    found: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        for name in connection.introspection.table_names(cursor):
            relations = connection.introspection.get_relations(cursor, name)
            found[name] = {col for col, (_, target) in relations.items() if target == table}
    return found


def test_a_copy_of_the_whole_database_after_a_secret_poll_does_not_say_who_voted_what():
    from conference.actions import reissue_code

    conf = make_conference()
    chair = make_staff(conf)
    labels = [f"Option {i}" for i in range(10)]  # a live poll's most
    poll = actions.open_poll(put.create_live_poll(conf, "Which element first?", options=labels), chair)
    assert poll.secret
    reps = [make_rep(conf, name=f"Dr Voter {i}") for i in range(10)]
    # Each representative picks a different option, so any alignment would give them away.
    votes = {rep.pk: f"o{(i * 3) % 10 + 1}" for i, rep in enumerate(reps)}
    for rep in reps:
        assert actions.cast_vote(rep, poll.pk, votes[rep.pk], uuid.uuid4()).ok
    codes = [issue_code(rep) for rep in reps]
    codes[0] = reissue_code(reps[0], chair)  # the audit log gets a row about a voter too
    for rep in reps:
        rep.refresh_from_db()
    closing.close_poll(poll.pk, chair)
    results.publish_result(poll, chair)

    dump = dump_database()
    rep_columns = foreign_keys_to("conference_representative")
    ballots = Ballot.objects.filter(poll=poll)
    ballot_tokens = {
        str(t)
        for b in ballots
        for t in (b.pk, b.pk.hex, b.receipt, b.key, b.key.hex if b.key else None, b.voter_tag)
        if t is not None
    }
    rep_tokens = {t for r in reps for t in (r.name, r.access_code_hash)} | set(codes)
    for table, (columns, rows) in dump.items():
        for row in rows:
            text = " ".join(map(str, row))
            names_a_rep = any(row[columns.index(c)] is not None for c in rep_columns[table]) or any(
                t in text for t in rep_tokens
            )
            names_a_ballot = any(t in text for t in ballot_tokens)
            assert not (names_a_rep and names_a_ballot), f"{table} links a representative to a ballot: {row}"

    # Nor does the order of the rows: the n-th participation is not the n-th ballot.
    p_cols, p_rows = dump["voting_participation"]
    b_cols, b_rows = dump["voting_ballot"]
    option_key = dict(poll.options.values_list("pk", "key"))
    who = [r[p_cols.index("representative_id")] for r in p_rows if r[p_cols.index("poll_id")] == poll.pk]
    what = [option_key[r[b_cols.index("option_id")]] for r in b_rows if r[b_cols.index("poll_id")] == poll.pk]
    assert len(who) == len(what) == 10
    assert [votes[rep_id] for rep_id in who] != what, "the row order lines participations up with ballots"
