"""Past conferences into the book: read and check a whole file before anything is written.

Three kinds (docs/policy.md describes each):

- ``resolutions-json``: the resolutions JSON this platform publishes (optionally with the
  results JSON beside it, for the counts);
- ``resolutions-csv``: the resolutions CSV this platform publishes;
- ``policy-csv``: a body's older records, one entry a row, in the columns the policy
  book's own CSV export writes (so an export imports back unchanged).

``check_import`` returns a report with every problem against its row (row 1 is a CSV's
header, as in a spreadsheet; in the JSON, row N is the file's Nth motion) and the rows
ready to write; ``actions.apply_import`` writes only a report that has no problem.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motions.models import Outcome

from .models import EntryOutcome, EntryStatus, PolicyBody, PolicyEntry, clean_text, make_reference
from .records import EntryRow, Where, add_counts, motions_from_resolutions, rows_from_motions

KINDS = ("resolutions-json", "resolutions-csv", "policy-csv")
MAX_ROWS = 20_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[A-Z]{0,3}\d{1,5}$")
PART = re.compile(r"^([ivxlc]+|[a-z]|\d{1,2})$")

RESOLUTIONS_COLUMNS = (["section", "motion", "part", "title", "text", "proposer", "outcome"],
                       ["wording", "tabled_text", "for", "against", "abstain"])  # fmt: skip
POLICY_COLUMNS = (
    ["year", "motion", "title", "wording", "outcome"],
    [
        "reference", "body", "conference", "date", "part", "section", "proposer", "tabled_wording",
        "for", "against", "abstain", "percent_for", "percent_against", "percent_abstain",
        "status", "superseded_by", "reaffirmed_by", "last_affirmed", "url",
    ],
)  # fmt: skip
# The order the policy book's CSV export writes them in.
EXPORT_COLUMNS = [
    "reference", "body", "conference", "year", "date", "motion", "part", "section", "proposer", "title",
    "wording", "tabled_wording", "outcome", "for", "against", "abstain", "percent_for", "percent_against",
    "percent_abstain", "status", "superseded_by", "reaffirmed_by", "last_affirmed", "url",
]  # fmt: skip


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    rows: list[EntryRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # The file row each entry came from, for problems found once all rows are read.
    origin: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(row, column, message))


# --- Cells -------------------------------------------------------------------------------


def uncell(value: str) -> str:
    """A cell as written by a formula-safe export: "'=x" was the text "=x"."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def looks_like_formula(cell: str) -> bool:
    """A cell a spreadsheet would have run as a formula (a negative number is just that)."""
    if cell[:1] in ("=", "+", "@"):
        return True
    return cell.startswith("-") and not cell[1:].replace(".", "", 1).isdigit()


