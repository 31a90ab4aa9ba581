"""The vote path's actions, on the database: open, vote, close, declare, publish."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conference import errors
from conference.errors import Refused
from conference.models import Representative
from motions.models import Motion
from tests import ballots as stored_ballots
from tests.factories import make_conference, make_motion, make_rep, make_staff
from voting import actions, closing, put, results
from voting.actions import VoteRequest, cast_vote, record_votes
from voting.models import Ballot, Participation, Poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def conf():
    return make_conference()


@pytest.fixture
def chair(conf):
    return make_staff(conf)


def open_motion_poll(motion, chair, **kw) -> Poll:
    return actions.open_poll(put.create_motion_poll(motion, **kw), chair)


def vote(rep, poll, choice, key=None):
    return cast_vote(rep, poll.pk, choice, key or uuid.uuid4())


def test_a_vote_is_stored_and_acknowledged_with_a_receipt(conf, chair):
    poll = open_motion_poll(make_motion(conf), chair)
    rep = make_rep(conf)
    outcome = vote(rep, poll, "for")
    assert outcome.ok and len(outcome.receipt) == 9
    assert Participation.objects.filter(poll=poll, representative=rep).count() == 1
    assert stored_ballots.only(poll).receipt == outcome.receipt


def test_a_second_vote_is_refused_and_the_first_stands(conf, chair):
    poll = open_motion_poll(make_motion(conf), chair)
    rep = make_rep(conf)
    first = vote(rep, poll, "for")
    second = vote(rep, poll, "against")
    assert not second.ok and second.code == errors.ALREADY_VOTED
    assert stored_ballots.only(poll).choice == "for"
    assert first.ok


def test_resending_the_same_key_returns_the_same_receipt_and_counts_once(conf, chair):
    poll = open_motion_poll(make_motion(conf), chair)
    rep = make_rep(conf)
    key = uuid.uuid4()
    first, again = vote(rep, poll, "for", key), vote(rep, poll, "for", key)
    assert again.ok and again.receipt == first.receipt
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_a_changeable_vote_can_be_changed_while_open_and_keeps_its_receipt(conf, chair):
    poll = open_motion_poll(make_motion(conf), chair, allow_change=True)
    rep = make_rep(conf)
    first = vote(rep, poll, "for")
    changed = vote(rep, poll, "against")
    assert changed.ok and changed.changed and changed.receipt == first.receipt
    assert stored_ballots.only(poll).choice == "against"
    assert Participation.objects.filter(poll=poll).count() == 1


def test_a_vote_on_a_closed_or_unopened_poll_is_refused(conf, chair):
    motion = make_motion(conf)
    draft = put.create_motion_poll(motion)
    rep = make_rep(conf)
    early = vote(rep, draft, "for")
    assert (early.code, early.message) == (errors.POLL_NOT_OPEN, "Not counted: this vote is not open yet.")
    actions.open_poll(draft, chair)
    closing.close_poll(draft.pk, chair)
    late = vote(rep, draft, "for")
    assert late.code == errors.POLL_NOT_OPEN
    assert late.message.startswith("Not counted: the vote closed")
    assert not Ballot.objects.exists()


def test_a_vote_after_the_countdown_ran_out_is_refused_even_before_the_close(conf, chair):
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair, countdown_seconds=60)
    Poll.objects.filter(pk=poll.pk).update(closes_at=poll.opened_at)
    assert vote(make_rep(conf), poll, "for").code == errors.POLL_NOT_OPEN


def test_unknown_choice_wrong_conference_and_non_voters_are_refused(conf, chair):
    poll = open_motion_poll(make_motion(conf), chair)
    assert vote(make_rep(conf), poll, "maybe").code == errors.UNKNOWN_CHOICE
    other = make_conference()
    assert vote(make_rep(other), poll, "for").code == errors.UNKNOWN_POLL
    observer = make_rep(conf, role=Representative.Role.OBSERVER)
    assert vote(observer, poll, "for").code == errors.NOT_ELIGIBLE
    assert vote(chair, poll, "for").code == errors.NOT_ELIGIBLE
    inactive = make_rep(conf, is_active=False)
    assert vote(inactive, poll, "for").code == errors.NOT_ELIGIBLE
    assert not Ballot.objects.exists()


def test_check_in_is_required_where_the_conference_says_so(conf, chair):
    conf.require_check_in = True
    conf.save()
    poll = open_motion_poll(make_motion(conf), chair)
    assert vote(make_rep(conf), poll, "for").code == errors.NOT_ELIGIBLE
    assert vote(make_rep(conf, checked_in=True), poll, "for").ok


def test_a_batch_keeps_each_votes_own_outcome(conf, chair):
    poll = open_motion_poll(make_motion(conf), chair)
    a, b = make_rep(conf), make_rep(conf)
    outcomes = record_votes(
        [
            VoteRequest(a.pk, poll.pk, "for", uuid.uuid4()),
            VoteRequest(a.pk, poll.pk, "against", uuid.uuid4()),  # a second vote: refused alone
            VoteRequest(b.pk, poll.pk, "bogus", uuid.uuid4()),
            VoteRequest(b.pk, poll.pk, "against", uuid.uuid4()),
        ]
    )
    assert [o.ok for o in outcomes] == [True, False, False, True]
    assert [o.code for o in outcomes] == ["", errors.ALREADY_VOTED, errors.UNKNOWN_CHOICE, ""]
    assert stored_ballots.choices(poll) == ["against", "for"]


def test_only_one_poll_is_open_at_a_time(conf, chair):
    open_motion_poll(make_motion(conf), chair)
    with pytest.raises(Refused) as refused:
        open_motion_poll(make_motion(conf), chair)
    assert refused.value.code == errors.INVALID_STATE


def test_an_incompetent_motion_is_never_put(conf):
    with pytest.raises(Refused):
        put.create_motion_poll(make_motion(conf, category=Motion.Category.INCOMPETENT))


def test_close_declares_the_result_and_closing_twice_changes_nothing(conf, chair):
    poll = open_motion_poll(make_motion(conf), chair)
    for choice in ["for", "for", "against", "abstain"]:
        assert vote(make_rep(conf), poll, choice).ok
    closed = closing.close_poll(poll.pk, chair)
    assert closed.status == Poll.Status.CLOSED
    assert closed.result["outcome"] == "carried"
    assert {c["key"]: c["count"] for c in closed.result["counts"]} == {"for": 2, "against": 1, "abstain": 1}
    first_closed_at = closed.closed_at
    again = closing.close_poll(poll.pk, chair)
    assert again.closed_at == first_closed_at and again.result == closed.result


def test_two_thirds_motion_uses_its_rule(conf, chair):
    poll = open_motion_poll(make_motion(conf, requires_two_thirds=True), chair)
    for choice in ["for", "for", "against", "against"]:
        vote(make_rep(conf), poll, choice)
    assert closing.close_poll(poll.pk).result["outcome"] == "lost"


def test_a_tie_waits_for_the_casting_vote_and_cannot_be_published_before(conf, chair):
    conf.chair_casting_vote = True
    conf.save()
    poll = open_motion_poll(make_motion(conf), chair)
    vote(make_rep(conf), poll, "for")
    vote(make_rep(conf), poll, "against")
    assert closing.close_poll(poll.pk).result["outcome"] == "tie"
    with pytest.raises(Refused):
        results.publish_result(poll, chair)
    resolved = closing.resolve_tie(poll, carried=True, by=chair)
    assert resolved.result["outcome"] == "carried" and resolved.result["casting_vote"] == "for"
    assert results.publish_result(poll, chair).motion.outcome == "carried"


def test_publishing_records_the_motion_outcome(conf, chair):
    motion = make_motion(conf)
    poll = open_motion_poll(motion, chair)
    vote(make_rep(conf), poll, "against")
    closing.close_poll(poll.pk)
    with pytest.raises(Refused):
        results.publish_result(put.create_motion_poll(motion), chair)  # not closed yet
    results.publish_result(poll, chair)
    motion.refresh_from_db()
    assert (motion.outcome, motion.status) == ("lost", Motion.Status.DECIDED)


def test_a_motion_in_parts_is_carried_in_part(conf, chair):
    motion = make_motion(conf, parts=["uplifts above inflation", "multi-year deals", "index-linked services"])
    reps = [make_rep(conf) for _ in range(3)]
    all_choices = [["for"] * 3, ["against"] * 3, ["for", "for", "against"]]
    for part, choices in zip(motion.parts.all(), all_choices, strict=True):
        poll = open_motion_poll(motion, chair, part=part)
        for rep, choice in zip(reps, choices, strict=True):
            assert vote(rep, poll, choice).ok
        closing.close_poll(poll.pk)
        results.publish_result(poll, chair)
        part.refresh_from_db()
    motion.refresh_from_db()
    assert [p.outcome for p in motion.parts.all()] == ["carried", "lost", "carried"]
    assert motion.outcome == "carried_in_part"


def test_live_polls_with_options_and_a_scale(conf, chair):
    poll = put.create_live_poll(conf, "Which matters most?", options=["Premises", "Liability", "Salaried"])
    scale = put.create_live_poll(conf, "How confident?", scale_max=6)
    assert [o.key for o in scale.options.all()] == ["1", "2", "3", "4", "5", "6"]
    actions.open_poll(poll, chair)
    vote(make_rep(conf), poll, "o2")
    vote(make_rep(conf), poll, "o2")
    vote(make_rep(conf), poll, "o1")
    result = closing.close_poll(poll.pk).result
    assert result["outcome"] == ""
    assert [(c["label"], c["count"], c["percent"]) for c in result["counts"]] == [
        ("Premises", 1, 33.3),
        ("Liability", 2, 66.7),
        ("Salaried", 0, 0.0),
    ]
    with pytest.raises(Refused):
        put.create_live_poll(conf, "Bad", options=["Only one"])
    with pytest.raises(Refused):
        put.create_live_poll(conf, "Bad", scale_max=50)


def test_a_vote_takes_a_bounded_number_of_queries(conf, chair):
    poll = open_motion_poll(make_motion(conf), chair)
    rep = make_rep(conf)
    with CaptureQueriesContext(connection) as queries:
        vote(rep, poll, "for")
    assert len(queries) <= 12


def test_a_resend_of_a_stored_vote_after_the_close_is_still_acknowledged(conf, chair):
    poll = open_motion_poll(make_motion(conf), chair)
    rep = make_rep(conf)
    key = uuid.uuid4()
    first = vote(rep, poll, "for", key)
    closing.close_poll(poll.pk)
    again = vote(rep, poll, "for", key)  # its acknowledgement was lost; the phone resends
    assert again.ok and again.receipt == first.receipt
    assert vote(rep, poll, "for").code == errors.POLL_NOT_OPEN  # a new key is a new vote: refused


def test_a_conference_can_be_deleted_with_everything_in_it(conf, chair):
    poll = open_motion_poll(make_motion(conf, parts=["a", "b"]), chair)
    vote(make_rep(conf), poll, "for")
    conf.delete()
    assert not Poll.objects.exists() and not Ballot.objects.exists()


def test_several_choices_on_a_motion_poll_are_refused(conf, chair):
    poll = open_motion_poll(make_motion(conf), chair)
    assert cast_vote(make_rep(conf), poll.pk, ("for", "against"), uuid.uuid4()).code == errors.UNKNOWN_CHOICE
    assert not Ballot.objects.exists()


def test_a_vote_closed_with_no_ballots_is_flagged_for_the_chair_before_publishing(conf, chair):
    from tests.factories import make_motion
    from voting import put

    poll = put.put_motion(make_motion(conf), None, chair)
    closed = closing.close_poll(poll.pk, chair)
    assert closed.result["no_ballots"] is True and closed.result["total"] == 0
