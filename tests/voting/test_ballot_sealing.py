"""An open secret poll's ballots are sealed; the close unseals them (voting.secrecy, SECURITY.md)."""

from __future__ import annotations

import uuid

import pytest

from conference import errors
from conference.errors import Refused
from conference.models import AuditEntry
from desk.actions import annul_and_rerun
from tests.factories import make_conference, make_motion, make_rep, make_staff
from voting import actions, closing, put
from voting.models import Ballot, Poll

pytestmark = pytest.mark.django_db


def open_secret_poll(**kw):
    conf = make_conference()
    chair = make_staff(conf)
    return conf, chair, actions.open_poll(put.create_motion_poll(make_motion(conf), **kw), chair)


def test_an_open_secret_polls_ballots_hold_no_choice_receipt_or_key_and_are_all_one_length():
    conf, chair, poll = open_secret_poll(allow_change=True)
    reps = [make_rep(conf) for _ in range(3)]
    outcomes = [
        actions.cast_vote(r, poll.pk, c, uuid.uuid4()) for r, c in zip(reps, ["for", "against", "abstain"], strict=True)
    ]
    changed = actions.cast_vote(reps[0], poll.pk, "against", uuid.uuid4())
    assert changed.ok and changed.receipt == outcomes[0].receipt
    rows = list(Ballot.objects.filter(poll=poll))
    assert all(b.option_id is None and b.receipt is None and b.key is None and not b.picks.exists() for b in rows)
    assert len({len(bytes(b.sealed or b"")) for b in rows}) == 1
    for b in rows:
        sealed = bytes(b.sealed or b"")
        assert not any(o.receipt.encode() in sealed or uuid.UUID(o.key).bytes in sealed for o in outcomes)
    assert Poll.objects.get(pk=poll.pk).sealed_key

    closing.close_poll(poll.pk, chair)
    closed = Poll.objects.get(pk=poll.pk)
    assert closed.sealed_key is None and closed.result is not None
    assert {c["key"]: c["count"] for c in closed.result["counts"]} == {"for": 0, "against": 2, "abstain": 1}
    after = list(Ballot.objects.filter(poll=poll))
    assert all(b.sealed is None and b.voter_tag is None and b.receipt_tag is None for b in after)
    assert {b.pk for b in after}.isdisjoint({b.pk for b in rows})
    assert sorted(b.receipt or "" for b in after) == sorted(o.receipt for o in outcomes)


def test_a_resend_after_the_close_gets_its_receipt_and_nobody_else_does():
    conf, chair, poll = open_secret_poll()
    rep, other = make_rep(conf), make_rep(conf)
    key = uuid.uuid4()
    first = actions.cast_vote(rep, poll.pk, "for", key)
    closing.close_poll(poll.pk, chair)
    again = actions.cast_vote(rep, poll.pk, "for", key)
    assert again.ok and (again.receipt, again.choice) == (first.receipt, "for")
    stolen = actions.cast_vote(other, poll.pk, "for", key)  # took no part: the key is not theirs
    assert stolen.code == errors.POLL_NOT_OPEN
    assert actions.cast_vote(rep, poll.pk, "against", uuid.uuid4()).code == errors.POLL_NOT_OPEN


def test_a_lost_ballot_key_refuses_votes_and_the_close_loudly_and_the_poll_can_be_annulled(settings):
    conf, chair, poll = open_secret_poll()
    voted = make_rep(conf)
    assert actions.cast_vote(voted, poll.pk, "for", uuid.uuid4()).ok
    settings.BALLOT_KEY = "not-the-key-the-poll-was-opened-with"
    refused = actions.cast_vote(make_rep(conf), poll.pk, "for", uuid.uuid4())
    assert refused.code == errors.NOT_RECORDED and "cannot seal" in refused.message
    with pytest.raises(Refused) as closing_refused:
        closing.close_poll(poll.pk, chair)
    assert closing_refused.value.code == errors.INVALID_STATE
    assert "annul the vote and re-run it" in closing_refused.value.message
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.OPEN  # nothing lost by the refusal
    assert Ballot.objects.filter(poll=poll).count() == 1

    rerun = annul_and_rerun(Poll.objects.get(pk=poll.pk), "The ballot key was lost.", chair)
    annulled = Poll.objects.get(pk=poll.pk)
    assert annulled.status == Poll.Status.ANNULLED and annulled.sealed_key is None
    assert not Ballot.objects.filter(poll=poll).exists()
    entry = AuditEntry.objects.get(action="poll.annulled")
    assert entry.details["unreadable_ballots_discarded"] == 1
    assert rerun.status == Poll.Status.DRAFT and rerun.secret


def test_annulling_an_open_poll_keeps_its_ballots_unsealed_in_the_record():
    conf, chair, poll = open_secret_poll()
    outcome = actions.cast_vote(make_rep(conf), poll.pk, "against", uuid.uuid4())
    annul_and_rerun(poll, "Wrong motion.", chair)
    [ballot] = Ballot.objects.filter(poll=poll)
    assert (ballot.receipt, ballot.option and ballot.option.key, ballot.voter_tag) == (outcome.receipt, "against", None)
    assert Poll.objects.get(pk=poll.pk).sealed_key is None


def test_a_recorded_vote_is_not_sealed():
    conf, chair, poll = open_secret_poll(secret=False)
    rep = make_rep(conf)
    outcome = actions.cast_vote(rep, poll.pk, "for", uuid.uuid4())
    ballot = Ballot.objects.get(poll=poll)
    assert Poll.objects.get(pk=poll.pk).sealed_key is None
    assert (ballot.sealed, ballot.receipt, ballot.option and ballot.option.key, ballot.representative) == (
        None,
        outcome.receipt,
        "for",
        rep,
    )
