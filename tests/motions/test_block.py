"""The A/AR block: one vote for a section's A and AR motions; a request to debate pulls one out."""

from __future__ import annotations

import pytest

from conference.errors import Refused
from motions import procedure
from motions.models import Outcome
from tests.factories import make_motion, make_section
from tests.motions.conftest import vote_and_publish
from voting import put

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(conf):
    section = make_section(conf)
    for category in ["A", "AR", "AR", "prioritised", "grey"]:
        make_motion(conf, section=section, category=category)
    return section


def by_category(section, category):
    return list(section.motions.filter(category=category).order_by("number"))


def test_a_block_vote_carries_a_as_policy_and_ar_as_a_reference_but_not_the_pulled_one(conf, chair, reps, section):
    pulled = by_category(section, "AR")[1]
    put.request_debate(pulled, reps[0])
    poll = put.open_block_vote(section, chair)
    assert set(poll.block_motions.all()) == {by_category(section, "A")[0], by_category(section, "AR")[0]}
    vote_and_publish(poll, chair, reps, 4, 1)
    assert by_category(section, "A")[0].outcome == Outcome.CARRIED
    assert by_category(section, "AR")[0].outcome == Outcome.CARRIED_AS_REFERENCE
    pulled.refresh_from_db()
    assert pulled.outcome == Outcome.NONE and pulled.debate_requested_by == reps[0]
    assert {m.outcome for m in by_category(section, "prioritised") + by_category(section, "grey")} == {""}


def test_a_lost_block_loses_each_motion(conf, chair, reps, section):
    vote_and_publish(put.open_block_vote(section, chair), chair, reps, 1, 4)
    assert {m.outcome for m in section.motions.filter(category__in=["A", "AR"])} == {Outcome.LOST}


def test_the_chair_can_put_a_pulled_motion_back_into_the_block(conf, chair, reps, section):
    motion = by_category(section, "A")[0]
    put.request_debate(motion, reps[0])
    procedure.restore_to_block(motion, chair)
    assert motion in put.open_block_vote(section, chair).block_motions.all()


def test_no_debate_request_once_the_block_is_put_or_for_other_categories(conf, chair, reps, section):
    with pytest.raises(Refused):
        put.request_debate(by_category(section, "prioritised")[0], reps[0])
    put.open_block_vote(section, chair)
    with pytest.raises(Refused):
        put.request_debate(by_category(section, "A")[0], reps[0])


def test_a_section_without_a_block_is_refused(conf, chair):
    section = make_section(conf)
    make_motion(conf, section=section)
    with pytest.raises(Refused):
        put.open_block_vote(section, chair)
