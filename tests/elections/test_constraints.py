"""Group maxima and minima, and a reserved seat, under each method (see elections/count/constraints.py)."""

from __future__ import annotations

import pytest

from elections.count import Constraint, CountError, count
from elections.count.constraints import Constraints
from tests.elections.helpers import make_ballots, stage_of

METHODS = ["scottish", "ers97", "meek"]


@pytest.mark.parametrize("method", METHODS)
def test_a_candidate_whose_election_would_break_a_maximum_is_skipped(method):
    # 2 seats. A and B (one practice, at most one seat) both pass the quota at stage 1.
    ballots = make_ballots(2, [(40, "AB"), (35, "BA"), (20, "C"), (5, "DC")])
    assert count(ballots, method).elected == ["A", "B"]

    result = count(ballots, method, constraints=[Constraint("Practice 1", {"A", "B"}, maximum=1)])
    first = stage_of(result, 1)
    # A, with more votes, is elected first; B would then exceed the maximum and is excluded.
    assert first.elected == ["A"]
    assert "B excluded: electing them would exceed the maximum of 'Practice 1'" in first.notes
    assert result.elected == ["A", "C"]


@pytest.mark.parametrize("method", METHODS)
def test_a_reserved_seat_elects_the_only_new_candidate_at_once(method):
    # 3 seats, one reserved for a candidate who has not sat before; E is the only one.
    ballots = make_ballots(3, [(40, "AB"), (30, "BC"), (20, "CA"), (6, "D"), (4, "EA")])
    result = count(ballots, method, constraints=[Constraint("New members", {"E"}, minimum=1)])
    first = stage_of(result, 1)
    assert "E" in first.elected
    assert "E elected: needed to meet the minimum of 'New members'" in first.notes
    assert set(result.elected) == {"A", "B", "E"}


@pytest.mark.parametrize("method", METHODS)
def test_when_a_groups_other_candidates_are_gone_the_last_one_is_elected(method):
    # 3 seats, at least one of D and E. A is elected at once. E, the lowest, is excluded: D is
    # then needed for the minimum and is elected at that stage, while B and C still compete.
    ballots = make_ballots(3, [(30, "A"), (22, "B"), (21, "C"), (15, "D"), (12, "E")])
    assert "D" not in count(ballots, method).elected

    result = count(ballots, method, constraints=[Constraint("New members", {"D", "E"}, minimum=1)])
    exclusion = next(s for s in result.stages if "E" in s.excluded)
    assert "D" in exclusion.elected
    assert "D elected: needed to meet the minimum of 'New members'" in exclusion.notes
    assert sorted(result.elected) == ["A", "B", "D"]


@pytest.mark.parametrize("method", METHODS)
def test_the_places_left_go_to_the_group_that_still_needs_them(method):
    # 2 seats, at least one of D and E. Once A is elected the last place must go to D or E,
    # so B and C are excluded at stage 1 although B passes the quota.
    ballots = make_ballots(2, [(40, "AB"), (35, "BA"), (15, "CD"), (10, "DE"), (3, "E")])
    result = count(ballots, method, constraints=[Constraint("New members", {"D", "E"}, minimum=1)])
    notes = stage_of(result, 1).notes
    assert "B excluded: the places left are needed for the minimum of 'New members'" in notes
    assert "C excluded: the places left are needed for the minimum of 'New members'" in notes
    assert result.elected == ["A", "D"]


def test_constraints_that_cannot_be_met_are_refused():
    ballots = make_ballots(2, [(3, "A"), (2, "B"), (1, "C")])
    with pytest.raises(CountError, match="cannot all be met"):
        count(ballots, constraints=[Constraint("Two of one", {"A"}, minimum=2)])
    with pytest.raises(CountError, match="cannot all be met"):
        count(ballots, constraints=[Constraint("None of these", {"A", "B", "C"}, maximum=1)])
    with pytest.raises(CountError, match="no such candidate: Z"):
        count(ballots, constraints=[Constraint("Ghost", {"Z"}, maximum=1)])


def test_feasibility_is_exact_for_overlapping_groups():
    # Candidates 0..3. Women {0, 1} at least 1; GP trainees {1, 2} at most 1.
    groups = Constraints(
        [Constraint("Women", {"a", "b"}, minimum=1), Constraint("Trainees", {"b", "c"}, maximum=1)],
        ["a", "b", "c", "d"],
        seats=2,
    )
    assert groups.feasible((), [0, 1, 2, 3], 2)
    assert groups.feasible((2,), [0, 1, 3], 1)  # c elected: a can still take the last seat
    assert not groups.feasible((2,), [1, 3], 1)  # c elected, a gone: b breaks Trainees, d breaks Women
    doomed, guarded = groups.review((2,), [0, 1, 3], 1)
    assert (doomed, guarded) == ({1, 3}, {0})


@pytest.mark.parametrize("method", METHODS)
def test_a_member_elected_below_the_quota_does_not_hold_back_anothers_surplus(method):
    # 3 seats, E (4 votes) holds the reserved seat from stage 1. A's surplus of 15 must still
    # reach C (18 + 15 > B's 22): in Meek, E's shortfall is not netted off A's surplus.
    ballots = make_ballots(3, [(40, "AC"), (22, "B"), (18, "C"), (16, "D"), (4, "E")])
    result = count(ballots, method, constraints=[Constraint("New members", {"E"}, minimum=1)])
    assert sorted(stage_of(result, 1).elected) == ["A", "E"]
    assert sorted(result.elected) == ["A", "C", "E"]
