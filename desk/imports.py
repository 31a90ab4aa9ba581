"""Reading and checking set-up files: LMCs, representatives and motions, CSV or XLSX.

A file is read and checked whole before anything is written (``check_file``): every
problem is reported against its row (row 1 is the header, as in a spreadsheet), and
``desk.actions.apply_import`` writes only a report that has none. Rows are matched to
what is already there by natural key (an LMC by name, a representative by LMC and
name, a motion by number), so importing a file exported from here changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from conference.models import Conference, Representative
from motions.models import Motion

from .spreadsheet import looks_like_formula

KINDS = ("lmcs", "representatives", "motions")
FORMATS = ("csv", "xlsx")
MAX_ROWS = 5000

# Column order is the export's order; the first columns of each are required.
COLUMNS: dict[str, tuple[list[str], list[str]]] = {
    "lmcs": (["name", "seats"], []),
    "representatives": (["name", "lmc"], ["email", "role", "active"]),
    "motions": (["number", "section", "title", "text"], ["category", "parts", "proposer", "two_thirds"]),
}

# A part is one line of the "parts" cell: "(i) text" (the brackets are optional).
PART_LINE = re.compile(r"^\(?\s*([ivxlc]+|[a-z]|\d+)\s*\)\s*(.+)$", re.IGNORECASE)
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Not problems: cells a spreadsheet would run as a formula (imported as plain text).
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(row, column, message))


def file_format(filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return ext if ext in FORMATS else ""


# --- Reading cells -------------------------------------------------------------------


def _cell(value: Any) -> str:
    """A spreadsheet cell as text: 12.0 read from XLSX is the motion number 12."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Our own exports write a formula-like cell as text with a leading apostrophe: undo it,
    # so that importing a file exported from here changes nothing.
    if text.startswith("'") and looks_like_formula(text[1:]):
        return text[1:]
    return text


def _table(fmt: str, content: bytes, report: ImportReport) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for every row, the header first as row 1."""
    if fmt == "csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            report.add(
                0,
                "",
                _("The file is not UTF-8 text (a bad byte at position %(pos)s). Save it as “CSV UTF-8” and try again.")
                % {"pos": exc.start},
            )
            return
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            yield number, [_cell(c) for c in row]
        return
    try:
        data = tablib.Dataset().load(io.BytesIO(content), format="xlsx", headers=False)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        report.add(0, "", _("The file is not an Excel workbook (.xlsx)."))
        return
    for number, row in enumerate(data, start=1):
        yield number, [_cell(c) for c in row]


def _records(kind: str, fmt: str, content: bytes, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    rows = iter(_table(fmt, content, report))
    first = next(rows, None)
    if first is None:
        if report.ok:
            report.add(1, "", _("The file is empty."))
        return []
    header = _header(kind, first[1], report)
    if header is None:
        return []
    records = []
    for number, cells in rows:
        if not any(cells):
            continue  # a blank line
        if len(cells) > len(header) and any(cells[len(header) :]):
            report.add(number, "", _("This row has more cells than the header has columns."))
            continue
        cells = (cells + [""] * len(header))[: len(header)]
        record = dict(zip(header, cells, strict=True))
        _warn_formulas(number, record, report)
        records.append((number, record))
        if len(records) > MAX_ROWS:
            report.add(number, "", _("A file may have at most %(n)s rows.") % {"n": MAX_ROWS})
            return []
    if not records and report.ok:
        report.add(2, "", _("The file has a header but no rows."))
    return records


def _header(kind: str, cells: list[str], report: ImportReport) -> list[str] | None:
    """The header row's column names, or None (and the problems reported) if they are wrong."""
    required, optional = COLUMNS[kind]
    header = [h.lower().replace(" ", "_") for h in cells]
    while header and not header[-1]:
        header.pop()  # trailing empty columns of a spreadsheet
    unknown = [h for h in header if h not in required + optional]
    missing = [c for c in required if c not in header]
    duplicated = [h for h, n in Counter(header).items() if n > 1]
    if not (unknown or missing or duplicated):
        return header
    expected = ", ".join(required + optional)
    for name in missing:
        report.add(1, name, _("The column “%(c)s” is missing (expected: %(e)s).") % {"c": name, "e": expected})
    for name in unknown:
        report.add(1, name, _("Unknown column “%(c)s” (expected: %(e)s).") % {"c": name, "e": expected})
    for name in duplicated:
        report.add(1, name, _("The column “%(c)s” appears twice.") % {"c": name})
    return None


def _warn_formulas(number: int, record: dict[str, str], report: ImportReport) -> None:
    for column, value in record.items():
        if looks_like_formula(value):
            message = _(
                "This cell begins with “%(c)s”: a spreadsheet would run it as a formula. "
                "It is imported as plain text; check it is what you meant."
            ) % {"c": value[0]}
            report.warnings.append(Problem(number, column, message))


