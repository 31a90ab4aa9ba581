"""The wording as decided: an amendment to one part, a rider, a motion in parts taken whole,
and one result per decision (a decided question is re-put only on purpose, with a reason)."""

from __future__ import annotations

import pytest

from conference import errors
from conference.errors import Refused
from motions import procedure
from motions.models import Motion, MotionPart, Outcome, OutcomeChange
from motions.payloads import load_motion, motion_payload
from tests.factories import make_motion
from tests.motions.conftest import vote_and_publish
from voting import put
from voting.models import Poll
from voting.snapshot import poll_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_parts(conf):
    return make_motion(
        conf,
        text="That conference demands:",
        parts=["safe working limits", "an end to the cap", "funding for premises"],
    )


def test_an_amendment_to_part_ii_changes_that_part_only_and_is_what_is_then_voted(conf, chair, reps, in_parts):
    part_ii = in_parts.parts.get(label="ii")
    amendment = procedure.propose_amendment(
        in_parts, "amendment", "Delete 'an end to' insert 'a review of'", chair, new_wording="a review of the cap",
        part=part_ii,
    )  # fmt: skip
    payload = motion_payload(load_motion(in_parts.pk))
    assert payload["amendments"][0]["part_id"] == part_ii.pk and payload["amendments"][0]["part"] == "ii"
    assert payload["amendments"][0]["wording_if_carried"] == "a review of the cap"
    poll = put.put_amendment(amendment, chair)
    assert poll_payload(poll)["under_vote"]["wording_if_carried"] == "a review of the cap"
    vote_and_publish(poll, chair, reps, 4, 1)
    in_parts.refresh_from_db()
    part_ii.refresh_from_db()
    assert in_parts.wording == "That conference demands:" and not in_parts.text_as_amended
    assert part_ii.wording == "a review of the cap" and part_ii.text == "an end to the cap"
    parts = {p["label"]: p for p in motion_payload(load_motion(in_parts.pk))["parts"]}
    assert parts["ii"]["text"] == "a review of the cap" and parts["ii"]["amended"]
    assert parts["ii"]["original_text"] == "an end to the cap" and not parts["i"]["amended"]
    poll = put.put_motion(in_parts, part_ii, chair)
    assert poll_payload(poll)["under_vote"]["text"] == "(ii) a review of the cap"


def test_an_amendment_to_another_motions_part_is_refused(conf, chair, in_parts):
    other = make_motion(conf, parts=["x", "y"])
    with pytest.raises(Refused) as refused:
        procedure.propose_amendment(in_parts, "rider", "More.", chair, part=other.parts.first())
    assert refused.value.code == errors.MALFORMED


def test_a_carried_rider_after_a_carried_amendment_adds_to_the_amended_wording(conf, chair, reps):
    motion = make_motion(conf, text="That conference demands funding.")
    first = procedure.propose_amendment(
        motion, "amendment", "Insert 'urgent'", chair, new_wording="That conference demands urgent funding."
    )
    rider = procedure.propose_amendment(motion, "rider", "It instructs GPC England to act.", chair)
    vote_and_publish(put.put_amendment(first, chair), chair, reps, 4, 1)
    vote_and_publish(put.put_amendment(rider, chair), chair, reps, 4, 1)
    motion.refresh_from_db()
    assert motion.wording == "That conference demands urgent funding.\nIt instructs GPC England to act."


def test_a_motion_in_parts_taken_as_a_whole_decides_its_parts_with_it(conf, chair, reps, in_parts):
    vote_and_publish(put.put_motion(in_parts, None, chair), chair, reps, 4, 1)
    in_parts.refresh_from_db()
    assert in_parts.outcome == Outcome.CARRIED
    assert set(in_parts.parts.values_list("outcome", flat=True)) == {Outcome.CARRIED}


def test_parts_taken_together_are_decided_by_one_vote(conf, chair, reps, in_parts):
    i, ii, iii = in_parts.parts.all()
    poll = put.put_motion(in_parts, None, chair, parts=[i, iii])
    assert poll_payload(poll)["parts"] == ["i", "iii"]
    assert poll_payload(poll)["under_vote"]["text"] == "(i) safe working limits\n(iii) funding for premises"
    vote_and_publish(poll, chair, reps, 4, 1)
    assert [p.outcome for p in MotionPart.objects.filter(motion=in_parts)] == ["carried", "", "carried"]
    vote_and_publish(put.put_motion(in_parts, ii, chair), chair, reps, 1, 4)
    in_parts.refresh_from_db()
    assert in_parts.outcome == Outcome.CARRIED_IN_PART


def test_a_decided_motion_is_not_put_again_unless_re_put_with_a_reason(conf, chair, reps):
    motion = make_motion(conf)
    vote_and_publish(put.put_motion(motion, None, chair), chair, reps, 1, 4)
    with pytest.raises(Refused) as refused:
        put.put_motion(motion, None, chair)
    assert refused.value.code == errors.INVALID_STATE
    with pytest.raises(Refused):
        put.put_motion(motion, None, chair, reput=True, reason="  ")
    assert not Poll.objects.filter(status=Poll.Status.DRAFT).exists()
    poll = put.put_motion(motion, None, chair, reput=True, reason="The count was announced before the doors shut.")
    assert poll_payload(poll)["reput"] is True
    vote_and_publish(poll, chair, reps, 4, 1)
    motion.refresh_from_db()
    assert motion.outcome == Outcome.CARRIED
    history = list(OutcomeChange.objects.filter(motion=motion).values_list("previous", "outcome", "reason"))
    assert history == [
        ("", "lost", ""),
        ("lost", "carried", "The count was announced before the doors shut."),
    ]
    # The first result stays in the history: both votes are published, neither annulled.
    assert Poll.objects.filter(motion=motion, status=Poll.Status.PUBLISHED).count() == 2


def test_a_decided_part_is_not_put_again_and_nor_is_the_whole(conf, chair, reps, in_parts):
    part = in_parts.parts.first()
    vote_and_publish(put.put_motion(in_parts, part, chair), chair, reps, 4, 1)
    with pytest.raises(Refused):
        put.put_motion(in_parts, part, chair)
    with pytest.raises(Refused):
        put.put_motion(in_parts, None, chair)
    assert Motion.objects.get(pk=in_parts.pk).outcome == ""