def parse_date(value: str) -> datetime.date | None:
    """ISO (2019-11-14) or as a UK spreadsheet writes it (14/11/2019)."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def _count(value: str) -> int | None | bool:
    """A count cell: None if empty, False if not a whole number from 0."""
    if not value:
        return None
    return int(value) if value.isdigit() and len(value) < 8 else False


def _percent(value: str) -> Decimal | None | bool:
    if not value:
        return None
    try:
        number = Decimal(value.rstrip("%").strip())
    except InvalidOperation:
        return False
    return number.quantize(Decimal("0.1")) if 0 <= number <= 100 else False


def _choice(value: str, choices: list[tuple[str, Any]]) -> str | None:
    """A value by its value or its label, in any case, with spaces or underscores."""
    wanted = value.strip().lower().replace(" ", "_")
    for choice, label in choices:
        if wanted in (choice, str(label).lower().replace(" ", "_")):
            return choice
    return None


def _table(content: bytes, report: ImportReport) -> list[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.add(
            0,
            "",
            _("The file is not UTF-8 text (a bad byte at position %(pos)s). Save it as “CSV UTF-8”.")
            % {"pos": exc.start},
        )
        return []
    try:
        return [(n, [c.strip() for c in row]) for n, row in enumerate(csv.reader(io.StringIO(text, newline="")), 1)]
    except csv.Error as exc:
        report.add(0, "", _("The file is not a CSV file: %(e)s") % {"e": exc})
        return []


def _records(
    content: bytes, columns: tuple[list[str], list[str]], report: ImportReport, strict: bool
) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: cell}) of every non-blank row; a bad header stops here."""
    table = _table(content, report)
    if not table:
        if report.ok:
            report.add(1, "", _("The file is empty."))
        return []
    required, optional = columns
    header = [h.lower().replace(" ", "_") for h in table[0][1]]
    while header and not header[-1]:
        header.pop()
    expected = ", ".join(required + optional)
    for name in [c for c in required if c not in header]:
        report.add(1, name, _("The column “%(c)s” is missing (expected: %(e)s).") % {"c": name, "e": expected})
    for name in [h for h in header if h not in required + optional] if strict else []:
        report.add(1, name, _("Unknown column “%(c)s” (expected: %(e)s).") % {"c": name, "e": expected})
    for name in [h for h, n in Counter(header).items() if n > 1]:
        report.add(1, name, _("The column “%(c)s” appears twice.") % {"c": name})
    if not report.ok:
        return []
    return _rows(table[1:], header, report)


def _rows(
    table: list[tuple[int, list[str]]], header: list[str], report: ImportReport
) -> list[tuple[int, dict[str, str]]]:
    records = []
    for number, cells in table:
        if not any(cells):
            continue
        if len(cells) > len(header) and any(cells[len(header) :]):
            report.add(number, "", _("This row has more cells than the header has columns."))
            continue
        cells = cells + [""] * (len(header) - len(cells))
        for name, cell in zip(header, cells, strict=False):
            if looks_like_formula(cell):
                report.warnings.append(Problem(number, name, _("Begins like a spreadsheet formula: kept as text.")))
        records.append((number, {name: clean_text(uncell(cell)) for name, cell in zip(header, cells, strict=False)}))
        if len(records) > MAX_ROWS:
            report.add(number, "", _("A file may have at most %(n)s rows.") % {"n": MAX_ROWS})
            return []
    if not records and report.ok:
        report.add(2, "", _("The file has a header but no rows."))
    return records


# --- The platform's own resolutions ----------------------------------------------------------


def _check_motion(motion: Mapping[str, Any], row: int, report: ImportReport) -> None:
    number = str(motion.get("number") or "").strip().upper()
    if not NUMBER.match(number):
        report.add(row, "motion", _("The motion number must be like 12 or E1, not “%(v)s”.") % {"v": number})
    for name in ("title", "text"):
        if not clean_text(str(motion.get(name) or "")):
            report.add(row, name, _("The %(c)s is empty.") % {"c": name})
    if str(motion.get("outcome") or "") not in Outcome.values:
        report.add(row, "outcome", _("Unknown outcome “%(v)s”.") % {"v": motion.get("outcome")})
    labels = [str(p.get("label") or "").lower() for p in motion.get("parts") or []]
    if any(not PART.match(label) for label in labels):
        report.add(row, "part", _("A part's label must be like i, ii or a."))
    if len(set(labels)) != len(labels):
        report.add(row, "part", _("Two parts have the same label."))
    for part in motion.get("parts") or []:
        if str(part.get("outcome") or "") not in Outcome.values:
            report.add(row, "outcome", _("Unknown outcome “%(v)s”.") % {"v": part.get("outcome")})


def _motion_rows(
    motions: list[tuple[int, dict[str, Any]]],
    body: PolicyBody,
    name: str,
    day: datetime.date | None,
    report: ImportReport,
) -> None:
    if not name:
        report.add(0, "conference", _("Name the conference these resolutions are of."))
    if day is None:
        report.add(0, "date", _("Give the date of the conference."))
    for row, motion in motions:
        _check_motion(motion, row, report)
    if not report.ok or day is None:
        return
    for row, motion in motions:
        for entry in rows_from_motions([motion], Where(body.code, name, day.year, day)):
            report.rows.append(entry)
            report.origin[entry.reference] = row


