"""Small builders for count tests: ballots written as strings of one-letter candidates."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from elections.count import Ballots, Result, Stage


def make_ballots(seats: int, votes: Sequence[tuple[int, str]], names: str = "", title: str = "") -> Ballots:
    """``make_ballots(2, [(36, "A"), (8, "DC")])``: 36 ballots for A alone, 8 ranking D then C.

    The candidates are the letters in ``names`` (by default every letter used, in order).
    """
    letters = names or "".join(sorted({c for _, ranking in votes for c in ranking}))
    index = {c: i for i, c in enumerate(letters)}
    return Ballots(
        candidates=list(letters),
        seats=seats,
        votes=[(weight, tuple(index[c] for c in ranking)) for weight, ranking in votes],
        title=title,
    )


def totals(stage: Stage) -> dict[str, str]:
    """A stage's totals as strings, to compare with a hand-worked sheet."""
    return {name: f"{value:f}" for name, value in stage.totals.items()}


def stage_of(result: Result, number: int) -> Stage:
    stage = result.stages[number - 1]
    assert stage.number == number
    return stage


def d(text: str) -> Decimal:
    return Decimal(text)
