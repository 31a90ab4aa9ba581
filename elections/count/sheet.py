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


def _describe(stage: Stage) -> str:
    if stage.action == "first preferences":
        return "First preferences"
    who = ", ".join(stage.subjects) if stage.subjects else "the elected candidates"
    if stage.action == "surplus":
        return f"Surplus of {who}" if stage.subjects else "Surpluses of the elected candidates"
    return f"Exclusion of {who}"


def as_text(result: Result) -> str:
    """A stage table, candidates down the side and stages across, then the notes."""
    places = result.places
    lines = [
        result.title or "Election",
        f"Method: {METHOD_NAMES.get(result.method, result.method)}",
        f"Seats: {result.seats}   Valid ballots: {result.valid}   Invalid: {result.invalid}   "
        f"Quota: {_d(result.quota, places)}",
    ]
    if result.withdrawn:
        lines.append(f"Withdrawn: {', '.join(result.withdrawn)}")
    lines.append("")
    header = ["Stage"] + [str(s.number) for s in result.stages]
    action = [""] + [_describe(s) for s in result.stages]
    tv = ["Transfer value"] + [_d(s.transfer_value, places) or "" for s in result.stages]
    rows = [header, action, tv]
    for name in result.candidates:
        row = [name]
        for s in result.stages:
            mark = " E" if name in s.elected else (" X" if name in s.excluded else "")
            row.append(f"{_d(s.totals[name], places)}{mark}")
        rows.append(row)
    rows.append(["Non-transferable"] + [_d(s.non_transferable, places) or "" for s in result.stages])
    rows.append(["Quota"] + [_d(s.quota, places) or "" for s in result.stages])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        lines.append("  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(r)))
    lines.append("")
    lines.append("E: elected at that stage   X: excluded at that stage")
    lines.append(f"Elected: {', '.join(result.elected)}")
    for s in result.stages:
        for t in s.ties:
            lines.append(
                f"Stage {s.number}: tie ({t.kind}) between {', '.join(t.candidates)}: "
                f"{t.chosen} chosen by {t.settled_by}"
            )
        for note in s.notes:
            lines.append(f"Stage {s.number}: {note}")
    if result.ties and any(t.settled_by == "lot" for t in result.ties):
        lines.append(f"Lots drawn with seed {result.seed}")
    return "\n".join(lines) + "\n"