def _flag(value: str, default: bool) -> bool | None:
    if not value:
        return default
    v = value.lower()
    return True if v in YES else False if v in NO else None


def parse_parts(cell: str) -> list[tuple[str, str]] | None:
    """The parts cell, one "(i) text" a line; None if a line is not in that form."""
    parts = []
    for line in (ln.strip() for ln in cell.splitlines()):
        if not line:
            continue
        match = PART_LINE.match(line)
        if match is None:
            return None
        parts.append((match.group(1).lower(), match.group(2).strip()))
    return parts


def format_parts(parts: list[tuple[str, str]]) -> str:
    return "\n".join(f"({label}) {text}" for label, text in parts)


# --- Checking each kind --------------------------------------------------------------


def check_file(conference: Conference, kind: str, filename: str, content: bytes) -> ImportReport:
    """Read and check a whole file; the report's rows are ready to write if it is ok."""
    report = ImportReport(kind)
    fmt = file_format(filename)
    if kind not in KINDS:
        report.add(0, "", _("Unknown kind of import."))
        return report
    if not fmt:
        report.add(0, "", _("Upload a .csv or an .xlsx file."))
        return report
    records = _records(kind, fmt, content, report)
    if records:
        {"lmcs": _check_lmcs, "representatives": _check_reps, "motions": _check_motions}[kind](
            conference, records, report
        )
    if not report.ok:
        report.rows = []
    return report


def _check_lmcs(conference: Conference, records: list[tuple[int, dict[str, str]]], report: ImportReport) -> None:
    seen: dict[str, int] = {}
    in_use = _voting_reps_by_lmc(conference)
    for number, rec in records:
        name = rec["name"]
        if not name:
            report.add(number, "name", _("The LMC has no name."))
            continue
        if name.lower() in seen:
            report.add(number, "name", _("“%(n)s” is already on row %(r)s.") % {"n": name, "r": seen[name.lower()]})
        seen[name.lower()] = number
        seats = _positive_int(rec["seats"])
        if seats is None:
            report.add(
                number, "seats", _("Seats must be a whole number from 1 to 999, not “%(v)s”.") % {"v": rec["seats"]}
            )
            continue
        if in_use.get(name, 0) > seats:
            report.add(
                number,
                "seats",
                _("%(n)s already has %(k)s representatives, more than %(s)s seats.")
                % {"n": name, "k": in_use[name], "s": seats},
            )
        report.rows.append({"name": name, "seats": seats})


def _check_reps(conference: Conference, records: list[tuple[int, dict[str, str]]], report: ImportReport) -> None:
    lmcs = {lmc.name: lmc for lmc in conference.lmcs.all()}
    seen: dict[tuple[str, str], int] = {}
    filled: dict[str, set[str]] = defaultdict(set)
    for name, lmc_name in conference.representatives.filter(
        role=Representative.Role.REPRESENTATIVE, is_active=True, lmc__isnull=False
    ).values_list("name", "lmc__name"):
        filled[lmc_name].add(name)
    last_row: dict[str, int] = {}
    for number, rec in records:
        row = _rep_row(number, rec, set(lmcs), report)
        key = (rec["lmc"], rec["name"])
        if key in seen:
            report.add(
                number,
                "name",
                _("%(n)s of %(l)s is already on row %(r)s.")
                % {"n": rec["name"], "l": rec["lmc"] or "-", "r": seen[key]},
            )
            row = None
        seen[key] = number
        if row is None:
            continue
        if row["role"] == Representative.Role.REPRESENTATIVE and row["lmc"]:
            if row["active"]:
                filled[row["lmc"]].add(row["name"])
                last_row[row["lmc"]] = number
            else:
                filled[row["lmc"]].discard(row["name"])
        report.rows.append(row)
    for lmc_name, number in sorted(last_row.items(), key=lambda item: item[1]):
        if len(filled[lmc_name]) > lmcs[lmc_name].seats:
            report.add(
                number,
                "lmc",
                _("%(l)s has %(s)s seats; with this file it would have %(n)s active representatives.")
                % {"l": lmc_name, "s": lmcs[lmc_name].seats, "n": len(filled[lmc_name])},
            )


