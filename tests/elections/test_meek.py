"""Meek (NZ fixed-point arithmetic, 9 decimals) on hand-worked cases and a published example."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from elections.count import count, read_blt
from tests.elections.helpers import make_ballots, stage_of


def test_the_quota_is_truncated_to_nine_decimals_plus_one_billionth():
    # NZ schedule 1A clause 5: 100 / 3 = 33.333333333.. -> 33.333333333 + 0.000000001
    ballots = make_ballots(2, [(97, "A"), (1, "B"), (1, "C"), (1, "D")], "ABCD")
    assert count(ballots, "meek").quota == Decimal("33.333333334")


def test_keep_values_converge_to_the_fixed_point_and_the_quota_falls_with_the_excess():
    # 2 seats, 30 ballots: 10 "A" only, 4 "A B", 4 "A C", 5 "B", 4 "C", 3 "D".
    ballots = make_ballots(2, [(10, "A"), (4, "AB"), (4, "AC"), (5, "B"), (4, "C"), (3, "D")])
    result = count(ballots, "meek")
    # Stage 1: quota 30 / 3 + 0.000000001; A has 18 and is elected.
    assert stage_of(result, 1).elected == ["A"]

    # Stage 2 iterates A's keep value k. A keeps 18k; the 10 "A" ballots exhaust 10(1 - k), so
    # the quota is (30 - 10(1 - k)) / 3 = (20 + 10k) / 3. At the fixed point 18k = (20 + 10k) / 3,
    # k = 20 / 44 = 5/11 and the quota is 90/11 = 8.1818..; B then has 5 + 4 x 6/11 = 7.1818..
    # and C 6.1818.., both short of it. Each iteration shrinks k's error by 10/54, so it takes
    # about ten iterations for the total surplus (44/3 x the error) to fall below 0.000001.
    two = stage_of(result, 2)
    assert two.action == "surplus" and two.elected == []
    assert two.keep_values is not None
    assert abs(Fraction(two.keep_values["A"]) - Fraction(5, 11)) < Fraction(1, 10**7)
    assert abs(Fraction(two.quota) - Fraction(90, 11)) < Fraction(1, 10**6)
    assert abs(Fraction(two.totals["B"]) - Fraction(79, 11)) < Fraction(1, 10**6)
    assert Decimal(0) <= two.totals["A"] - two.quota < Decimal("0.000001")  # converged: surplus < omega
    assert "11 iteration(s)" in two.notes[0]

    # Stage 3: D, the lowest, is excluded; her 3 ballots exhaust and the quota falls again:
    # 18k = (17 + 10k) / 3 gives k = 17/44 and quota 6.95.., below B's 5 + 4 x 27/44 = 7.45..
    three = stage_of(result, 3)
    assert (three.action, three.subject, three.elected) == ("exclusion", "D", ["B"])
    assert result.elected == ["A", "B"]


VOTING_MATTERS_12 = """5 3
333 1 3 0
333 1 4 0
333 1 5 0
333 2 3 0
333 2 4 0
333 2 5 0
667 3 0
667 4 0
667 5 0
1 1 2 3 0
1 1 2 4 0
2 2 1 3 0
0
"A"
"B"
"X"
"Y"
"Z"
"Voting matters example (Issue 12, 'The computational accuracy using the Meek algorithm')"
"""


def test_the_voting_matters_issue_12_example_needs_the_precision_to_separate_x_y_and_z():
    # I. D. Hill, "The computational accuracy using the Meek algorithm", Voting matters 12
    # (2000), as the BLT file test/blt/SC-Vm-12.blt of the droop package (J. Lundell), whose
    # exact (rational) Meek count test/ref/report/SC-Vm-12-meek-o10-rational-d12.txt elects
    # A and B, then, the surpluses settled, finds X 667.1666667697 > Y 667.1666666444 >
    # Z 667.1666665818, excludes Z and elects X. X, Y and Z differ only by about 10^-7: the
    # count must carry more decimals than that.
    result = count(read_blt(VOTING_MATTERS_12), "meek")
    two = stage_of(result, 2)
    assert two.totals["X"] > two.totals["Y"] > two.totals["Z"]
    assert two.totals["X"] - two.totals["Z"] < Decimal("0.000001")
    assert [s.subject for s in result.stages if s.action == "exclusion"] == ["Z"]
    assert not result.ties
    assert result.elected == ["A", "B", "X"]
    # The Scottish count, which keeps five decimals and no keep values, sees a three-way tie.
    assert count(read_blt(VOTING_MATTERS_12), "scottish").ties[0].candidates == ("X", "Y", "Z")
