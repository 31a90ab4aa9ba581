"""What every count shares: checking the ballots, the candidates' states, the stages, the ties,
the constraints, and (for the counts that move papers) the papers themselves.

Identical ballots are grouped once. A paper is ``(group, position)``: the ballot group and the
position in its ranking of the candidate it now counts for; a candidate's papers are kept in
parcels of one value each, so a transfer computes one value per parcel and only moves indices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_DOWN, ROUND_UP, Context, Decimal

from elections.count.constraints import Constraints
from elections.count.ties import Points, TieBreaker
from elections.count.types import FIRST_PREFERENCES, Ballots, Constraint, CountError, Result, Stage, Tie

HOPEFUL, ELECTED, EXCLUDED, WITHDRAWN = range(4)

# Enough digits that truncating (or rounding up) a quotient first to 80 significant digits and
# then to the rule's decimal places gives exactly the truncation (rounding up) of the true value.
_DOWN = Context(prec=80, rounding=ROUND_DOWN)
_UP = Context(prec=80, rounding=ROUND_UP)

Paper = tuple[int, int]


def units(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def div_down(a: Decimal | int, b: Decimal | int, places: int) -> Decimal:
    """a / b truncated ("any remainder being ignored") to ``places`` decimals; a, b >= 0."""
    return _DOWN.divide(Decimal(a), Decimal(b)).quantize(units(places), rounding=ROUND_DOWN)


def div_up(a: Decimal | int, b: Decimal | int, places: int) -> Decimal:
    """a / b rounded up to ``places`` decimals; a, b >= 0."""
    return _UP.divide(Decimal(a), Decimal(b)).quantize(units(places), rounding=ROUND_UP)


def mul_up(a: Decimal, b: Decimal, places: int) -> Decimal:
    return _UP.multiply(a, b).quantize(units(places), rounding=ROUND_UP)


class Parcel:
    """Papers of one value that a candidate received in one transfer (a "batch" in ERS97)."""

    __slots__ = ("value", "papers", "weight")

    def __init__(self, value: Decimal, papers: list[Paper], weight: int) -> None:
        self.value = value
        self.papers = papers
        self.weight = weight


def check_ballots(ballots: Ballots) -> list[tuple[int, tuple[int, ...]]]:
    """The ballot groups to count (withdrawn candidates dropped, identical rankings merged)."""
    _check_candidates(ballots)
    same: dict[tuple[int, ...], int] = {}
    for weight, ranking in ballots.votes:
        if not isinstance(weight, int) or weight < 0:
            raise CountError(f"a ballot weight must be a whole number, not {weight!r}")
        key = tuple(ranking)
        same[key] = same.get(key, 0) + weight
    candidates = frozenset(range(len(ballots.candidates)))
    withdrawn = ballots.withdrawn
    merged: dict[tuple[int, ...], int] = {}
    for ranking, weight in same.items():
        ranked = set(ranking)
        if len(ranked) != len(ranking):
            raise CountError(f"a ballot ranks a candidate twice: {list(ranking)}")
        if not ranked <= candidates or not all(isinstance(c, int) for c in ranking):
            raise CountError(f"a ballot ranks no such candidate: {list(ranking)}")
        key = tuple(c for c in ranking if c not in withdrawn) if withdrawn else ranking
        if weight and key:
            merged[key] = merged.get(key, 0) + weight
    return [(w, k) for k, w in merged.items()]


def _check_candidates(ballots: Ballots) -> None:
    n = len(ballots.candidates)
    if len(set(ballots.candidates)) != n:
        raise CountError("two candidates have the same name")
    if ballots.seats < 1:
        raise CountError("there must be at least one seat")
    if any(not 0 <= c < n for c in ballots.withdrawn):
        raise CountError("a withdrawn candidate is not on the ballot")
    standing = n - len(ballots.withdrawn)
    if ballots.seats > standing:
        raise CountError(f"{ballots.seats} seats but only {standing} candidates standing")


class Count:
    """The state of a count in progress; each method subclasses it and supplies ``run``."""

    method = ""
    places = 0
    direction = ""

    def __init__(self, ballots: Ballots, constraints: Sequence[Constraint], seed: int) -> None:
        self.groups = check_ballots(ballots)
        self.ballots = ballots
        self.names = list(ballots.candidates)
        self.n = len(self.names)
        self.seats = ballots.seats
        self.valid = sum(w for w, _ in self.groups)
        self.dropped = sum(w for w, r in ballots.votes) - self.valid  # ranked only withdrawn candidates
        self.state = [WITHDRAWN if c in ballots.withdrawn else HOPEFUL for c in range(self.n)]
        self.votes = [Decimal(0)] * self.n
        self.elected: list[int] = []
        self.stages: list[Stage] = []
        self.points = Points()
        self.ties = TieBreaker(self.names, seed, self.direction)
        self.seed = seed
        self.constraints = Constraints(constraints, self.names, self.seats)
        if self.constraints:
            self.constraints.check(self.continuing(), self.seats)
        self.pending: list[int] = []  # doomed by a constraint, papers not yet transferred
        self.quota = Decimal(0)
        self.first_quota = Decimal(0)
        self.stage: Stage | None = None
        self._before: list[Decimal] = []

    # -- states ---------------------------------------------------------------------------

    def continuing(self) -> list[int]:
        return [c for c in range(self.n) if self.state[c] == HOPEFUL]

    @property
    def vacancies(self) -> int:
        return self.seats - len(self.elected)

    def elect(self, c: int, note: str = "") -> None:
        assert self.stage is not None
        self.state[c] = ELECTED
        self.elected.append(c)
        self.stage.elected.append(self.names[c])
        if note:
            self.stage_note(note)

    def non_transferable(self) -> Decimal:
        return Decimal(self.valid) - sum(self.votes, Decimal(0))

    # -- stages ---------------------------------------------------------------------------

    def begin(self, action: str, subjects: Sequence[int] = (), transfer_value: Decimal | None = None) -> Stage:
        names = [self.names[c] for c in subjects]
        self._before = list(self.votes)
        self.stage = Stage(
            number=len(self.stages) + 1,
            action=action,
            subject=names[0] if len(names) == 1 else None,
            subjects=names,
            transfer_value=transfer_value,
            totals={},
            transfers={},
            non_transferable=Decimal(0),
            quota=self.quota,
        )
        return self.stage

    def reopen(self) -> Stage:
        """Take the last stage back in hand, to add what happened at its end (ERS97 5.5.1)."""
        self.stage = self.stages.pop()
        return self.stage

    def end(self) -> None:
        stage = self.stage
        assert stage is not None
        q = units(self.places)
        stage.totals = {self.names[c]: self.votes[c].quantize(q) for c in range(self.n)}
        if stage.action != FIRST_PREFERENCES:
            stage.transfers = {self.names[c]: (self.votes[c] - self._before[c]).quantize(q) for c in range(self.n)}
        stage.non_transferable = self.non_transferable().quantize(q)
        stage.quota = self.quota.quantize(q)
        self.stages.append(stage)
        self.stage = None

    def choose(self, tied: Sequence[int], *, lowest: bool, kind: str, lot: bool = True) -> int | None:
        """Settle a tie at the stage in progress, and record it there."""
        assert self.stage is not None
        chosen, tie = self.pick(tied, lowest=lowest, kind=kind, lot=lot, stage=self.stage.number)
        if tie is not None:
            self.stage.ties.append(tie)
        return chosen

    def pick(
        self, tied: Sequence[int], *, lowest: bool, kind: str, lot: bool = True, stage: int | None = None
    ) -> tuple[int | None, Tie | None]:
        """Settle a tie for the next stage (by default), leaving the caller to record it."""
        number = len(self.stages) + 1 if stage is None else stage
        return self.ties.choose(tied, self.points, lowest=lowest, stage=number, kind=kind, lot=lot)

    def lowest(self, candidates: Sequence[int]) -> int:
        low = min(self.votes[c] for c in candidates)
        chosen = self.choose([c for c in candidates if self.votes[c] == low], lowest=True, kind="exclusion")
        assert chosen is not None
        return chosen

    # -- elections and constraints --------------------------------------------------------

    def elect_qualified(self, threshold: Callable[[], Decimal], *, lot: bool = True) -> None:
        """Deem elected, highest vote first, every continuing candidate at or above ``threshold()``.

        The threshold is asked again after each election (ERS97's falls as places fill). When
        more are level than there are places, the tie rule orders them; with ``lot=False``
        (ERS97 5.6.2) a tie that no earlier point settles elects none of them at this stage.
        The constraints are applied first: a doomed candidate is never elected on the quota.
        """
        self.apply_constraints()
        while self.vacancies > 0:
            bar = threshold()
            qualified = [c for c in self.continuing() if self.votes[c] >= bar and self.votes[c] > 0]
            if not qualified:
                return
            top = max(self.votes[c] for c in qualified)
            level = [c for c in qualified if self.votes[c] == top]
            if len(level) > 1 and (len(qualified) > self.vacancies or self.constraints):
                chosen = self.choose(level, lowest=False, kind="election", lot=lot)
                if chosen is None and len(level) <= self.vacancies and self.electable_together(level):
                    for c in level:
                        self.elect(c)
                    self.apply_constraints()
                    continue
                if chosen is None and self.constraints:
                    # the places are there but the constraints allow only some of them
                    chosen = self.choose(level, lowest=False, kind="election")
                if chosen is None:
                    self.stage_note(f"{', '.join(self.names[c] for c in level)}: level at every point, none elected")
                    return
            else:
                chosen = level[0]
            self.elect(chosen)
            self.apply_constraints()

    def electable_together(self, candidates: Sequence[int]) -> bool:
        if not self.constraints:
            return True
        rest = [c for c in self.continuing() if c not in candidates]
        return self.constraints.feasible([*self.elected, *candidates], rest, self.vacancies - len(candidates))

    def apply_constraints(self) -> None:
        """Doom and guard (see constraints.py) until nothing changes."""
        if not self.constraints:
            return
        while self.vacancies > 0:
            doomed, guarded = self.constraints.review(self.elected, self.continuing(), self.vacancies)
            if not doomed and not guarded:
                return
            for c in sorted(doomed, key=lambda c: (self.votes[c], c)):
                self.doom(c)
            for c in sorted(guarded, key=lambda c: (-self.votes[c], c)):
                self.elect(c, f"{self.names[c]} elected: {self.why_guarded(c)}")

    def doom(self, c: int) -> None:
        self.state[c] = EXCLUDED
        self.pending.append(c)
        self.stage_note(f"{self.names[c]} excluded: {self.why_doomed(c)}")

    def why_doomed(self, c: int) -> str:
        constraints, membership = self.constraints.constraints, self.constraints.membership
        seated = [sum(g in membership[e] for e in self.elected) for g in range(len(constraints))]
        full = [
            x.name
            for g, x in enumerate(constraints)
            if g in membership[c] and x.maximum is not None and seated[g] >= x.maximum
        ]
        if full:
            return "electing them would exceed the maximum of " + " and ".join(repr(n) for n in full)
        short = [x.name for g, x in enumerate(constraints) if g not in membership[c] and seated[g] < x.minimum]
        if short:
            return "the places left are needed for the minimum of " + " and ".join(repr(n) for n in short)
        return "electing them would leave the constraints impossible to meet"

    def why_guarded(self, c: int) -> str:
        constraints, membership = self.constraints.constraints, self.constraints.membership
        names = [x.name for g, x in enumerate(constraints) if g in membership[c] and x.minimum]
        if names:
            return "needed to meet the minimum of " + " and ".join(repr(n) for n in names)
        return "the places left cannot be filled within the groups' maximums without them"

    def stage_note(self, note: str) -> None:
        assert self.stage is not None
        if note not in self.stage.notes:
            self.stage.notes.append(note)

    def fill_last_places(self, note: str) -> bool:
        """When no more continue than there are places, they are all elected. True if it did."""
        continuing = self.continuing()
        if self.vacancies <= 0 or len(continuing) > self.vacancies:
            return False
        for c in sorted(continuing, key=lambda c: (-self.votes[c], c)):
            self.elect(c, note)
        return True

    # -- papers ---------------------------------------------------------------------------

    def first_preferences(self) -> list[list[Parcel]]:
        papers: list[list[Paper]] = [[] for _ in range(self.n)]
        weights = [0] * self.n
        for g, (weight, ranking) in enumerate(self.groups):
            papers[ranking[0]].append((g, 0))
            weights[ranking[0]] += weight
        piles: list[list[Parcel]] = [[] for _ in range(self.n)]
        for c in range(self.n):
            self.votes[c] = Decimal(weights[c])
            if papers[c]:
                piles[c].append(Parcel(Decimal(1), papers[c], weights[c]))
        return piles

    def sort_papers(self, papers: list[Paper]) -> tuple[dict[int, list[Paper]], dict[int, int], int]:
        """Sort papers to their next available preference for a continuing candidate."""
        groups, state = self.groups, self.state
        to: dict[int, list[Paper]] = {}
        weight: dict[int, int] = {}
        exhausted = 0
        for g, pos in papers:
            w, ranking = groups[g]
            pos += 1
            end = len(ranking)
            while pos < end and state[ranking[pos]] != HOPEFUL:
                pos += 1
            if pos == end:
                exhausted += w
                continue
            c = ranking[pos]
            if c in to:
                to[c].append((g, pos))
                weight[c] += w
            else:
                to[c] = [(g, pos)]
                weight[c] = w
        return to, weight, exhausted

    def result(self) -> Result:
        q = units(self.places)
        return Result(
            method=self.method,
            seats=self.seats,
            valid=self.valid,
            invalid=self.ballots.invalid + self.dropped,
            quota=self.first_quota.quantize(q),
            places=self.places,
            candidates=self.names,
            withdrawn=[self.names[c] for c in sorted(self.ballots.withdrawn)],
            stages=self.stages,
            elected=[self.names[c] for c in self.elected],
            seed=self.seed,
            title=self.ballots.title,
            constraints=list(self.constraints.constraints),
        )

    def run(self) -> Result:
        raise NotImplementedError