def _rep_row(number: int, rec: dict[str, str], lmcs: set[str], report: ImportReport) -> dict[str, Any] | None:
    """One representative's row checked on its own, or None (and its problems reported)."""
    name, lmc_name, email = rec["name"], rec["lmc"], rec.get("email", "")
    roles = {value for value, _label in Representative.Role.choices}
    role = (rec.get("role") or Representative.Role.REPRESENTATIVE).lower()
    active = _flag(rec.get("active", ""), True)
    before = len(report.problems)
    if not name:
        report.add(number, "name", _("The representative has no name."))
    if role not in roles:
        report.add(
            number,
            "role",
            _("Unknown role “%(r)s” (one of: %(all)s).") % {"r": role, "all": ", ".join(sorted(roles))},
        )
    if active is None:
        report.add(number, "active", _("Active must be yes or no."))
    if lmc_name and lmc_name not in lmcs:
        report.add(number, "lmc", _("Unknown LMC “%(n)s”: import the LMCs first.") % {"n": lmc_name})
    elif not lmc_name and role == Representative.Role.REPRESENTATIVE:
        report.add(number, "lmc", _("A representative needs an LMC."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            report.add(number, "email", _("“%(e)s” is not an email address.") % {"e": email})
    if len(report.problems) > before:
        return None
    return {"name": name, "lmc": lmc_name, "email": email, "role": role, "active": active}


def _check_motions(conference: Conference, records: list[tuple[int, dict[str, str]]], report: ImportReport) -> None:
    lmcs = set(conference.lmcs.values_list("name", flat=True))
    seen: dict[int, int] = {}
    decided = {
        m.number: m
        for m in conference.motions.filter(emergency=False)
        .exclude(outcome="")
        .select_related("section", "proposer")
        .prefetch_related("parts")
    }
    for number, rec in records:
        before = len(report.problems)
        motion_number = _positive_int(rec["number"], top=99999)
        if motion_number is None:
            report.add(
                number, "number", _("The motion number must be a whole number, not “%(v)s”.") % {"v": rec["number"]}
            )
        elif motion_number in seen:
            report.add(
                number,
                "number",
                _("Motion %(n)s is already on row %(r)s.") % {"n": motion_number, "r": seen[motion_number]},
            )
        else:
            seen[motion_number] = number
        row = _motion_row(number, rec, lmcs, report)
        motion = decided.get(motion_number) if motion_number is not None else None
        if row is not None and motion is not None and _as_row(motion) != {"number": motion_number, **row}:
            report.add(
                number,
                "number",
                _("Motion %(n)s is decided (%(o)s): it cannot change by import. Leave its row as it is.")
                % {"n": motion_number, "o": motion.get_outcome_display()},
            )
        if row is not None and len(report.problems) == before:
            report.rows.append({"number": motion_number, **row})


def _motion_row(number: int, rec: dict[str, str], lmcs: set[str], report: ImportReport) -> dict[str, Any] | None:
    """A motion's row but its number, checked on its own, or None (and its problems reported)."""
    categories = {value.lower(): value for value, _label in Motion.Category.choices}
    before = len(report.problems)
    for column in ("section", "title", "text"):
        if not rec[column]:
            report.add(number, column, _("The %(c)s is empty.") % {"c": column})
    category = categories.get((rec.get("category") or Motion.Category.PRIORITISED).lower())
    if category is None:
        report.add(
            number,
            "category",
            _("Unknown category “%(c)s” (one of: %(all)s).")
            % {"c": rec["category"], "all": ", ".join(categories.values())},
        )
    proposer = rec.get("proposer", "")
    if proposer and proposer not in lmcs:
        report.add(number, "proposer", _("Unknown LMC “%(n)s”: import the LMCs first.") % {"n": proposer})
    parts = parse_parts(rec.get("parts", ""))
    if parts is None:
        report.add(number, "parts", _("Write each part on its own line as “(i) text”."))
    elif len({label for label, _text in parts}) != len(parts):
        report.add(number, "parts", _("Two parts have the same label."))
    two_thirds = _flag(rec.get("two_thirds", ""), False)
    if two_thirds is None:
        report.add(number, "two_thirds", _("Two-thirds must be yes or no."))
    if len(report.problems) > before:
        return None
    return {
        "section": rec["section"],
        "title": rec["title"],
        "text": rec["text"],
        "category": category,
        "parts": parts,
        "proposer": proposer,
        "two_thirds": two_thirds,
    }


def _as_row(motion: Motion) -> dict[str, Any]:
    """A motion as an import row would give it: to see whether a row would change it."""
    return {
        "number": motion.number,
        "section": motion.section.title,
        "title": motion.title,
        "text": motion.text,
        "category": motion.category,
        "parts": [(p.label, p.text) for p in motion.parts.all()],
        "proposer": motion.proposer.name if motion.proposer else "",
        "two_thirds": motion.requires_two_thirds,
    }


def _positive_int(value: str, top: int = 999) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 1 <= number <= top else None


def _voting_reps_by_lmc(conference: Conference) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for name in conference.representatives.filter(
        role=Representative.Role.REPRESENTATIVE, is_active=True, lmc__isnull=False
    ).values_list("lmc__name", flat=True):
        counts[name] += 1
    return dict(counts)
