"""ERS97: the Electoral Reform Society's rules for counting STV by hand (1997 edition),
section 5 ("Detailed instructions for the count"), as published by the Society and quoted in
full by OpenSTV and OpaVote. Every figure is a whole number of 0.01 votes.

- 5.1.6 The quota: the total valid vote divided by one more than the places, taken to two
  decimal places; if not exact, the remainder ignored and 0.01 added (so: rounded up).
- 5.1.7, 5.3.13, 5.4.9 A continuing candidate is deemed elected, highest vote first, whose vote
  equals or exceeds the quota or (rarely lower) the total active vote divided by one more
  than the places not yet filled (6.20: the total active vote is the continuing candidates'
  votes plus any votes awaiting transfer). 5.6.2: when level candidates are more than the
  places left, the earliest point where they differed decides; if none, none of them is
  elected at that stage.
- 5.2.2 The surpluses are *deferred* while their total does not exceed the difference
  between the two lowest candidates, or between the total of the lowest candidates who could
  be excluded together and the vote of the candidate next above.
- 5.2.3 Otherwise the largest surplus is transferred; equal surpluses: the candidate with the
  greater vote at the first stage or the earliest point (after the transfer of a batch)
  where they differed; then by lot.
- 5.3.1, 5.3.2 Last parcel: a surplus from the first stage is examined on all the candidate's
  papers; a later surplus only on the batch last received, which gave rise to it.
  5.3.7 If the transferable papers' value exceeds the surplus, each is transferred at
  surplus / number of transferable papers, to two decimals, remainder ignored; if not, at
  its present value. The difference is non-transferable (5.3.9, 6.11).
- 5.2.5 Exclusion: as many of the lowest candidates together as possible, provided enough
  remain to fill the places and their total votes plus any deferred surpluses do not exceed
  the vote of the candidate next above; candidates level on votes are never split. Otherwise
  the lowest one; ties: fewest votes at the earliest point where they differed, then lot.
- 5.4 The excluded candidates' papers are transferred in batches, highest value first, each
  at its value; after each batch, candidates reaching the quota are deemed elected and
  receive no more papers (5.4.10). 5.4.8: while nobody has been elected, the quota is
  recalculated after each batch leaving out the non-transferable votes.
- 5.5.1 If a proposed exclusion would leave as many continuing candidates as places, they
  are deemed elected instead. 5.5.2 When the places are filled the count ends.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from elections.count.base import ELECTED, EXCLUDED, Count, Paper, Parcel, div_down, div_up
from elections.count.ties import FORWARD
from elections.count.types import EXCLUSION, FIRST_PREFERENCES, SURPLUS, Result, Tie

PLACES = 2


class ERS97Count(Count):
    method = "ers97"
    places = PLACES
    direction = FORWARD

    def run(self) -> Result:
        self.piles = self.first_preferences()
        self.last_batch: list[Parcel | None] = [pile[-1] if pile else None for pile in self.piles]
        self.first_stage: set[int] = set()
        self.transferred: set[int] = set()
        self.quota = div_up(self.valid, self.seats + 1, PLACES)  # 5.1.6
        self.first_quota = self.quota
        self.begin(FIRST_PREFERENCES)
        self.settle("stage 1")
        self.end()
        self.first_stage = set(self.elected)
        while self.vacancies > 0 and self.continuing():
            if self.pending:
                batch, self.pending = sorted(self.pending, key=lambda c: (self.votes[c], c)), []
                self.exclude(batch)
                continue
            surpluses = [c for c in self.elected if c not in self.transferred and self.votes[c] > self.quota]
            if surpluses and not self.deferred(surpluses):
                self.transfer_surplus(surpluses)
                continue
            batch, tie = self.exclusion_batch(sum((self.votes[c] - self.quota for c in surpluses), Decimal(0)))
            remaining = [c for c in self.continuing() if c not in batch]
            if len(remaining) <= self.vacancies:  # 5.5.1: elected at the end of the last stage
                stage = self.reopen()
                if tie is not None:
                    stage.ties.append(replace(tie, stage=stage.number))
                for c in sorted(remaining, key=lambda c: (-self.votes[c], c)):
                    self.elect(c, "5.5.1: excluding the lowest would leave as many candidates as places")
                self.end()
                break
            self.exclude(batch, tie)
        return self.result()

    # -- the stages -----------------------------------------------------------------------

    def settle(self, point: str) -> None:
        """After a batch of papers: record the point, deem candidates elected, apply constraints."""
        self.points.record(point, self.votes)
        self.apply_constraints()
        self.elect_qualified(self.threshold, lot=False)
        self.fill_last_places("")

    def threshold(self) -> Decimal:
        awaiting = sum(
            (
                self.votes[c] - self.quota
                for c in self.elected
                if c not in self.transferred and self.votes[c] > self.quota
            ),
            Decimal(0),
        )
        awaiting += sum((self.votes[c] for c in range(self.n) if self.state[c] == EXCLUDED), Decimal(0))
        active = sum((self.votes[c] for c in self.continuing()), Decimal(0)) + awaiting  # 6.20
        return min(self.quota, div_up(active, self.vacancies + 1, PLACES))

    def transfer_surplus(self, surpluses: list[int]) -> None:
        top = max(self.votes[c] for c in surpluses)
        stage = self.begin(SURPLUS)
        chosen = self.choose([c for c in surpluses if self.votes[c] == top], lowest=False, kind="surplus")  # 5.2.3
        assert chosen is not None and self.state[chosen] == ELECTED
        c = chosen
        stage.subject, stage.subjects = self.names[c], [self.names[c]]
        surplus = self.votes[c] - self.quota
        if c in self.first_stage:  # 5.3.1
            papers = [p for parcel in self.piles[c] for p in parcel.papers]
            value = Decimal(1)
        else:  # 5.3.2: the last parcel
            batch = self.last_batch[c]
            assert batch is not None
            papers, value = batch.papers, batch.value
        to, weight, _ = self.sort_papers(papers)
        transferable = sum(weight.values())
        if transferable * value > surplus:  # 5.3.7
            transfer_value = div_down(surplus, transferable, PLACES)
        else:
            transfer_value = value
        stage.transfer_value = transfer_value
        for d, moved in to.items():
            self.receive(d, transfer_value, moved, weight[d])
        self.votes[c] = self.quota
        self.transferred.add(c)
        self.settle(f"stage {stage.number}")
        self.end()

    def exclude(self, batch: list[int], tie: Tie | None = None) -> None:
        stage = self.begin(EXCLUSION, batch)
        if tie is not None:
            stage.ties.append(tie)
        by_value: dict[Decimal, list[Paper]] = {}
        held: dict[Decimal, dict[int, int]] = {}
        for x in batch:
            stage.excluded.append(self.names[x])
            self.state[x] = EXCLUDED
            for parcel in self.piles[x]:
                by_value.setdefault(parcel.value, []).extend(parcel.papers)
                held.setdefault(parcel.value, {}).setdefault(x, 0)
                held[parcel.value][x] += parcel.weight
            self.piles[x] = []
        values = sorted(by_value, reverse=True)  # 5.4.1: highest transfer value first
        for i, value in enumerate(values, start=1):
            to, weight, _ = self.sort_papers(by_value[value])
            for d, moved in to.items():
                self.receive(d, value, moved, weight[d])
            for x, w in held[value].items():
                self.votes[x] -= value * w
            if not self.elected and self.non_transferable() > 0:  # 5.4.8
                self.quota = div_up(Decimal(self.valid) - self.non_transferable(), self.seats + 1, PLACES)
            point = f"stage {stage.number}" + (f", batch {i} of {len(values)}" if len(values) > 1 else "")
            self.settle(point)
            if self.vacancies == 0:  # 5.5.2
                break
        if not values:
            self.settle(f"stage {stage.number}")
        self.end()

    # -- deferral and exclusion -----------------------------------------------------------

    def levels(self) -> list[tuple[Decimal, list[int]]]:
        """The continuing candidates in groups of equal vote, lowest first."""
        groups: dict[Decimal, list[int]] = {}
        for c in self.continuing():
            groups.setdefault(self.votes[c], []).append(c)
        return sorted(groups.items())

    def excludable(self, deferred: Decimal) -> list[list[int]]:
        """Every set of lowest candidates (whole groups of equal votes) that 5.2.5 lets go together."""
        levels = self.levels()
        most = len(self.continuing()) - self.vacancies
        batches: list[list[int]] = []
        batch: list[int] = []
        total = Decimal(0)
        for (vote, members), (next_vote, _) in zip(levels, levels[1:], strict=False):
            batch = batch + members
            total += vote * len(members)
            if len(batch) > most:
                break
            if total + deferred <= next_vote:
                batches.append(batch)
        return batches

    def leaves_feasible(self, batch: list[int]) -> bool:
        """Could the places still be filled within the constraints without all of ``batch``?

        Each candidate the constraints need is already elected (guarded), but two who could
        each be spared may not both be: such a batch is not excluded together.
        """
        if not self.constraints:
            return True
        rest = [c for c in self.continuing() if c not in batch]
        return self.constraints.feasible(self.elected, rest, self.vacancies)

    def deferred(self, surpluses: list[int]) -> bool:
        """5.2.2: the surpluses could not change the order of the lowest candidates."""
        total = sum((self.votes[c] - self.quota for c in surpluses), Decimal(0))
        return bool(self.excludable(total))

    def exclusion_batch(self, deferred: Decimal) -> tuple[list[int], Tie | None]:
        """Who 5.2.5 excludes next, and the tie (if any) settled to choose them."""
        batches = [b for b in self.excludable(deferred) if len(b) > 1 and self.leaves_feasible(b)]
        if batches:
            return batches[-1], None
        continuing = self.continuing()
        low = min(self.votes[c] for c in continuing)
        chosen, tie = self.pick([c for c in continuing if self.votes[c] == low], lowest=True, kind="exclusion")
        assert chosen is not None
        return [chosen], tie

    def receive(self, d: int, value: Decimal, papers: list[Paper], weight: int) -> None:
        self.votes[d] += value * weight
        parcel = Parcel(value, papers, weight)
        self.piles[d].append(parcel)
        self.last_batch[d] = parcel
