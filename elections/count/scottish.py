"""Scottish STV: the counting rules of the Scottish Local Government Elections Order 2007
(SSI 2007/42, schedule 1, rules 45 to 52; the same rules are in the 2011 Order, SSI 2011/399).

- Rule 46: the quota is the number of valid papers divided by one more than the seats,
  ignoring any decimal places, plus one.
- Rule 47: a candidate whose votes equal or exceed the quota is deemed elected.
- Rule 48: a surplus is transferred from *every* paper the candidate holds (the weighted
  inclusive Gregory method): each paper is transferred at the value
  ``surplus x value of the paper when received / the candidate's total votes``, "the
  calculation being made to five decimal places (any remainder being ignored)". Papers of
  equal value give equal transfer values, so the value is computed once per parcel.
- Rule 49: one surplus per stage, the highest first; equal surpluses go by the highest votes
  at the most recent preceding stage where the candidates differed, then by lot.
- Rules 50 and 51: with no surplus to transfer the candidate with the fewest votes is
  excluded and all their papers transferred at the value they carry; ties by the lowest
  votes at the most recent preceding stage where they differed, then by lot.
- Rule 52: when the continuing candidates are as many as the places left they are elected.
  The official result sheets (Edinburgh 2017) show the exclusion that brings this about as a
  stage with its transfers, so the check is made at the end of each stage.

Every figure is a whole number of 0.00001 votes, so the stage totals are exact.
"""

from __future__ import annotations

from decimal import Decimal

from elections.count.base import ELECTED, EXCLUDED, Count, Paper, Parcel, div_down
from elections.count.ties import BACKWARD
from elections.count.types import EXCLUSION, FIRST_PREFERENCES, SURPLUS, Result

PLACES = 5


class ScottishCount(Count):
    method = "scottish"
    places = PLACES
    direction = BACKWARD

    def run(self) -> Result:
        self.piles = self.first_preferences()
        self.quota = Decimal(self.valid // (self.seats + 1) + 1)  # rule 46
        self.first_quota = self.quota
        self.begin(FIRST_PREFERENCES)
        self.settle()
        while self.vacancies > 0 and (self.continuing() or self.pending):
            if self.pending:
                c = min(self.pending, key=lambda c: (self.votes[c], c))
                self.pending.remove(c)
                self.begin(EXCLUSION)
                self.exclude(c)
            elif surplus := self.with_surplus():
                top = max(self.votes[c] for c in surplus)
                self.begin(SURPLUS)
                chosen = self.choose([c for c in surplus if self.votes[c] == top], lowest=False, kind="surplus")  # 49
                assert chosen is not None
                self.transfer_surplus(chosen)
            else:
                self.begin(EXCLUSION)
                c = self.lowest(self.continuing())  # rules 50, 51
                self.exclude(c)
            self.settle()
        return self.result()

    def settle(self) -> None:
        """The end of a stage: record it for the tie rules, elect (47, 52), apply constraints."""
        assert self.stage is not None
        self.points.record(f"stage {self.stage.number}", self.votes)
        self.apply_constraints()
        self.elect_qualified(lambda: self.quota)
        self.fill_last_places("")
        self.end()

    def with_surplus(self) -> list[int]:
        return [c for c in self.elected if self.votes[c] > self.quota and self.piles[c]]

    def transfer_surplus(self, c: int) -> None:
        assert self.stage is not None and self.state[c] == ELECTED
        self.stage.subject, self.stage.subjects = self.names[c], [self.names[c]]
        surplus, total = self.votes[c] - self.quota, self.votes[c]
        self.stage.transfer_value = div_down(surplus, total, PLACES)
        by_value: dict[Decimal, list[Paper]] = {}
        for parcel in self.piles[c]:
            by_value.setdefault(parcel.value, []).extend(parcel.papers)
        arrivals: dict[tuple[int, Decimal], Parcel] = {}
        for value, papers in by_value.items():
            transfer_value = div_down(surplus * value, total, PLACES)  # rule 48(3)
            to, weight, _ = self.sort_papers(papers)
            for d, moved in to.items():
                self.receive(arrivals, d, transfer_value, moved, weight[d])
        self.votes[c] = self.quota
        self.piles[c] = []

    def exclude(self, c: int) -> None:
        assert self.stage is not None
        self.stage.subject, self.stage.subjects = self.names[c], [self.names[c]]
        self.stage.excluded.append(self.names[c])
        self.state[c] = EXCLUDED
        arrivals: dict[tuple[int, Decimal], Parcel] = {}
        for parcel in self.piles[c]:
            to, weight, _ = self.sort_papers(parcel.papers)  # rule 50(4): at the value they carry
            for d, moved in to.items():
                self.receive(arrivals, d, parcel.value, moved, weight[d])
        self.votes[c] = Decimal(0)
        self.piles[c] = []

    def receive(
        self, arrivals: dict[tuple[int, Decimal], Parcel], d: int, value: Decimal, papers: list[Paper], weight: int
    ) -> None:
        self.votes[d] += value * weight
        parcel = arrivals.get((d, value))
        if parcel is None:
            arrivals[(d, value)] = parcel = Parcel(value, [], 0)
            self.piles[d].append(parcel)
        parcel.papers.extend(papers)
        parcel.weight += weight
