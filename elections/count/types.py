"""The values a count takes and gives: the ballots, the constraints, the result sheet."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

FIRST_PREFERENCES = "first preferences"
SURPLUS = "surplus"
EXCLUSION = "exclusion"


class CountError(ValueError):
    """The ballots or the constraints cannot be counted (say why, in the hall's words)."""


@dataclass(frozen=True)
class Ballots:
    """What is counted: the candidates in ballot-paper (file) order and the ranked ballots.

    ``votes`` holds ``(weight, ranking)`` pairs: ``weight`` identical ballots, each ranking the
    candidates by their 0-based index in ``candidates``, first preference first. ``withdrawn``
    candidates are passed over wherever they are ranked. ``invalid`` is only reported.
    """

    candidates: Sequence[str]
    seats: int
    votes: Sequence[tuple[int, Sequence[int]]]
    withdrawn: frozenset[int] = frozenset()
    title: str = ""
    invalid: int = 0


@dataclass(frozen=True)
class Constraint:
    """A group of candidates with a least and a most number of seats.

    ``Constraint("new members", {"Ada", "Bo"}, minimum=1)`` reserves a seat for a candidate
    who has not sat before; ``Constraint("GPs in training", {...}, maximum=2)`` caps a group.
    """

    name: str
    candidates: Collection[str]
    minimum: int = 0
    maximum: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "candidates", frozenset(self.candidates))


@dataclass(frozen=True)
class Tie:
    """A tie met during the count and how it was settled.

    ``kind`` is "surplus" (whose surplus goes first), "exclusion" (who is excluded) or
    "election" (who takes the last places); ``settled_by`` is "stage N" (the earlier stage,
    or point in the count, that told them apart) or "lot".
    """

    stage: int
    kind: str
    candidates: tuple[str, ...]
    chosen: str
    settled_by: str


@dataclass
class Stage:
    """One stage of the count, as the result sheet prints it.

    ``totals`` are each candidate's votes at the end of the stage, ``transfers`` the change
    during it; ``non_transferable`` is the running total of votes set aside (exhausted papers
    and the fractions the rules drop); ``quota`` the quota at the end of the stage (ERS97 and
    Meek lower it as votes are set aside). ``transfer_value`` is given for a surplus: for
    Scottish STV the value of a paper worth 1 (a paper worth v moves at v times as much,
    truncated, rule 48(3)); for ERS97 the value of every paper of the last parcel; for Meek
    None (the keep values are in ``keep_values``). For an exclusion of several candidates at
    once (ERS97) ``subject`` is None and ``subjects`` names them all, lowest first.
    ``notes`` explain what the rules or the constraints did (a candidate doomed or guarded,
    Meek's iterations).
    """

    number: int
    action: str
    subject: str | None
    subjects: list[str]
    transfer_value: Decimal | None
    totals: dict[str, Decimal]
    transfers: dict[str, Decimal]
    non_transferable: Decimal
    quota: Decimal
    elected: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    keep_values: dict[str, Decimal] | None = None


@dataclass
class Result:
    """The whole result sheet. ``elected`` is in the order of election; ``seed`` repeats any lot."""

    method: str
    seats: int
    valid: int
    invalid: int
    quota: Decimal
    places: int
    candidates: list[str]
    withdrawn: list[str]
    stages: list[Stage]
    elected: list[str]
    seed: int
    title: str = ""
    constraints: list[Constraint] = field(default_factory=list)

    @property
    def ties(self) -> list[Tie]:
        return [tie for stage in self.stages for tie in stage.ties]
