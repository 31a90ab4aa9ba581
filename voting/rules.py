"""Majority rules: pure functions from counts to a declared result.

A motion is carried on a simple majority of those voting For or Against; abstentions
are counted and shown but are outside the base. Where two-thirds is needed, For must
be at least two-thirds of For + Against. A tie on a simple majority is lost unless
the conference gives the chair a casting vote, in which case it waits for the chair.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

CARRIED = "carried"
LOST = "lost"
TIE_AWAITING_CHAIR = "tie"  # only where the chair has a casting vote
NO_OUTCOME = ""  # live polls


@dataclass(frozen=True)
class Thresholds:
    """The standing orders' majorities: For must exceed ``simple`` of the base, or reach ``qualified``."""

    simple: Fraction = Fraction(1, 2)
    qualified: Fraction = Fraction(2, 3)


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class OptionCount:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Result:
    counts: list[OptionCount]
    majority: str
    outcome: str
    total: int  # all ballots, abstentions included
    base: int  # the ballots the majority is reckoned on
    base_label: str
    casting_vote: str = ""
    notes: list[str] = field(default_factory=list)

    def percent(self, count: int, of: int) -> float:
        return round(100 * count / of, 1) if of else 0.0

    def as_dict(self) -> dict[str, Any]:
        rows = []
        for c in self.counts:
            in_base = self.majority == "none" or c.key != "abstain"
            rows.append(
                {
                    "key": c.key,
                    "label": c.label,
                    "count": c.count,
                    # Percentages always say what they are of: the base, or all ballots.
                    "percent": self.percent(c.count, self.base if in_base else self.total),
                    "percent_of": self.base_label if in_base else "all ballots cast",
                }
            )
        return {
            "counts": rows,
            "majority": self.majority,
            "outcome": self.outcome,
            "total": self.total,
            "base": self.base,
            "base_label": self.base_label,
            "casting_vote": self.casting_vote,
        }


def decide(
    counts: list[OptionCount],
    majority: str,
    *,
    chair_casting_vote: bool = False,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    voters: int | None = None,
) -> Result:
    """``voters``: on a pick ballot, how many people voted; each option's share is of them
    (a representative picks several, so the picks add up to more than the people)."""
    if majority == "none":
        total = sum(c.count for c in counts)
        if voters is not None:
            return Result(counts, majority, NO_OUTCOME, voters, voters, "those who voted")
        return Result(counts, majority, NO_OUTCOME, total, total, "all ballots cast")

    by_key = {c.key: c.count for c in counts}
    votes_for, votes_against = by_key.get("for", 0), by_key.get("against", 0)
    total = sum(by_key.values())
    base = votes_for + votes_against
    label = "those voting for or against"

    if majority == "two_thirds":
        carried = base > 0 and Fraction(votes_for, base) >= thresholds.qualified
        return Result(counts, majority, CARRIED if carried else LOST, total, base, label)

    share = Fraction(votes_for, base) if base else Fraction(0)
    if share > thresholds.simple:
        outcome = CARRIED
    elif share < thresholds.simple or thresholds.simple != Fraction(1, 2):
        outcome = LOST  # only an exact half-and-half split is a tie
    elif base > 0 and chair_casting_vote:
        outcome = TIE_AWAITING_CHAIR
    else:
        outcome = LOST  # a tie (or no votes at all) does not carry a motion
    return Result(counts, majority, outcome, total, base, label)


def scale_summary(counts: list[OptionCount]) -> dict[str, float | None]:
    """A 1-to-N scale's mean and median answer (None when nobody answered)."""
    answers = [(int(c.key), c.count) for c in counts]
    total = sum(n for _, n in answers)
    if not total:
        return {"mean": None, "median": None}
    mean = sum(value * n for value, n in answers) / total

    def nth(k: int) -> int:  # the k-th answer (0-based) in order
        seen = 0
        for value, n in answers:
            seen += n
            if k < seen:
                return value
        return answers[-1][0]

    median = (nth((total - 1) // 2) + nth(total // 2)) / 2
    return {"mean": round(mean, 2), "median": median}
