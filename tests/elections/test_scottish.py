"""Scottish STV (SSI 2007/42) on small hand-worked cases: the quota and rule 48's transfer values."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from elections.count import count
from tests.elections.helpers import make_ballots, stage_of, totals


@pytest.mark.parametrize(("valid", "seats", "quota"), [(100, 2, 34), (100, 3, 26), (99, 2, 34), (7, 1, 4)])
def test_the_quota_is_valid_over_seats_plus_one_ignoring_decimals_plus_one(valid, seats, quota):
    # rule 46: 100 / 3 = 33.33 -> 33 + 1 = 34; 100 / 4 = 25 -> 26; 99 / 3 = 33 -> 34; 7 / 2 = 3.5 -> 4
    names = "ABCD"
    ballots = make_ballots(seats, [(valid - 3, "A"), (1, "B"), (1, "C"), (1, "D")], names)
    assert count(ballots, "scottish").quota == quota


def test_every_paper_of_a_surplus_moves_at_a_value_truncated_to_five_decimals():
    # 15 ballots, 3 seats: quota = 15 // 4 + 1 = 4.
    ballots = make_ballots(3, [(7, "ABC"), (3, "BC"), (2, "C"), (2, "D"), (1, "E")])
    result = count(ballots, "scottish")

    # Stage 2, A's surplus 3 over A's 7 votes: 3 x 1 / 7 = 0.428571... -> 0.42857 per paper (rule 48(3)).
    # B receives 7 x 0.42857 = 2.99999; the 0.00001 dropped is non-transferable.
    two = stage_of(result, 2)
    assert (two.action, two.subject, two.transfer_value) == ("surplus", "A", Decimal("0.42857"))
    assert totals(two)["B"] == "5.99999" and two.non_transferable == Decimal("0.00001")

    # Stage 3, B's surplus 1.99999 over B's 5.99999 votes, from papers of two values:
    #   B's own 3 papers (value 1):        1.99999 x 1       / 5.99999 = 0.333332... -> 0.33333
    #   the 7 papers from A (value 0.42857): 1.99999 x 0.42857 / 5.99999 = 0.142855... -> 0.14285
    # C receives 3 x 0.33333 + 7 x 0.14285 = 0.99999 + 0.99995 = 1.99994, so 2 + 1.99994 = 3.99994.
    three = stage_of(result, 3)
    assert (three.subject, three.transfer_value) == ("B", Decimal("0.33333"))
    assert totals(three) == {"A": "4.00000", "B": "4.00000", "C": "3.99994", "D": "2.00000", "E": "1.00000"}
    assert three.transfers["C"] == Decimal("1.99994")
    assert three.non_transferable == Decimal("0.00006")

    # Stages 4 and 5 exclude E then D (one exclusion per stage); C, the last continuing
    # candidate, then fills the last place (rule 52), below the quota.
    assert [(s.action, s.subject) for s in result.stages[3:]] == [("exclusion", "E"), ("exclusion", "D")]
    assert stage_of(result, 5).elected == ["C"]
    assert result.elected == ["A", "B", "C"]


def test_one_seat_is_the_alternative_vote():
    # 9 ballots, quota 9 // 2 + 1 = 5. C is excluded, her 2 papers go to B, who then has 5.
    ballots = make_ballots(1, [(4, "A"), (3, "B"), (2, "CB")])
    result = count(ballots, "scottish")
    assert [(s.action, s.subject) for s in result.stages] == [("first preferences", None), ("exclusion", "C")]
    assert result.elected == ["B"]


def test_withdrawn_candidates_are_passed_over_and_ballots_only_for_them_are_not_valid():
    ballots = replace(make_ballots(1, [(4, "AB"), (3, "BA"), (2, "C"), (1, "A")]), withdrawn=frozenset({0}))
    result = count(ballots, "scottish")
    assert result.withdrawn == ["A"]
    assert (result.valid, result.invalid) == (9, 1)
    assert totals(result.stages[0])["B"] == "7.00000"
    assert result.elected == ["B"]
