"""Ties: settled by the votes at earlier points of the count, as each rule set says, then by lot.

Every rule set looks back at the candidates' votes at earlier points of the count: the
Scottish Order at "the most recent preceding stage at which they had unequal votes"
(SSI 2007/42 rules 49(2), 51(2)), ERS97 at "the first stage or the earliest point in the
count, after the transfer of a batch of papers, where they had unequal votes" (5.2.3,
5.2.5, 5.6.2), the New Zealand Meek rules ahead at the first difference. When three or
more are tied, each earlier point narrows the field to those still level at the lowest (or
highest) vote there.

The lot is drawn with ``random.Random(seed)``, one generator for the whole count, choosing
among the tied candidates sorted by name: the same ballots and the same seed give the same
lots, so anyone can repeat the count. The seed is printed on the result sheet.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal

from elections.count.types import Tie

BACKWARD = "backward"
FORWARD = "forward"


class Points:
    """The candidates' votes at each point of the count that a tie may look back to."""

    def __init__(self) -> None:
        self.labels: list[str] = []
        self.votes: list[list[Decimal]] = []

    def record(self, label: str, votes: Sequence[Decimal]) -> None:
        self.labels.append(label)
        self.votes.append(list(votes))


class TieBreaker:
    def __init__(self, names: Sequence[str], seed: int, direction: str) -> None:
        self.names = list(names)
        self.seed = seed
        self.direction = direction
        self.rng = random.Random(seed)

    def choose(
        self,
        tied: Sequence[int],
        points: Points,
        *,
        lowest: bool,
        stage: int,
        kind: str,
        lot: bool = True,
    ) -> tuple[int | None, Tie | None]:
        """The one of ``tied`` with the lowest (or highest) votes at an earlier point, else by lot.

        The last point recorded is the one where they are tied, so it is not looked at.
        Returns ``(None, None)`` when ``lot`` is False and no earlier point tells them apart.
        """
        field = sorted(set(tied))
        if len(field) == 1:
            return field[0], None
        earlier = list(range(len(points.votes) - 1))
        if self.direction == BACKWARD:
            earlier.reverse()
        for i in earlier:
            votes = points.votes[i]
            best = min(votes[c] for c in field) if lowest else max(votes[c] for c in field)
            field = [c for c in field if votes[c] == best]
            if len(field) == 1:
                return field[0], self._tie(tied, field[0], stage, kind, points.labels[i])
        if not lot:
            return None, None
        by_name = sorted(field, key=lambda c: (self.names[c], c))
        chosen = self.rng.choice(by_name)
        return chosen, self._tie(tied, chosen, stage, kind, "lot")

    def _tie(self, tied: Sequence[int], chosen: int, stage: int, kind: str, settled_by: str) -> Tie:
        names = tuple(self.names[c] for c in sorted(set(tied)))
        return Tie(stage=stage, kind=kind, candidates=names, chosen=self.names[chosen], settled_by=settled_by)
