"""The result sheet: as JSON-ready data (the ``count_election --format json`` output) and as text.

Decimals are strings with exactly the rule set's decimal places (Scottish 5, ERS97 2, Meek 9).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from elections.count.types import Result, Stage, Tie

METHOD_NAMES = {
    "scottish": "Scottish STV (SSI 2007/42)",
    "ers97": "ERS97 (Electoral Reform Society, 1997)",
    "meek": "Meek STV (New Zealand rules, 9 decimals)",
}


def _d(value: Decimal | None, places: int) -> str | None:
    return None if value is None else f"{value.quantize(Decimal(1).scaleb(-places)):f}"


def _tie(tie: Tie) -> dict[str, Any]:
    return {
        "stage": tie.stage,
        "kind": tie.kind,
        "candidates": list(tie.candidates),
        "chosen": tie.chosen,
        "settled_by": tie.settled_by,
    }


def _stage(stage: Stage, places: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": stage.number,
        "action": stage.action,
        "subject": stage.subject,
        "transfer_value": _d(stage.transfer_value, places),
        "totals": {name: _d(v, places) for name, v in stage.totals.items()},
        "non_transferable": _d(stage.non_transferable, places),
        "elected": list(stage.elected),
        "excluded": list(stage.excluded),
        "subjects": list(stage.subjects),
        "transfers": {name: _d(v, places) for name, v in stage.transfers.items()},
        "quota": _d(stage.quota, places),
        "ties": [_tie(t) for t in stage.ties],
        "notes": list(stage.notes),
    }
    if stage.keep_values is not None:
        data["keep_values"] = {name: _d(v, places) for name, v in stage.keep_values.items()}
    return data


def as_dict(result: Result) -> dict[str, Any]:
    """The issue's JSON shape, then extra keys: title, seed, withdrawn, ties, constraints."""
    return {
        "method": result.method,
        "seats": result.seats,
        "valid": result.valid,
        "invalid": result.invalid,
        "quota": _d(result.quota, result.places),
        "candidates": list(result.candidates),
        "stages": [_stage(s, result.places) for s in result.stages],
        "elected": list(result.elected),
        "title": result.title,
        "seed": result.seed,
        "withdrawn": list(result.withdrawn),
        "ties": [_tie(t) for t in result.ties],
        "constraints": [
            {"name": c.name, "candidates": sorted(c.candidates), "minimum": c.minimum, "maximum": c.maximum}
            for c in result.constraints
        ],
    }


def describe(stage: Stage, places: int) -> str:
    """ "First preferences", "Surplus of A (transfer value 0.25000)", "Exclusion of B, C"."""
    if stage.action == "first preferences":
        return "First preferences"
    if stage.action == "surplus":
        if not stage.subjects:
            return "Surpluses of the elected candidates (keep values recalculated)"
        text = f"Surplus of {', '.join(stage.subjects)}"
        if stage.transfer_value is not None:
            text += f" (transfer value {_d(stage.transfer_value, places)})"
        return text
    return f"Exclusion of {', '.join(stage.subjects)}"


def as_text(result: Result) -> str:
    """The stages listed, then a table with a column per stage, then the elected, ties and notes."""
    places = result.places
    lines = [
        result.title or "Election",
        f"Method: {METHOD_NAMES.get(result.method, result.method)}",
        f"Seats: {result.seats}   Valid ballots: {result.valid}   Invalid: {result.invalid}   "
        f"Quota: {_d(result.quota, places)}",
    ]
    if result.withdrawn:
        lines.append(f"Withdrawn: {', '.join(result.withdrawn)}")
    for c in result.constraints:
        bounds = [f"at least {c.minimum}"] if c.minimum else []
        bounds += [f"at most {c.maximum}"] if c.maximum is not None else []
        lines.append(f"Constraint {c.name!r} ({', '.join(sorted(c.candidates))}): {' and '.join(bounds)}")
    lines.append("")
    lines.extend(f"Stage {s.number}: {describe(s, places)}" for s in result.stages)
    lines.append("")
    rows = [["Candidate"] + [f"Stage {s.number}" for s in result.stages]]
    for name in result.candidates:
        row = [name]
        for s in result.stages:
            mark = " E" if name in s.elected else (" X" if name in s.excluded else "  ")
            row.append(f"{_d(s.totals[name], places)}{mark}")
        rows.append(row)
    rows.append(["Non-transferable"] + [f"{_d(s.non_transferable, places)}  " for s in result.stages])
    rows.append(["Quota"] + [f"{_d(s.quota, places)}  " for s in result.stages])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        cells = [cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
    lines.append("(E elected, X excluded at that stage)")
    lines.append("")
    lines.append(f"Elected: {', '.join(result.elected)}")
    for s in result.stages:
        for t in s.ties:
            lines.append(
                f"Stage {s.number}: {', '.join(t.candidates)} were level ({t.kind}); "
                f"{t.chosen} chosen by {t.settled_by}"
            )
        for note in s.notes:
            lines.append(f"Stage {s.number}: {note}")
    if any(t.settled_by == "lot" for t in result.ties):
        lines.append(f"Lots drawn with seed {result.seed}")
    return "\n".join(lines) + "\n"