def _decided_on(motions: list[dict[str, Any]]) -> datetime.date | None:
    for motion in motions:
        try:
            return timezone.localdate(datetime.datetime.fromisoformat(str(motion.get("decided_at"))))
        except ValueError:
            continue
    return None


def _resolutions_json(
    content: bytes,
    body: PolicyBody,
    name: str,
    day: datetime.date | None,
    results: bytes | None,
    report: ImportReport,
) -> None:
    data = _json(content, report, _("the resolutions"))
    if data is None:
        return
    motions = motions_from_resolutions(data)
    if results is not None:
        counts = _json(results, report, _("the results"))
        motions = add_counts(motions, counts) if counts is not None else motions
    conference = data.get("conference")
    name = name or (str(conference.get("name") or "") if isinstance(conference, dict) else "")
    if not motions and report.ok:
        report.add(0, "", _("The file has no resolutions."))
    _motion_rows(list(enumerate(motions, 1)), body, clean_text(name), day or _decided_on(motions), report)


def _json(content: bytes, report: ImportReport, what: str) -> dict[str, Any] | None:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        report.add(0, "", _("The file of %(what)s is not JSON.") % {"what": what})
        return None
    if not isinstance(data, dict):
        report.add(0, "", _("The file of %(what)s is not this platform's JSON.") % {"what": what})
        return None
    if not _well_formed(data):
        report.add(0, "", _("The file of %(what)s is not this platform's JSON.") % {"what": what})
        return None
    return data


def _list_of_dicts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _well_formed(data: dict[str, Any]) -> bool:
    """Sections of motions of parts, and polls: lists of objects all the way down."""
    if not _list_of_dicts(data.get("sections", [])) or not _list_of_dicts(data.get("polls", [])):
        return False
    if not all(_list_of_dicts(s.get("motions") or []) for s in data.get("sections", [])):
        return False
    motions = [m for s in data.get("sections", []) for m in (s.get("motions") or [])]
    return all(_list_of_dicts(m.get("parts") or []) for m in motions)


def _resolutions_csv(
    content: bytes, body: PolicyBody, name: str, day: datetime.date | None, report: ImportReport
) -> None:
    motions: list[tuple[int, dict[str, Any]]] = []
    for row, cells in _records(content, RESOLUTIONS_COLUMNS, report, strict=False):
        counts = {key: (c if isinstance(c := _count(cells.get(key, "")), int) else None)
                  for key in ("for", "against", "abstain")}  # fmt: skip
        record = {"number": cells["motion"], "section": cells["section"], "title": cells["title"],
                  "text": cells["text"], "proposer": cells["proposer"], "outcome": cells["outcome"],
                  "wording": cells.get("wording", ""), "tabled_text": cells.get("tabled_text", ""),
                  "counts": counts}  # fmt: skip
        if not cells["part"]:
            motions.append((row, {**record, "parts": []}))
        elif motions and str(motions[-1][1]["number"]) == cells["motion"]:
            motions[-1][1]["parts"].append({**record, "label": cells["part"]})
        else:
            report.add(row, "part", _("A part's row must follow its motion's row."))
    _motion_rows(motions, body, clean_text(name), day, report)


# --- A body's older records ------------------------------------------------------------------


def _policy_csv(content: bytes, body: PolicyBody, report: ImportReport) -> None:
    bodies = {b.code: b for b in PolicyBody.objects.all()}
    for number, cells in _records(content, POLICY_COLUMNS, report, strict=True):
        entry = _policy_row(number, cells, body, bodies, report)
        if entry is not None:
            if entry.reference in report.origin:
                report.add(
                    number,
                    "reference",
                    _("%(ref)s is already on row %(r)s.")
                    % {"ref": entry.reference, "r": report.origin[entry.reference]},
                )
                continue
            report.rows.append(entry)
            report.origin[entry.reference] = number


