"""Outcomes: declared with who and when, corrected only with a reason kept in history."""

from __future__ import annotations

import pytest

from conference.errors import Refused
from motions import procedure
from motions.models import Motion, Outcome, OutcomeChange
from tests.factories import make_motion
from tests.motions.conftest import vote_and_publish
from voting import actions, put

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("outcome", ["withdrawn", "fell", "not_reached", "carried_as_reference"])
def test_the_chair_declares_an_outcome_with_who_and_when(conf, chair, outcome):
    motion = put.declare_outcome(make_motion(conf), outcome, chair)
    assert motion.outcome == outcome and motion.decided_by == chair and motion.decided_at is not None
    assert motion.status == Motion.Status.DECIDED


def test_carried_is_not_declared_without_a_vote(conf, chair):
    with pytest.raises(Refused):
        put.declare_outcome(make_motion(conf), "carried", chair)


def test_a_correction_needs_a_reason_and_keeps_the_history(conf, chair, reps):
    motion = make_motion(conf)
    vote_and_publish(actions.open_poll(put.create_motion_poll(motion), chair), chair, reps, 3, 1)
    with pytest.raises(Refused):
        procedure.correct_outcome(motion, Outcome.CARRIED_AS_REFERENCE, chair, "  ")
    with pytest.raises(Refused):
        put.declare_outcome(motion, Outcome.WITHDRAWN, chair)
    procedure.correct_outcome(motion, Outcome.CARRIED_AS_REFERENCE, chair, "The proposer accepted a reference.")
    history = list(OutcomeChange.objects.filter(motion=motion).values_list("previous", "outcome", "reason"))
    assert history == [
        ("", "carried", ""),
        ("carried", "carried_as_reference", "The proposer accepted a reference."),
    ]


def test_a_motion_in_parts_is_carried_in_part(conf, chair, reps):
    motion = make_motion(conf, parts=["first", "second"])
    first, second = motion.parts.all()
    vote_and_publish(actions.open_poll(put.create_motion_poll(motion, first), chair), chair, reps, 4, 1)
    motion.refresh_from_db()
    assert motion.outcome == Outcome.NONE
    vote_and_publish(actions.open_poll(put.create_motion_poll(motion, second), chair), chair, reps, 1, 4)
    motion.refresh_from_db()
    assert motion.outcome == Outcome.CARRIED_IN_PART and motion.decided_by == chair
    assert [p.outcome for p in motion.parts.all()] == ["carried", "lost"]


def test_a_lead_motion_carried_fells_its_group_in_one_action_and_a_lost_one_does_not(conf, chair, reps):
    lead = make_motion(conf)
    others = [make_motion(conf, lead=lead, section=lead.section) for _ in range(2)]
    decided_already = make_motion(conf, lead=lead, section=lead.section, outcome=Outcome.WITHDRAWN)
    with pytest.raises(Refused):
        procedure.fall_group(lead, chair)  # not yet decided
    vote_and_publish(actions.open_poll(put.create_motion_poll(lead), chair), chair, reps, 1, 3)
    with pytest.raises(Refused):
        procedure.fall_group(lead, chair)  # lost: the others still stand, and are debated
    assert {Motion.objects.get(pk=m.pk).outcome for m in others} == {""}
    poll = put.create_motion_poll(lead, reput=True, reason="The lead was misread", by=chair)
    vote_and_publish(actions.open_poll(poll, chair), chair, reps, 3, 1)
    fallen = procedure.fall_group(lead, chair)
    assert sorted(m.pk for m in fallen) == sorted(m.pk for m in others)
    assert {Motion.objects.get(pk=m.pk).outcome for m in others} == {Outcome.FELL}
    assert Motion.objects.get(pk=decided_already.pk).outcome == Outcome.WITHDRAWN
