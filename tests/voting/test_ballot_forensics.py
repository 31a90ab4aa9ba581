"""The secret ballot against PostgreSQL's own files (issue 13, DESIGN §4.7, SECURITY.md).

Each test runs a secret poll the way the hall does (votes one at a time and a burst in
one batch, a changed vote), then attacks it with what one kind of copy holds: the
transaction ids of live rows while the poll is open (a superuser session), the WAL
between two LSNs around the votes (the WAL archive, a replica's stream), the old row
versions on the pages (a base backup before VACUUM), and the raw page bytes after
VACUUM. Each attack must see the rows it needs and still find no link.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest
from django.db import connection

from tests.factories import make_conference, make_motion, make_rep, make_staff
from voting import actions, closing, put, results
from voting.models import Poll

from . import db_forensics as forensics

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="these attacks read PostgreSQL's own files (xmin, the WAL, pages): set DATABASE_URL to a PostgreSQL "
        "database and connect as a superuser (CI does)",
    ),
    pytest.mark.django_db(transaction=True),  # each vote commits on its own, as in the hall
]

ONE_BY_ONE = 10
BURST = 8


@dataclass
class Hall:
    poll: Poll
    choice: dict[int, object] = field(default_factory=dict)  # representative id -> what they voted (last)
    receipt: dict[int, str] = field(default_factory=dict)
    start_lsn: str = ""


def _choices(kind: str, i: int) -> str | tuple[str, ...]:
    if kind == "pick":
        return tuple(sorted({f"m{i % 4 + 1}", f"m{(i * 3 + 1) % 4 + 1}"}))
    return ["for", "against", "abstain"][i % 3]


def vote_in_hall(kind: str = "motion", one_by_one: int = ONE_BY_ONE) -> Hall:
    """A secret poll: representatives vote one by one (ten unless said), eight in one burst
    (one batch, one transaction), one changes their vote. The poll is left open."""
    forensics.ensure_extensions()
    conf = make_conference()
    chair = make_staff(conf)
    if kind == "pick":
        draft = put.new_poll(
            conf.pk,
            "Chosen motions",
            kind=Poll.Kind.PICK,
            majority=Poll.Majority.NONE,
            options=[(f"m{i}", f"Motion {i}") for i in range(1, 5)],
            max_choices=2,
            allow_change=True,
        )
    else:
        draft = put.create_motion_poll(make_motion(conf), allow_change=True)
    reps = [make_rep(conf) for _ in range(one_by_one + BURST)]
    hall = Hall(actions.open_poll(draft, chair), start_lsn=forensics.current_lsn())
    assert hall.poll.secret

    def took(rep_id: int, choice: str | tuple[str, ...], outcome: actions.VoteOutcome) -> None:
        assert outcome.ok, outcome
        hall.choice[rep_id] = sorted(choice) if isinstance(choice, tuple) else choice
        hall.receipt[rep_id] = outcome.receipt

    for i, rep in enumerate(reps[:one_by_one]):
        choice = _choices(kind, i)
        took(rep.pk, choice, actions.cast_vote(rep, hall.poll.pk, choice, uuid.uuid4()))
    burst = [
        actions.VoteRequest(rep.pk, hall.poll.pk, _choices(kind, i), uuid.uuid4())
        for i, rep in enumerate(reps[one_by_one:], one_by_one)
    ]
    for request, outcome in zip(burst, actions.record_votes(burst), strict=True):
        took(request.representative_id, request.choice, outcome)
    changed = reps[0]
    choice = _choices(kind, 1)
    took(changed.pk, choice, actions.cast_vote(changed, hall.poll.pk, choice, uuid.uuid4()))
    return hall


def close_and_publish(hall: Hall) -> None:
    chair = make_staff(hall.poll.conference)
    closing.close_poll(hall.poll.pk, chair)
    results.publish_result(hall.poll, chair)


def correct(hall: Hall, links: dict[int, object]) -> int:
    """How many links name the representative's real choice or their receipt."""
    return sum(1 for rep, what in links.items() if what in (hall.choice.get(rep), hall.receipt.get(rep)))


@pytest.mark.parametrize("kind", ["motion", "pick"])
def test_while_the_poll_is_open_a_superuser_cannot_read_a_choice_off_the_transaction_ids(kind):
    hall = vote_in_hall(kind)
    found = forensics.xmin_links(hall.poll.pk)
    # The attack does line each voter up with a ballot row of the same transaction (all but
    # the one who changed their vote: that row was rewritten by the change) ...
    assert found.seen == ONE_BY_ONE + BURST - 1
    # ... and that row tells it nothing: no option, no picks, no receipt, only ciphertext.
    assert found.links == {}, f"xmin linked {correct(hall, found.links)} of {len(hall.choice)} voters"

    close_and_publish(hall)
    after = forensics.xmin_links(hall.poll.pk)
    assert after.seen == 0, "a ballot row after close was written by a voter's transaction"


@pytest.mark.parametrize("kind", ["motion", "pick"])
def test_the_wal_does_not_put_a_voter_and_their_ballot_in_one_transaction(kind):
    hall = vote_in_hall(kind)
    close_and_publish(hall)
    found = forensics.wal_links(hall.poll.pk, hall.start_lsn, forensics.current_lsn())
    assert found.seen >= ONE_BY_ONE + BURST, "the attack did not find the ballot inserts in the WAL"
    assert found.links == {}, f"the WAL linked {correct(hall, found.links)} of {len(hall.choice)} voters"


@pytest.mark.parametrize("kind", ["motion", "pick"])
def test_old_row_versions_on_the_pages_hold_no_readable_ballot_of_a_voters_transaction(kind):
    hall = vote_in_hall(kind)
    close_and_publish(hall)
    found = forensics.old_version_links(hall.poll.pk)
    assert found.seen >= ONE_BY_ONE + BURST - 1, "the attack did not find the old row versions"
    assert found.links == {}, f"old row versions linked {correct(hall, found.links)} of {len(hall.choice)} voters"


def test_after_vacuum_the_page_bytes_put_no_receipt_beside_a_voters_transaction():
    # Enough ballots to fill a few pages: a page whose tuples are all removed keeps their bytes.
    hall = vote_in_hall(one_by_one=100)
    close_and_publish(hall)
    forensics.vacuum("voting_ballot", "voting_ballot_picks", "voting_participation")
    found = forensics.page_byte_links(hall.poll.pk)
    assert found.links == {}, f"the page bytes linked {correct(hall, found.links)} of {len(hall.choice)} voters"
