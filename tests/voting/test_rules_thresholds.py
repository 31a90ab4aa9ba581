"""The majority rules take their thresholds from the standing orders, as data."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tests.factories import make_conference, make_motion, make_rep, make_staff, set_standing_orders
from voting import actions, closing, put
from voting.rules import OptionCount, Thresholds, decide


def counts(f: int, a: int) -> list[OptionCount]:
    return [OptionCount("for", "For", f), OptionCount("against", "Against", a), OptionCount("abstain", "Abstain", 0)]


def test_a_qualified_majority_of_three_quarters():
    three_quarters = Thresholds(qualified=Fraction(3, 4))
    assert decide(counts(7, 3), "two_thirds").outcome == "carried"
    assert decide(counts(7, 3), "two_thirds", thresholds=three_quarters).outcome == "lost"
    assert decide(counts(3, 1), "two_thirds", thresholds=three_quarters).outcome == "carried"


def test_a_simple_threshold_above_half_has_no_tie():
    sixty = Thresholds(simple=Fraction(3, 5))
    assert decide(counts(6, 4), "simple", thresholds=sixty).outcome == "lost"
    assert decide(counts(5, 5), "simple", thresholds=sixty, chair_casting_vote=True).outcome == "lost"
    assert decide(counts(5, 5), "simple", chair_casting_vote=True).outcome == "tie"


@pytest.mark.django_db
def test_closing_a_poll_uses_the_conference_standing_orders():
    conf = make_conference()
    set_standing_orders(conf, qualified_numerator=3, qualified_denominator=4)
    chair = make_staff(conf)
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf, requires_two_thirds=True)), chair)
    for i, rep in enumerate(make_rep(conf) for _ in range(3)):
        import uuid

        actions.cast_vote(rep, poll.pk, "for" if i < 2 else "against", uuid.uuid4())
    assert closing.close_poll(poll.pk, chair).result["outcome"] == "lost"  # 2/3 < 3/4
