"""Ties settled by lot: drawn from the recorded seed, so the same seed repeats the count."""

from __future__ import annotations

import pytest

from elections.count import Ballots, as_dict, count
from tests.elections.helpers import make_ballots

METHODS = ["scottish", "ers97", "meek"]


def level_pair() -> Ballots:
    # One seat; A and B level at every stage, C (lowest) passes nothing on.
    return make_ballots(1, [(3, "A"), (3, "B"), (1, "C")])


@pytest.mark.parametrize("method", METHODS)
def test_the_same_seed_repeats_the_lot_and_the_result(method):
    first, again = count(level_pair(), method, seed=2026), count(level_pair(), method, seed=2026)
    assert as_dict(first) == as_dict(again)
    lots = [t for t in first.ties if t.settled_by == "lot"]
    assert lots and lots[0].candidates == ("A", "B") and lots[0].kind == "exclusion"
    assert first.seed == 2026 and as_dict(first)["seed"] == 2026


@pytest.mark.parametrize("method", METHODS)
def test_different_seeds_can_draw_differently(method):
    winners = {count(level_pair(), method, seed=seed).elected[0] for seed in range(20)}
    assert winners == {"A", "B"}


def test_the_lot_does_not_depend_on_the_order_of_the_candidates_on_the_paper():
    forward = make_ballots(1, [(3, "A"), (3, "B"), (1, "C")], names="ABC")
    backward = make_ballots(1, [(3, "A"), (3, "B"), (1, "C")], names="CBA")
    for seed in range(10):
        assert count(forward, seed=seed).elected == count(backward, seed=seed).elected


def test_an_earlier_stage_settles_a_tie_before_any_lot():
    # One seat. C's exclusion gives B one vote (the other is exhausted): A and B are level at 4
    # after stage 2, below D's 6, and together too many to exclude at once (ERS97 5.2.5).
    # At stage 1 A had 4 and B 3.
    ballots = make_ballots(1, [(4, "A"), (3, "B"), (1, "CB"), (1, "C"), (6, "D")])
    for method in METHODS:
        result = count(ballots, method)
        # Scottish rule 51(2) (most recent preceding stage where they differed), ERS97 5.2.5 and
        # Meek (earliest point where they differed) all find stage 1, where B had fewer.
        assert [(t.candidates, t.chosen, t.settled_by) for t in result.ties] == [(("A", "B"), "B", "stage 1")]
