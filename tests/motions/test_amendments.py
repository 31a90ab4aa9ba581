"""Amendments and riders: voted before the motion, and they change what is voted on."""

from __future__ import annotations

import pytest

from conference import errors
from conference.errors import Refused
from motions import procedure
from motions.models import Amendment, Outcome
from motions.payloads import load_motion, motion_payload
from tests.factories import make_lmc, make_motion
from tests.motions.conftest import vote_and_publish
from voting import put

pytestmark = pytest.mark.django_db


def test_the_motion_cannot_be_put_while_an_amendment_is_undecided(conf, chair):
    motion = make_motion(conf, text="That conference demands more funding.")
    procedure.propose_amendment(
        motion, "amendment", "Insert 'urgently'", chair, new_wording="That conference urgently demands more funding."
    )
    with pytest.raises(Refused) as refused:
        put.create_motion_poll(motion)
    assert refused.value.code == errors.INVALID_STATE


def test_a_carried_amendment_changes_the_wording_then_voted_on(conf, chair, reps):
    motion = make_motion(conf, text="That conference demands more funding.")
    lmc = make_lmc(conf, name="Kent LMC")
    amendment = procedure.propose_amendment(
        motion,
        "amendment",
        "Insert 'urgently'",
        chair,
        proposer=lmc,
        new_wording="That conference urgently demands more funding.",
    )
    poll = put.put_amendment(amendment, chair)
    assert poll.amendment == amendment and "Kent LMC" in poll.question
    vote_and_publish(poll, chair, reps, 4, 1)
    amendment.refresh_from_db()
    motion.refresh_from_db()
    assert amendment.outcome == Outcome.CARRIED
    assert motion.wording == "That conference urgently demands more funding."
    assert motion.outcome == Outcome.NONE  # the substantive motion is still to be voted on
    payload = motion_payload(load_motion(motion.pk))
    assert payload["amended"] and payload["text"] == motion.wording
    assert payload["original_text"] == "That conference demands more funding."
    put.create_motion_poll(motion)  # now it may be put


def test_a_lost_amendment_leaves_the_wording(conf, chair, reps):
    motion = make_motion(conf, text="Original.")
    amendment = procedure.propose_amendment(motion, "amendment", "Replace", chair, new_wording="Replaced.")
    vote_and_publish(put.put_amendment(amendment, chair), chair, reps, 1, 4)
    motion.refresh_from_db()
    assert motion.wording == "Original." and Amendment.objects.get().outcome == Outcome.LOST


def test_a_carried_rider_adds_to_the_wording(conf, chair, reps):
    motion = make_motion(conf, text="That conference demands more funding.")
    rider = procedure.propose_amendment(motion, "rider", "and that it be recurrent.", chair)
    vote_and_publish(put.put_amendment(rider, chair), chair, reps, 3, 0)
    motion.refresh_from_db()
    assert motion.wording == "That conference demands more funding.\nand that it be recurrent."


def test_an_amendment_needs_its_new_wording(conf, chair):
    with pytest.raises(Refused):
        procedure.propose_amendment(make_motion(conf), "amendment", "Insert words", chair)


def test_an_amendment_cannot_be_put_twice(conf, chair):
    amendment = procedure.propose_amendment(make_motion(conf), "rider", "More.", chair)
    put.put_amendment(amendment, chair)
    with pytest.raises(Refused):
        put.put_amendment(amendment, chair)
