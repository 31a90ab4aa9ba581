"""Standing-order rules about a motion's own outcome: pure functions, no database."""

from __future__ import annotations

from collections.abc import Sequence

from .models import Outcome


def overall_outcome(part_outcomes: Sequence[str]) -> str:
    """A motion taken in parts: carried in all parts, carried in part, or lost."""
    if part_outcomes and all(o == Outcome.CARRIED for o in part_outcomes):
        return Outcome.CARRIED
    if any(o == Outcome.CARRIED for o in part_outcomes):
        return Outcome.CARRIED_IN_PART
    return Outcome.LOST