def _policy_row(
    number: int, cells: dict[str, str], body: PolicyBody, bodies: dict[str, PolicyBody], report: ImportReport
) -> EntryRow | None:
    problems = len(report.problems)

    def problem(column: str, message: str) -> None:
        report.add(number, column, message)

    year = int(cells["year"]) if cells["year"].isdigit() and 1900 <= int(cells["year"]) <= 2999 else None
    if year is None:
        problem("year", _("The year must be like 2019, not “%(v)s”.") % {"v": cells["year"]})
    code = (cells.get("body") or body.code).upper()
    if code not in bodies:
        problem("body", _("Unknown body “%(v)s”: add it first.") % {"v": code})
    motion = cells["motion"].upper()
    if not NUMBER.match(motion):
        problem("motion", _("The motion number must be like 12 or E1, not “%(v)s”.") % {"v": cells["motion"]})
    part = cells.get("part", "").lower()
    if part and not PART.match(part):
        problem("part", _("A part's label must be like i, ii or a, not “%(v)s”.") % {"v": cells["part"]})
    for column in ("title", "wording"):
        if not cells[column]:
            problem(column, _("The %(c)s is empty.") % {"c": column})
    outcome = _choice(cells["outcome"], EntryOutcome.choices)
    if outcome is None:
        problem("outcome", _("The outcome must be carried, carried in part or carried as a reference."))
    dates = _dates(cells, year, problem)
    counts, percents = _counts(cells, problem)
    status = _status(cells, problem)
    if len(report.problems) > problems or year is None or outcome is None:
        return None
    conference = cells.get("conference") or f"{bodies[code].name} {year}"
    return EntryRow(
        reference=cells.get("reference") or make_reference(year, code, motion, part),
        conference_name=conference, year=year, date=dates[0], motion_number=motion, part=part,
        title=cells["title"], wording=cells["wording"], section=cells.get("section", ""),
        proposer=cells.get("proposer", ""), tabled_wording=cells.get("tabled_wording", ""), outcome=outcome,
        counts=counts, percents=percents, status=status, superseded_by=cells.get("superseded_by", ""),
        reaffirmed_by=cells.get("reaffirmed_by", ""), last_affirmed=dates[1], body_code=code,
    )  # fmt: skip


def _dates(
    cells: dict[str, str], year: int | None, problem: Callable[[str, str], None]
) -> tuple[datetime.date | None, datetime.date | None]:
    found: list[datetime.date | None] = []
    for column in ("date", "last_affirmed"):
        value = cells.get(column, "")
        day = parse_date(value) if value else None
        if value and day is None:
            problem(column, _("Write the date as 2019-11-14 or 14/11/2019, not “%(v)s”.") % {"v": value})
        found.append(day)
    carried, affirmed = found
    if carried and year and carried.year != year:
        problem("date", _("The date %(d)s is not in %(y)s.") % {"d": carried.isoformat(), "y": year})
    if affirmed and year and affirmed < (carried or datetime.date(year, 1, 1)):
        problem("last_affirmed", _("It cannot have been reaffirmed before it was carried."))
    return carried, affirmed


def _counts(
    cells: dict[str, str], problem: Callable[[str, str], None]
) -> tuple[tuple[int | None, int | None, int | None], tuple[Any, Any, Any] | None]:
    counts = []
    for column in ("for", "against", "abstain"):
        value = _count(cells.get(column, ""))
        if value is False:
            problem(column, _("A count must be a whole number, not “%(v)s”.") % {"v": cells[column]})
        counts.append(value if isinstance(value, int) and not isinstance(value, bool) else None)
    percents = []
    for column in ("percent_for", "percent_against", "percent_abstain"):
        share = _percent(cells.get(column, ""))
        if share is False:
            problem(column, _("A percentage must be a number from 0 to 100, not “%(v)s”.") % {"v": cells[column]})
        percents.append(share if isinstance(share, Decimal) else None)
    return (counts[0], counts[1], counts[2]), (percents[0], percents[1], percents[2]) if any(percents) else None


