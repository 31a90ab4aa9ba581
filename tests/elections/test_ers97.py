"""ERS97 on hand-worked cases; each figure says where it comes from (the rules' paragraphs)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from elections.count import count
from tests.elections.helpers import make_ballots, stage_of, totals


@pytest.mark.parametrize(
    ("valid", "seats", "quota"),
    [
        (100, 2, "33.34"),  # 100 / 3 = 33.333..: to two decimals 33.33, not exact, so + 0.01
        (100, 3, "25.00"),  # 100 / 4 = 25.00 exactly: that is the quota
        (7, 2, "2.34"),  # 7 / 3 = 2.333..: 2.33 + 0.01
        (101, 1, "50.50"),  # 101 / 2 = 50.50 exactly
    ],
)
def test_the_quota_is_taken_to_two_decimals_and_raised_by_001_unless_exact(valid, seats, quota):
    ballots = make_ballots(seats, [(valid - 3, "A"), (1, "B"), (1, "C"), (1, "D")], "ABCD")
    assert count(ballots, "ers97").quota == Decimal(quota)


def test_a_later_surplus_is_transferred_from_the_last_parcel_only():
    # 3 seats, 100 papers: quota 25.00 (5.1.6).
    ballots = make_ballots(
        3,
        [(10, "ABE"), (10, "ABF"), (12, "AC"), (8, "A"), (20, "BD"), (16, "C"), (14, "D"), (6, "E"), (4, "F")],
    )
    result = count(ballots, "ers97")
    assert stage_of(result, 1).elected == ["A"]  # 40 >= 25.00

    # Stage 2, A's surplus 15.00 (not deferred: 15 exceeds E - F = 2 and every other gap, 5.2.2).
    # A surplus at the first stage examines all A's papers (5.3.1): 32 transferable (20 to B,
    # 12 to C), worth 32 > 15, so each moves at 15 / 32 = 0.46875 -> 0.46 (5.3.7).
    # B + 20 x 0.46 = 9.20, C + 12 x 0.46 = 5.52; 15 - 14.72 = 0.28 is non-transferable (5.3.9).
    two = stage_of(result, 2)
    assert (two.subject, two.transfer_value, two.non_transferable) == ("A", Decimal("0.46"), Decimal("0.28"))
    assert totals(two) == {"A": "25.00", "B": "29.20", "C": "21.52", "D": "14.00", "E": "6.00", "F": "4.00"}
    assert two.elected == ["B"]

    # Stage 3, B's surplus 4.20 (not deferred: 4 + 4.20 > 6 and 4 + 6 + 4.20 = 14.20 > 14).
    # It arose at a later stage, so only the last batch B received is examined (5.3.2): the
    # 20 papers from A at 0.46, next preferences E and F. Their value 9.20 exceeds 4.20, so
    # each moves at 4.20 / 20 = 0.21: E and F + 2.10 each. B's own 20 papers (next preference
    # D) are not looked at, so D stays at 14.00.
    three = stage_of(result, 3)
    assert (three.subject, three.transfer_value) == ("B", Decimal("0.21"))
    assert totals(three) == {"A": "25.00", "B": "25.00", "C": "21.52", "D": "14.00", "E": "8.10", "F": "6.10"}

    # Stage 4: F (6.10) is excluded alone (6.10 + 8.10 = 14.20 exceeds D's 14.00, 5.2.5(b)); her
    # papers are all non-transferable: 4 x 1.00 + 10 x 0.21 = 6.10, so 0.28 + 6.10 = 6.38.
    four = stage_of(result, 4)
    assert (four.action, four.subject, four.non_transferable) == ("exclusion", "F", Decimal("6.38"))

    # Stage 5: E is excluded; after her first batch (6 papers at 1.00, all exhausted) the total
    # active vote is C 21.52 + D 14.00 + E's 2.10 awaiting transfer = 37.62, and C's 21.52 is at
    # least 37.62 / (1 + 1) = 18.81 (5.4.9(b)): C is deemed elected, the places are filled and
    # E's last batch is never transferred (5.5.2).
    five = stage_of(result, 5)
    assert five.elected == ["C"] and totals(five)["E"] == "2.10"
    assert result.elected == ["A", "B", "C"]


def test_a_surplus_is_deferred_and_the_lowest_excluded_together():
    # 2 seats, 100 papers: quota 33.34. A has 36.00, a surplus of 2.66.
    ballots = make_ballots(2, [(36, "A"), (30, "B"), (20, "C"), (8, "DC"), (6, "EB")])
    result = count(ballots, "ers97")

    # 5.2.2: 2.66 exceeds the gap between the two lowest (8 - 6 = 2), but not the gap between
    # the two lowest together and the next above: 6 + 8 = 14, and 14 + 2.66 = 16.66 <= C's 20.
    # So the surplus is deferred, and (5.2.5) D and E are excluded together at stage 2: their
    # 14 votes plus the deferred 2.66 do not exceed C's 20 (adding C, 34 + 2.66 > B's 30).
    assert [s.action for s in result.stages] == ["first preferences", "exclusion"]
    two = stage_of(result, 2)
    assert (two.subject, two.subjects, two.excluded) == (None, ["E", "D"], ["E", "D"])
    assert totals(two) == {"A": "36.00", "B": "36.00", "C": "28.00", "D": "0.00", "E": "0.00"}
    # B reaches the quota with E's 6 papers and the count is over; A's surplus was never needed.
    assert two.elected == ["B"] and result.elected == ["A", "B"]


def test_the_quota_is_recalculated_when_papers_become_non_transferable_before_anyone_is_elected():
    # 2 seats, 100 papers: quota 33.34, and nobody reaches it at the first stage.
    ballots = make_ballots(2, [(33, "A"), (32, "B"), (20, "CA"), (15, "D")])
    result = count(ballots, "ers97")
    assert stage_of(result, 1).elected == []

    # Stage 2: D is excluded and all 15 papers are non-transferable. Nobody has yet been
    # elected, so the quota is recalculated leaving them out (5.4.8): 85 / 3 = 28.333.. -> 28.34,
    # and A (33) and B (32) are both deemed elected without any transfer reaching them.
    two = stage_of(result, 2)
    assert (two.subject, two.non_transferable, two.quota) == ("D", Decimal("15.00"), Decimal("28.34"))
    assert two.elected == ["A", "B"]


def test_ties_look_forward_from_the_first_stage_where_scottish_looks_back():
    # One seat. Q (1 to X, 4 to Y) then R (1 to X, 5 exhausted) are excluded, leaving X and Y
    # level at 12 at stage 3. Earlier: stage 1 X 10, Y 8; stage 2 X 11, Y 12.
    ballots = make_ballots(
        1, [(23, "W"), (22, "V"), (10, "X"), (8, "Y"), (1, "QX"), (4, "QY"), (1, "RX"), (5, "R")], "WVXYQR"
    )
    ers97 = count(ballots, "ers97")
    scottish = count(ballots, "scottish")
    # ERS97 5.2.5: the fewest votes "at the first stage or at the earliest point" where they
    # differed: stage 1, Y 8 < X 10, so Y goes. (X and Y together, 24, exceed V's 22: no batch.)
    assert [(t.kind, t.chosen, t.settled_by) for t in ers97.ties] == [("exclusion", "Y", "stage 1")]
    # SSI 2007/42 rule 51(2): the most recent preceding stage where they differed: stage 2,
    # X 11 < Y 12, so X goes.
    assert [(t.kind, t.chosen, t.settled_by) for t in scottish.ties] == [("exclusion", "X", "stage 2")]
