"""Properties every count must keep, on many seeded random elections, for every method."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from elections.count import Ballots, Constraint, CountError, count

METHODS = ["scottish", "ers97", "meek"]


def random_election(rng: random.Random) -> Ballots:
    n = rng.randint(2, 9)
    seats = rng.randint(1, min(5, n))
    votes = []
    for _ in range(rng.randint(0, 40)):
        depth = rng.randint(1, n)
        votes.append((rng.randint(1, 5), tuple(rng.sample(range(n), depth))))
    return Ballots(candidates=[f"C{i}" for i in range(n)], seats=seats, votes=votes)


def random_constraint(rng: random.Random, ballots: Ballots) -> Constraint:
    group = rng.sample(list(ballots.candidates), rng.randint(1, len(ballots.candidates)))
    if rng.random() < 0.5:
        return Constraint("min", group, minimum=rng.randint(1, min(len(group), ballots.seats)))
    return Constraint("max", group, maximum=rng.randint(0, ballots.seats - 1))


@pytest.mark.parametrize("method", METHODS)
def test_votes_are_conserved_and_every_seat_is_filled_once(method):
    rng = random.Random(f"invariants-{method}")
    for _ in range(300):
        ballots = random_election(rng)
        result = count(ballots, method, seed=rng.randrange(1000))
        valid = sum(w for w, _ in ballots.votes)
        assert result.valid == valid
        assert len(result.elected) == len(set(result.elected)) == ballots.seats
        excluded: set[str] = set()
        for number, stage in enumerate(result.stages, start=1):
            assert stage.number == number
            # every vote is with a candidate or set aside as non-transferable, to the last unit
            assert sum(stage.totals.values(), Decimal(0)) + stage.non_transferable == valid
            assert stage.non_transferable >= 0 and all(v >= 0 for v in stage.totals.values())
            excluded.update(stage.excluded)
        assert not excluded & set(result.elected)


@pytest.mark.parametrize("method", METHODS)
def test_the_elected_always_meet_the_constraints(method):
    rng = random.Random(f"constraints-{method}")
    checked = 0
    while checked < 200:
        ballots = random_election(rng)
        constraint = random_constraint(rng, ballots)
        try:
            result = count(ballots, method, constraints=[constraint], seed=checked)
        except CountError:
            continue  # constraints no choice of candidates could meet
        seated = len(set(result.elected) & set(constraint.candidates))
        assert constraint.minimum <= seated
        assert constraint.maximum is None or seated <= constraint.maximum
        assert len(result.elected) == ballots.seats
        checked += 1
