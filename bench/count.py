"""Time the STV counts on seeded random elections.

    .venv/bin/python -m bench.count              # the table in bench/README.md
    .venv/bin/python -m bench.count --repeat 3   # best of three

Each election is drawn with ``random.Random(seed)``: candidates get a popularity (a few
strong, a long tail) and belong to one of four "slates" that voters tend to follow; each
voter ranks a handful of candidates (1 to all, most often 3 to 6), each pick weighted by
popularity and doubled for the voter's own slate. Only the count is timed (grouping the
ballots included, reading them not).
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass

from elections.count import METHODS, Ballots, count

SLATES = 4


@dataclass(frozen=True)
class Case:
    label: str
    ballots: int
    candidates: int
    seats: int


CASES = [
    Case("a hall's election (the agenda committee)", 300, 9, 5),
    Case("1,000 ballots x 20 candidates", 1_000, 20, 5),
    Case("100,000 ballots x 30 candidates", 100_000, 30, 7),
]


def make_election(case: Case, seed: int = 15) -> Ballots:
    rng = random.Random(seed)
    n = case.candidates
    popularity = [rng.paretovariate(1.5) for _ in range(n)]
    slate = [rng.randrange(SLATES) for _ in range(n)]
    votes: list[tuple[int, tuple[int, ...]]] = []
    for _ in range(case.ballots):
        own = rng.randrange(SLATES)
        depth = min(n, max(1, round(rng.lognormvariate(1.4, 0.6))))
        weights = [p * (2.0 if slate[c] == own else 1.0) for c, p in enumerate(popularity)]
        ranking: list[int] = []
        for _ in range(depth):
            c = rng.choices(range(n), weights)[0]
            ranking.append(c)
            weights[c] = 0.0
        votes.append((1, tuple(ranking)))
    names = [f"Candidate {c + 1:02d}" for c in range(n)]
    return Ballots(candidates=names, seats=case.seats, votes=votes, title=case.label)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1, help="time each count this many times, keep the best")
    args = parser.parse_args()
    print(f"{'election':<42} {'distinct':>8} {'method':<9} {'seconds':>8} {'stages':>6}  elected")
    for case in CASES:
        ballots = make_election(case)
        distinct = len({r for _, r in ballots.votes})
        for method in METHODS:
            best = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                result = count(ballots, method)
                best = min(best, time.perf_counter() - start)
            elected = " ".join(name.removeprefix("Candidate ") for name in result.elected)
            print(f"{case.label:<42} {distinct:>8} {method:<9} {best:>8.3f} {len(result.stages):>6}  {elected}")


if __name__ == "__main__":
    main()
