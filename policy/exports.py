"""The policy book out: an entry as JSON, search results as CSV a spreadsheet can open safely.

The CSV has the columns of the documented import (``imports.EXPORT_COLUMNS``), so an
export imports back unchanged. Every cell that begins with = + - @, a tab or a carriage
return is written with an apostrophe before it, so that a spreadsheet shows it as text
instead of running it as a formula; the import takes the apostrophe off again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from .imports import EXPORT_COLUMNS, FORMULA_START
from .models import PolicyEntry

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""


def entry_record(entry: PolicyEntry, url: str) -> dict[str, Any]:
    """One entry as plain data: the CSV's row and the JSON's object."""
    return {
        "reference": entry.reference,
        "body": entry.body.code,
        "conference": entry.conference_name,
        "year": entry.year,
        "date": _iso(entry.date),
        "motion": entry.motion_number,
        "part": entry.part,
        "section": entry.section,
        "proposer": entry.proposer,
        "title": entry.title,
        "wording": entry.wording,
        "tabled_wording": entry.tabled_wording,
        "outcome": entry.outcome,
        "for": entry.votes_for,
        "against": entry.votes_against,
        "abstain": entry.votes_abstain,
        "percent_for": entry.percent_for,
        "percent_against": entry.percent_against,
        "percent_abstain": entry.percent_abstain,
        "status": entry.status,
        "superseded_by": entry.superseded_by.reference if entry.superseded_by_id and entry.superseded_by else "",
        "reaffirmed_by": entry.reaffirmed_by.reference if entry.reaffirmed_by_id and entry.reaffirmed_by else "",
        "last_affirmed": _iso(entry.last_affirmed),
        "url": url,
    }


def entries_csv(entries: Iterable[PolicyEntry], url_of: Callable[[PolicyEntry], str]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for entry in entries:
        record = entry_record(entry, url_of(entry))
        writer.writerow([safe_cell(record[column]) for column in EXPORT_COLUMNS])
    # With a byte-order mark, as the desk's exports: Excel then reads the UTF-8 right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")