def _status(cells: dict[str, str], problem: Callable[[str, str], None]) -> str:
    value = cells.get("status", "")
    status = _choice(value, EntryStatus.choices) if value else ""
    if status is None:
        problem(
            "status",
            _("Unknown status “%(v)s” (one of: %(all)s).") % {"v": value, "all": ", ".join(EntryStatus.values)},
        )
        return ""
    if status == EntryStatus.SUPERSEDED and not cells.get("superseded_by"):
        problem("superseded_by", _("Name the entry that superseded it."))
    if status == EntryStatus.REAFFIRMED and not cells.get("reaffirmed_by"):
        problem("reaffirmed_by", _("Name the entry that reaffirmed it."))
    if cells.get("superseded_by") and status not in ("", EntryStatus.SUPERSEDED):
        problem("superseded_by", _("Only a superseded entry names the entry that superseded it."))
    return status


# --- Across the rows -----------------------------------------------------------------------


def _check_references(report: ImportReport) -> None:
    """Each reference is new or this same conference's entry; each link names a later entry."""
    rows = {row.reference: row for row in report.rows}
    book = PolicyEntry.objects.in_bulk(
        list(rows) + [ref for r in report.rows for ref in (r.superseded_by, r.reaffirmed_by) if ref],
        field_name="reference",
    )
    for ref, row in rows.items():
        known = book.get(ref)
        if known is not None and known.conference_name != row.conference_name:
            report.add(
                report.origin[ref],
                "reference",
                _("%(ref)s is already in the book, from %(c)s.") % {"ref": ref, "c": known.conference_name},
            )
        for column in ("superseded_by", "reaffirmed_by"):
            _check_link(report, row, column, rows, book)


def _check_link(
    report: ImportReport, row: EntryRow, column: str, rows: dict[str, EntryRow], book: dict[str, PolicyEntry]
) -> None:
    ref = getattr(row, column)
    if not ref:
        return
    target = rows.get(ref) or book.get(ref)
    where = report.origin[row.reference]
    if target is None:
        report.add(where, column, _("No entry %(ref)s in the book or in this file.") % {"ref": ref})
    elif ref == row.reference:
        report.add(where, column, _("An entry cannot supersede or reaffirm itself."))
    elif target.carried_on < row.carried_on:
        report.add(where, column, _("%(ref)s was carried before this entry: only a later decision can.") % {"ref": ref})


def check_import(
    kind: str,
    content: bytes,
    body: PolicyBody,
    *,
    conference_name: str = "",
    date: datetime.date | None = None,
    results: bytes | None = None,
) -> ImportReport:
    """Read and check a whole file; its rows are ready for ``actions.apply_import`` if it is ok.

    For the platform's resolutions, ``conference_name`` and ``date`` say which conference
    they are of (the JSON names its conference; the CSV names none); ``results`` is the
    results JSON published beside them, whose counts the entries then carry.
    """
    report = ImportReport(kind)
    if kind == "resolutions-json":
        _resolutions_json(content, body, conference_name, date, results, report)
    elif kind == "resolutions-csv":
        _resolutions_csv(content, body, conference_name, date, report)
    elif kind == "policy-csv":
        _policy_csv(content, body, report)
    else:
        report.add(0, "", _("Unknown kind of import (one of: %(k)s).") % {"k": ", ".join(KINDS)})
    _check_references(report)  # across the rows read well, so that one report says everything
    if not report.ok:
        report.rows = []
    return report
