"""Procedural motions from the floor: each with its configured majority and its effect."""

from __future__ import annotations

import pytest

from conference.errors import Refused
from conference.models import AuditEntry
from motions import procedure
from motions.agenda import call_motion
from motions.models import Motion, Outcome, ProceduralMotion
from tests.factories import make_motion, make_section, set_standing_orders
from tests.motions.conftest import vote_and_publish
from voting import put
from voting.models import Poll

pytestmark = pytest.mark.django_db


def on_floor(conf, chair, **kw):
    """A motion called by the chair: the question on the floor, on which procedural motions are moved."""
    motion = make_motion(conf, **kw)
    call_motion(conf, motion, chair)
    return motion


@pytest.mark.parametrize(
    ("kind", "majority"),
    [
        ("closure", "two_thirds"),
        ("next_business", "two_thirds"),
        ("refer", "simple"),
        ("not_put", "simple"),
        ("reference", "simple"),
    ],
)
def test_each_procedural_motion_takes_its_default_majority(conf, chair, kind, majority):
    poll = put.put_procedural(on_floor(conf, chair), kind, chair)
    assert poll.majority == majority and poll.status == Poll.Status.OPEN


def test_the_standing_orders_set_the_majority(conf, chair):
    set_standing_orders(conf, closure_majority="simple", refer_majority="two_thirds")
    motion = on_floor(conf, chair)
    assert put.put_procedural(motion, "closure", chair).majority == "simple"
    Poll.objects.update(status=Poll.Status.PUBLISHED)
    assert put.put_procedural(motion, "refer", chair).majority == "two_thirds"


def test_closure_short_of_two_thirds_is_lost_and_debate_goes_on(conf, chair, reps):
    motion = on_floor(conf, chair)
    vote_and_publish(put.put_procedural(motion, "closure", chair), chair, reps, 3, 2)  # 60%
    motion.refresh_from_db()
    assert ProceduralMotion.objects.get().outcome == Outcome.LOST
    assert motion.outcome == Outcome.NONE
    assert not Poll.objects.filter(status=Poll.Status.OPEN).exists()


def no_reply(conf):
    set_standing_orders(conf, reply_after_closure=False)


def test_closure_carried_puts_the_question_at_once_where_there_is_no_reply(conf, chair, reps):
    no_reply(conf)
    motion = on_floor(conf, chair)
    vote_and_publish(put.put_procedural(motion, "closure", chair), chair, reps, 4, 2)  # two-thirds exactly
    opened = Poll.objects.get(status=Poll.Status.OPEN)
    assert opened.motion == motion and opened.procedural is None and opened.amendment is None


def test_closure_carried_puts_the_next_amendment_first(conf, chair, reps):
    no_reply(conf)
    motion = on_floor(conf, chair)
    rider = procedure.propose_amendment(motion, "rider", "More.", chair)
    vote_and_publish(put.put_procedural(motion, "closure", chair), chair, reps, 5, 0)
    assert Poll.objects.get(status=Poll.Status.OPEN).amendment == rider


def test_next_business_carried_records_moved_to_next_business_not_not_reached_and_moves_on(conf, chair, reps):
    section = make_section(conf)
    first = make_motion(conf, section=section, order=0)
    second = make_motion(conf, section=section, order=1)
    call_motion(conf, first, chair)
    vote_and_publish(put.put_procedural(first, "next_business", chair), chair, reps, 5, 1)
    first.refresh_from_db()
    conf.refresh_from_db()
    assert first.outcome == Outcome.MOVED_TO_NEXT_BUSINESS and first.decided_by == chair
    assert conf.current_motion == second


def test_next_business_outcome_comes_from_the_standing_orders(conf, chair, reps):
    set_standing_orders(conf, next_business_outcome=Outcome.FELL)
    motion = on_floor(conf, chair)
    vote_and_publish(put.put_procedural(motion, "next_business", chair), chair, reps, 5, 1)
    motion.refresh_from_db()
    assert motion.outcome == Outcome.FELL


def test_reference_carried_refers_the_motion_and_says_to_whom(conf, chair, reps):
    motion = on_floor(conf, chair)
    vote_and_publish(put.put_procedural(motion, "refer", chair), chair, reps, 3, 2)
    motion.refresh_from_db()
    assert motion.outcome == Outcome.REFERRED
    entry = AuditEntry.objects.get(action="motion.outcome")
    assert entry.details["referred_to"] == "GPC England"


def test_question_not_put_carried_means_the_motion_falls(conf, chair, reps):
    motion = on_floor(conf, chair)
    amendment = procedure.propose_amendment(motion, "rider", "More.", chair)
    vote_and_publish(put.put_procedural(motion, "not_put", chair), chair, reps, 3, 2)
    motion.refresh_from_db()
    amendment.refresh_from_db()
    assert motion.outcome == Outcome.FELL and amendment.outcome == Outcome.FELL


