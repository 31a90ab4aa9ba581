"""Meek's method (Hill, Wichmann & Woodall, "Algorithm 123", The Computer Journal 30(3), 1987),
with the fixed-point arithmetic of the New Zealand rules (Local Electoral Regulations 2001,
schedule 1A) as set out step by step in the Proportional Representation Foundation's
"Reference Meek Rule" (prfound.org). Every figure is a whole number of 10^-9 votes.

- Each candidate has a keep value: 1 while hopeful, 0 once excluded, and for an elected
  candidate the share of each vote reaching them that they keep.
- Distribute: each ballot starts with weight 1; each candidate in its order keeps
  ``weight x keep value`` (to 9 decimals, rounded up) and the weight is reduced by as much.
  What is left at the end of the ballot is the excess (non-transferable).
- Quota: the votes of all candidates divided by one more than the seats, truncated to 9
  decimals, plus 0.000000001 (NZ schedule 1A clause 5). It falls as votes are exhausted.
- Each hopeful candidate whose vote equals or exceeds the quota is elected.
- Iterate: each elected candidate's keep value becomes ``keep value x quota`` (rounded up)
  ``/ vote`` (rounded up), at most 1, until a candidate is elected, or the total surplus is
  below omega = 0.000001, or it stops falling (fixed-point arithmetic can go no further).
- Then the hopeful candidate with the lowest vote is excluded (keep value 0); ties are
  settled by the votes at the earliest stage where the candidates differed (as New Zealand's
  "ahead at first difference"), then by lot.
- The count ends when the places are filled or the hopeful candidates are no more than the
  places left, who are then elected.

Stages: the first preferences; then a "surplus" stage for each run of iterations that
redistributes the elected candidates' surpluses, and an "exclusion" stage for each
candidate excluded, whose totals are those after the iterations that follow the exclusion.
Each stage records the keep values.

Speed: a ballot only matters up to its first hopeful candidate (who keeps all that reaches
them), so ballots are grouped by the elected candidates they pass through before it and by
that candidate; each iteration walks this small tree, not the ballots, and a ballot moves
only when its candidate is elected or excluded.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from elections.count.base import ELECTED, EXCLUDED, HOPEFUL, Count, div_down, div_up, mul_up, units
from elections.count.ties import FORWARD
from elections.count.types import EXCLUSION, FIRST_PREFERENCES, SURPLUS, Ballots, Constraint, Result

PLACES = 9
OMEGA = Decimal("0.000001")
ONE = Decimal(1)
ZERO = Decimal(0)
EXHAUSTED = -1

Prefix = tuple[int, ...]


class MeekCount(Count):
    method = "meek"
    places = PLACES
    direction = FORWARD

    def __init__(self, ballots: Ballots, constraints: Sequence[Constraint], seed: int) -> None:
        super().__init__(ballots, constraints, seed)
        self.keep = [ONE if self.state[c] == HOPEFUL else ZERO for c in range(self.n)]
        self.prefix: list[Prefix] = [()] * len(self.groups)
        self.position = [0] * len(self.groups)
        self.holders: list[list[int]] = [[] for _ in range(self.n)]
        self.buckets: dict[tuple[Prefix, int], int] = {}
        for g, (weight, ranking) in enumerate(self.groups):
            self.place(g, (), 0, weight, ranking)
        self.surplus = ZERO
        self.converged = False
        self.iterations = 0

    # -- ballots ----------------------------------------------------------------------------

    def place(self, g: int, prefix: Prefix, pos: int, weight: int, ranking: Sequence[int]) -> None:
        """Walk ballot ``g`` from ``pos`` to its first hopeful candidate, noting the elected ones."""
        state = self.state
        end = len(ranking)
        while pos < end and state[ranking[pos]] != HOPEFUL:
            if state[ranking[pos]] == ELECTED:
                prefix = prefix + (ranking[pos],)
            pos += 1
        h = ranking[pos] if pos < end else EXHAUSTED
        self.prefix[g], self.position[g] = prefix, pos
        key = (prefix, h)
        self.buckets[key] = self.buckets.get(key, 0) + weight
        if h != EXHAUSTED:
            self.holders[h].append(g)

    def release(self, c: int) -> None:
        """Candidate ``c`` is no longer hopeful: move on the ballots that stopped at them."""
        groups, buckets = self.groups, self.buckets
        for g in self.holders[c]:
            weight, ranking = groups[g]
            prefix = self.prefix[g]
            key = (prefix, c)
            buckets[key] -= weight
            if not buckets[key]:
                del buckets[key]
            if self.state[c] == ELECTED:
                prefix = prefix + (c,)
            self.place(g, prefix, self.position[g] + 1, weight, ranking)
        self.holders[c] = []

    def elect(self, c: int, note: str = "") -> None:
        super().elect(c, note)
        self.release(c)

    def doom(self, c: int) -> None:
        super().doom(c)
        self.pending.remove(c)
        self.exclude(c)

    def exclude(self, c: int) -> None:
        assert self.stage is not None
        self.state[c] = EXCLUDED
        self.keep[c] = ZERO
        self.stage.excluded.append(self.names[c])
        self.release(c)

    # -- the count ---------------------------------------------------------------------------

    def distribute(self) -> None:
        """Every candidate's vote under the current keep values (see the module docstring)."""
        keep = self.keep
        weight_at: dict[Prefix, Decimal] = {(): ONE}
        through: dict[Prefix, int] = {}
        for (prefix, _), w in self.buckets.items():
            for i in range(1, len(prefix) + 1):
                p = prefix[:i]
                through[p] = through.get(p, 0) + w
        votes = [ZERO] * self.n
        for p in sorted(through, key=len):
            parent = weight_at[p[:-1]]
            e = p[-1]
            kept = mul_up(parent, keep[e], PLACES)
            weight_at[p] = parent - kept
            votes[e] += kept * through[p]
        for (prefix, h), w in self.buckets.items():
            if h != EXHAUSTED:
                votes[h] += weight_at[prefix] * w
        self.votes = votes

    def update_quota(self) -> None:
        total = sum(self.votes, ZERO)
        self.quota = div_down(total, self.seats + 1, PLACES) + units(PLACES)

    def total_surplus(self) -> Decimal:
        """The elected candidates' votes over the quota, summed, at least 0 (Reference Meek Rule).

        A candidate elected below the quota to meet a group's minimum (keep value 1, nothing to
        give) is left out: their shortfall is not a surplus of the others to be netted off.
        """
        q = self.quota
        short = [e for e in self.elected if self.keep[e] == ONE and self.votes[e] < q]
        return max(ZERO, sum((self.votes[e] - q for e in self.elected if e not in short), ZERO))

    def iterate(self) -> bool:
        """Iterate until a candidate is elected (True) or the surplus is spent (False)."""
        previous: Decimal | None = None
        self.iterations = 0
        while True:
            self.iterations += 1
            self.distribute()
            self.update_quota()
            before = len(self.elected)
            self.elect_qualified(lambda: self.quota)
            self.surplus = self.total_surplus()
            if len(self.elected) > before:
                self.converged = self.surplus < OMEGA
                return True
            if self.surplus < OMEGA or (previous is not None and self.surplus >= previous):
                self.converged = True
                return False
            previous = self.surplus
            for e in self.elected:
                if self.votes[e] > 0:
                    k = div_up(mul_up(self.keep[e], self.quota, PLACES), self.votes[e], PLACES)
                    self.keep[e] = min(k, ONE)

    def run(self) -> Result:
        self.begin(FIRST_PREFERENCES)
        self.distribute()
        self.update_quota()
        self.first_quota = self.quota
        self.settle()
        while not self.complete():
            if not self.converged:
                self.begin(SURPLUS)
            else:
                self.begin(EXCLUSION)
                hopeful = self.continuing()
                low = min(self.votes[c] for c in hopeful)
                c = self.choose([c for c in hopeful if self.votes[c] == low], lowest=True, kind="exclusion")
                assert c is not None
                self.exclude(c)
                assert self.stage is not None
                self.stage.subject, self.stage.subjects = self.names[c], [self.names[c]]
                self.apply_constraints()
            if not self.complete():
                elected = self.iterate()
                how = "a candidate reached the quota" if elected else f"the total surplus is {self.surplus:f}"
                self.stage_note(f"{self.iterations} iteration(s) of the keep values: {how}")
            else:
                self.distribute()
                self.update_quota()
            self.settle()
        return self.result()

    def complete(self) -> bool:
        return self.vacancies <= 0 or len(self.continuing()) <= self.vacancies

    def settle(self) -> None:
        assert self.stage is not None
        if self.stage.action == FIRST_PREFERENCES:
            self.elect_qualified(lambda: self.quota)
            self.surplus = self.total_surplus()
            self.converged = self.surplus < OMEGA
        changed = (len(self.elected), len(self.stage.excluded))
        self.apply_constraints()
        self.fill_last_places("")
        if (len(self.elected), len(self.stage.excluded)) != changed:
            self.distribute()  # show the votes as they now stand
            self.update_quota()
        self.points.record(f"stage {self.stage.number}", self.votes)
        self.stage.keep_values = {self.names[c]: self.keep[c].quantize(units(PLACES)) for c in range(self.n)}
        self.end()
