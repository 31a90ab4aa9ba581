"""Exact counts of single transferable vote elections. Pure Python, no Django.

The public API, all of it::

    from elections.count import Ballots, Constraint, count, read_blt, write_blt

    ballots = Ballots(candidates=["Ada", "Bo", "Cy"], seats=1,
                      votes=[(4, (0, 1)), (3, (1,)), (2, (2, 1))])   # (weight, ranking by index)
    result = count(ballots, "scottish", constraints=[], seed=0)
    result.elected            # ["Bo"]
    result.stages[0].totals   # {"Ada": Decimal("4.00000"), ...}
    as_dict(result)           # the JSON result sheet; as_text(result) the printed one

- ``count(ballots, method="scottish", *, constraints=(), seed=0) -> Result``. ``method`` is
  one of ``METHODS``: "scottish" (the default: SSI 2007/42), "ers97" (the Electoral Reform
  Society's 1997 rules) or "meek" (New Zealand's Meek rules). One seat is the alternative vote.
- ``Ballots``: the candidates in ballot-paper order, the seats, ``(weight, ranking)`` pairs,
  withdrawn candidates, a title and the number of invalid ballots (reported only).
- ``Constraint(name, candidates, minimum=0, maximum=None)``: a group's fewest and most
  seats; a reserved seat is ``minimum=1``. See ``constraints.py`` for how they are applied.
- ``Result``: method, seats, valid, invalid, quota, candidates, withdrawn, stages
  (``Stage``: number, action, subject, transfer_value, totals, transfers,
  non_transferable, quota, elected, excluded, ties, notes, keep_values), elected, seed,
  ``ties``. Every figure is a ``Decimal`` at the rule set's precision (``Result.places``).
- ``read_blt(text)``, ``read_blt_file(path)``, ``write_blt(ballots)``: the BLT file.
- ``as_dict(result)``, ``as_text(result)``: the result sheet as JSON-ready data and as text.
- ``CountError`` (and ``BLTError``, which names the line): input that cannot be counted.

Ties are settled as each rule set says, looking back at earlier stages, then by a lot drawn
from ``random.Random(seed)``; the seed is on the result, so the count can be repeated. The
caller chooses the seed (draw it when the poll closes, and publish it with the result).
"""

from __future__ import annotations

from collections.abc import Sequence

from elections.count.base import Count
from elections.count.blt import BLTError, read_blt, read_blt_file, write_blt
from elections.count.ers97 import ERS97Count
from elections.count.meek import MeekCount
from elections.count.scottish import ScottishCount
from elections.count.sheet import as_dict, as_text
from elections.count.types import Ballots, Constraint, CountError, Result, Stage, Tie

METHODS: dict[str, type[Count]] = {"scottish": ScottishCount, "ers97": ERS97Count, "meek": MeekCount}

__all__ = [
    "METHODS",
    "BLTError",
    "Ballots",
    "Constraint",
    "CountError",
    "Result",
    "Stage",
    "Tie",
    "as_dict",
    "as_text",
    "count",
    "read_blt",
    "read_blt_file",
    "write_blt",
]


def count(
    ballots: Ballots, method: str = "scottish", *, constraints: Sequence[Constraint] = (), seed: int = 0
) -> Result:
    """Count ``ballots`` by ``method`` and return the whole result sheet."""
    try:
        counter = METHODS[method]
    except KeyError:
        raise CountError(f"no counting method {method!r}: choose one of {', '.join(METHODS)}") from None
    return counter(ballots, constraints, seed).run()