def test_carried_as_a_reference_put_to_the_vote(conf, chair, reps):
    motion = on_floor(conf, chair)
    vote_and_publish(put.put_procedural(motion, "reference", chair), chair, reps, 3, 2)
    assert Motion.objects.get(pk=motion.pk).outcome == Outcome.CARRIED_AS_REFERENCE


def test_an_incompetent_motion_takes_no_procedural_motion(conf, chair):
    from conference.errors import Refused

    with pytest.raises(Refused):
        put.put_procedural(make_motion(conf, category=Motion.Category.INCOMPETENT), "closure", chair)


def test_a_procedural_motion_is_moved_only_on_the_question_on_the_floor(conf, chair):
    floor = on_floor(conf, chair)
    elsewhere = make_motion(conf)
    with pytest.raises(Refused):
        put.put_procedural(elsewhere, "closure", chair)
    assert not Poll.objects.exists() and not ProceduralMotion.objects.exists()
    assert put.put_procedural(floor, "closure", chair).procedural.motion == floor


def test_closure_carried_gives_the_proposer_the_reply_and_the_vote_opens_when_it_ends(conf, chair, reps):
    from motions import debate

    motion = on_floor(conf, chair)
    vote_and_publish(put.put_procedural(motion, "closure", chair), chair, reps, 5, 0)
    assert not Poll.objects.filter(status=Poll.Status.OPEN).exists()
    motion.refresh_from_db()
    assert motion.awaiting_reply
    debate.start_speech(conf, chair, role="reply", speaker=reps[0])
    opened = put.end_speech(conf, chair)
    assert opened is not None and opened.motion == motion and opened.status == Poll.Status.OPEN
    motion.refresh_from_db()
    assert not motion.awaiting_reply


@pytest.mark.parametrize("kind", ["challenge", "suspend_standing_orders"])
def test_a_challenge_and_a_suspension_need_two_thirds_by_default_and_the_debate_goes_on(conf, chair, reps, kind):
    motion = on_floor(conf, chair)
    poll = put.put_procedural(motion, kind, chair, subject="Ruling that amendment 2 is out of order")
    assert poll.majority == "two_thirds"
    vote_and_publish(poll, chair, reps, 3, 2)  # short of two-thirds
    assert ProceduralMotion.objects.get(pk=poll.procedural_id).outcome == Outcome.LOST
    poll = put.put_procedural(motion, kind, chair, subject="Standing order 12")
    vote_and_publish(poll, chair, reps, 4, 2)
    motion.refresh_from_db()
    assert ProceduralMotion.objects.get(pk=poll.procedural_id).outcome == Outcome.CARRIED
    assert motion.outcome == "" and conf.__class__.objects.get(pk=conf.pk).current_motion == motion
    effect = "procedural.ruling_overturned" if kind == "challenge" else "procedural.suspended"
    assert AuditEntry.objects.get(action=effect).details["subject"] == "Standing order 12"


def test_the_chair_admits_emergency_motions_numbered_apart_in_their_own_section(conf, chair, reps):
    make_motion(conf, number=1)
    first = procedure.admit_emergency(conf.pk, "Flooding", "That conference supports flooded practices.", chair)
    second = procedure.admit_emergency(conf.pk, "Strike", "That conference backs the action.", chair, parts=["a", "b"])
    assert (first.reference, second.reference, first.number) == ("E1", "E2", 1)
    assert first.section.title == "Emergency motions" and second.parts.count() == 2
    vote_and_publish(put.put_motion(first, None, chair), chair, reps, 4, 1)
    first.refresh_from_db()
    assert first.outcome == Outcome.CARRIED


def test_an_emergency_motions_votes_name_it_e1_and_a_challenge_shows_the_ruling_challenged(conf, chair, reps):
    """The hall sees "Motion E1", not "Motion 1" (there is a motion 1 too), on every vote
    about it; and a challenge to the chair's ruling puts the ruling itself before the hall."""
    from voting.snapshot import under_vote

    make_motion(conf, number=1)
    emergency = procedure.admit_emergency(conf.pk, "Floods", "That conference acts.", chair, parts=["a", "b"])
    call_motion(conf, emergency, chair)
    ruling = "The chair ruled the amendment out of order"
    challenge = put.put_procedural(emergency, "challenge", chair, subject=ruling)
    assert challenge.question.startswith("That the chair's ruling be challenged (motion E1:")
    assert under_vote(challenge)["text"] == f"That the chair's ruling be challenged: {ruling}"
    vote_and_publish(challenge, chair, reps, 1, 4)
    parts = list(emergency.parts.all())
    together = put.create_motion_poll(emergency, parts=parts)
    assert together.question.startswith("Motion E1, parts (i) and (ii) together")
    rider = procedure.propose_amendment(emergency, "rider", "And reports back.", chair)
    assert put.put_amendment(rider, chair).question.startswith("Rider to motion E1")
