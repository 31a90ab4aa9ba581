"""Group constraints: the fewest and the most seats a group of candidates may take.

The approach is the "guard and doom" of constrained STV (as in Otten's and OpenSTV's
constrained counts), kept to its simplest exact form. After every change of state (a
candidate elected or excluded) the count asks, for each continuing candidate, whether the
places still to fill can be filled within every group's minimum and maximum:

- if no such filling includes the candidate, the candidate is *doomed* (electing them would
  break a maximum, or leave too few places for a group's minimum): they are excluded at once
  and their papers transferred as for any excluded candidate;
- if every such filling includes the candidate, the candidate is *guarded* (the group's
  minimum needs them): they are deemed elected at once, with the votes they have, so that
  later preferences are not wasted on a candidate whose seat is already certain.

A candidate who reaches the quota is elected as usual; when several reach it at one stage
they are taken in order of votes and the question is asked again after each, so one whose
election would break a maximum is skipped (doomed) instead. Feasibility is decided exactly,
by a small search over the kinds of candidate (which groups each belongs to), so groups may
overlap. A reserved seat is a group with ``minimum=1``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from functools import lru_cache

from elections.count.types import Constraint, CountError


class Constraints:
    def __init__(self, constraints: Sequence[Constraint], names: Sequence[str], seats: int) -> None:
        self.constraints = list(constraints)
        index = {name: i for i, name in enumerate(names)}
        self.membership: list[tuple[int, ...]] = [() for _ in names]
        for g, constraint in enumerate(self.constraints):
            unknown = sorted(set(constraint.candidates) - set(index))
            if unknown:
                raise CountError(f"constraint {constraint.name!r} names no such candidate: {', '.join(unknown)}")
            if constraint.minimum < 0 or (constraint.maximum is not None and constraint.maximum < constraint.minimum):
                raise CountError(f"constraint {constraint.name!r}: the minimum must be between 0 and the maximum")
            for name in constraint.candidates:
                self.membership[index[name]] += (g,)
        self.low = [c.minimum for c in self.constraints]
        self.high = [seats if c.maximum is None else c.maximum for c in self.constraints]

    def __bool__(self) -> bool:
        return bool(self.constraints)

    def check(self, continuing: Collection[int], seats: int) -> None:
        """Refuse constraints that no choice of ``seats`` of the candidates could meet."""
        if not self.feasible((), continuing, seats):
            raise CountError("the constraints cannot all be met by any choice of the candidates standing")

    def review(
        self, elected: Collection[int], continuing: Collection[int], vacancies: int
    ) -> tuple[set[int], set[int]]:
        """The continuing candidates who are doomed, and those who are guarded, in this state."""
        doomed: set[int] = set()
        guarded: set[int] = set()
        if not self.constraints or vacancies <= 0:
            return doomed, guarded
        last_places = len(continuing) <= vacancies  # all of them will be elected anyway
        kinds: dict[tuple[int, ...], list[int]] = {}
        for c in continuing:
            kinds.setdefault(self.membership[c], []).append(c)
        for members in kinds.values():
            first, rest = members[0], [c for c in continuing if c != members[0]]
            if not self.feasible(tuple(elected) + (first,), rest, vacancies - 1):
                doomed.update(members)
            elif not last_places and not self.feasible(tuple(elected), rest, vacancies):
                guarded.update(members)
        return doomed, guarded

    def feasible(self, elected: Collection[int], continuing: Collection[int], places: int) -> bool:
        """Can exactly ``places`` more of ``continuing`` be elected, every group within its bounds?"""
        have = [0] * len(self.constraints)
        for c in elected:
            for g in self.membership[c]:
                have[g] += 1
        kinds = Counter(self.membership[c] for c in continuing)
        if places > len(continuing):
            return False
        return _search(tuple(sorted(kinds.items())), tuple(have), places, tuple(self.low), tuple(self.high))


@lru_cache(maxsize=4096)
def _search(
    kinds: tuple[tuple[tuple[int, ...], int], ...],
    have: tuple[int, ...],
    places: int,
    low: tuple[int, ...],
    high: tuple[int, ...],
) -> bool:
    if any(h > hi for h, hi in zip(have, high, strict=True)):
        return False
    if not kinds:
        return places == 0 and all(h >= lo for h, lo in zip(have, low, strict=True))
    # what the kinds still to come could add to each group, at most
    reach = list(have)
    for groups, n in kinds:
        for g in groups:
            reach[g] += min(n, places)
    if any(r < lo for r, lo in zip(reach, low, strict=True)):
        return False
    (groups, available), rest = kinds[0], kinds[1:]
    for take in range(min(available, places), -1, -1):
        more = list(have)
        for g in groups:
            more[g] += take
        if _search(rest, tuple(more), places - take, low, high):
            return True
    return False
