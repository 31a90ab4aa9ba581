"""The result sheet as a table: a row per candidate, a column per stage (for pages and the PDF)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass
class Cell:
    text: str
    mark: str = ""  # "elected" or "excluded" at this stage
    transfer: str = ""  # the change during the stage, signed ("+8.14832", "-71.00000"); "" when none


@dataclass
class Table:
    heads: list[str]  # "Stage 1: first preferences", ...
    actions: list[str]
    transfer_values: list[str]
    rows: list[tuple[str, bool, list[Cell]]]  # (candidate, elected in the end, cells)
    non_transferable: list[str]
    quotas: list[str]
    ties: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    non_transferable_transfers: list[str] = field(default_factory=list)  # signed, "" when none


def action_text(stage: dict[str, Any]) -> str:
    if stage["action"] == "first preferences":
        return "First preferences"
    subjects = ", ".join(stage.get("subjects") or ([stage["subject"]] if stage.get("subject") else []))
    if stage["action"] == "surplus":
        return f"Surplus of {subjects}" if subjects else "Surpluses (keep values recalculated)"
    return f"Exclusion of {subjects}"


def signed(value: str | None) -> str:
    """A transfer as the sheet prints it: "+1.50000", "-51.00000", or "" for none (or zero)."""
    if not value:
        return ""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if number == 0:
        return ""
    return value if number < 0 else f"+{value}"


def _difference(now: str | None, before: str | None) -> str:
    """The change of a running total (the non-transferable papers), at the same decimal places."""
    if not now or before is None:
        return ""
    try:
        change = Decimal(now) - Decimal(before)
    except InvalidOperation:
        return ""
    return signed(f"{change:f}")


def table(sheet: dict[str, Any]) -> Table:
    stages = sheet["stages"]
    rows = []
    for name in sheet["candidates"]:
        cells = []
        for s in stages:
            mark = "elected" if name in s["elected"] else "excluded" if name in s["excluded"] else ""
            transfer = "" if s["number"] == 1 else signed((s.get("transfers") or {}).get(name))
            cells.append(Cell(s["totals"].get(name) or "", mark, transfer))
        rows.append((name, name in sheet["elected"], cells))
    ties = [
        f"Stage {t['stage']}: {', '.join(t['candidates'])} were level ({t['kind']}); "
        f"{t['chosen']} chosen by {t['settled_by']}"
        for t in sheet.get("ties", [])
    ]
    notes = [f"Stage {s['number']}: {n}" for s in stages for n in s.get("notes", [])]
    previous: list[str | None] = [None] + [s["non_transferable"] for s in stages[:-1]]
    return Table(
        heads=[f"Stage {s['number']}" for s in stages],
        actions=[action_text(s) for s in stages],
        transfer_values=[s.get("transfer_value") or "" for s in stages],
        rows=rows,
        non_transferable=[s["non_transferable"] for s in stages],
        quotas=[s["quota"] for s in stages],
        ties=ties,
        notes=notes,
        non_transferable_transfers=[
            _difference(s["non_transferable"], before) for s, before in zip(stages, previous, strict=True)
        ],
    )
