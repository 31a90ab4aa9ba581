"""Elections and their candidates from a CSV file, checked whole before anything is written.

Columns: ``election, seats, method, candidate, lmc, statement, group`` (one row a candidate;
``method`` defaults to scottish; ``group`` holds tags separated by ";"). Rows match by
election title and candidate name, so a file can be corrected and imported again while the
election is a draft.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from conference.errors import Refused
from conference.models import Conference, Representative

from . import actions
from .models import Candidate, Election

REQUIRED = ["election", "seats", "candidate"]
OPTIONAL = ["method", "lmc", "statement", "group"]


@dataclass
class Report:
    problems: list[tuple[int, str]] = field(default_factory=list)
    elections: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.elections)


def check_csv(conference: Conference, content: bytes) -> Report:  # noqa: C901
    report = Report()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.problems.append((0, "The file is not UTF-8 text: save it as CSV UTF-8."))
        return report
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        report.problems.append((0, "The file is empty."))
        return report
    header = [c.strip().lower() for c in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        report.problems.append((1, f"Missing columns: {', '.join(missing)}."))
        return report
    lmcs = {lmc.name: lmc for lmc in conference.lmcs.all()}
    existing = {e.title: e for e in Election.objects.filter(conference=conference).select_related("poll")}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        rec = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
        title, name = rec.get("election", ""), rec.get("candidate", "")
        if not title or not name:
            report.problems.append((number, "Give the election and the candidate."))
            continue
        try:
            seats = actions.clean_seats(rec.get("seats", ""))
            method = actions.clean_method(rec.get("method") or "scottish")
        except Refused as refused:
            report.problems.append((number, refused.message))
            continue
        if title in existing and existing[title].poll.status != "draft":
            report.problems.append((number, f"{title!r} has been opened: its candidates are fixed."))
            continue
        lmc = rec.get("lmc", "")
        if lmc and lmc not in lmcs:
            report.problems.append((number, f"No LMC called {lmc!r}: import the LMCs first."))
            continue
        plan = report.elections.setdefault(title, {"seats": seats, "method": method, "candidates": {}})
        if (plan["seats"], plan["method"]) != (seats, method):
            report.problems.append((number, f"{title!r}: every row must give the same seats and method."))
            continue
        if name in plan["candidates"]:
            report.problems.append((number, f"{name} is in {title!r} twice."))
            continue
        if len(rec.get("statement", "")) > 2000:
            report.problems.append((number, "The statement is at most 2000 characters."))
            continue
        plan["candidates"][name] = {
            "lmc": lmcs.get(lmc),
            "statement": rec.get("statement", ""),
            "groups": [g.strip() for g in rec.get("group", "").split(";") if g.strip()],
        }
    if not report.elections and not report.problems:
        report.problems.append((0, "The file has no candidates."))
    return report


def apply(conference: Conference, report: Report, by: Representative | None) -> int:
    """Write a checked report; returns the number of candidates written."""
    written = 0
    with transaction.atomic():
        for title, plan in report.elections.items():
            election = Election.objects.filter(conference=conference, title=title).first()
            if election is None:
                election = actions.create_election(conference, title, plan["seats"], method=plan["method"], by=by)
            else:
                actions.update_election(
                    election,
                    title=title,
                    seats=plan["seats"],
                    method=plan["method"],
                    allow_change=election.poll.allow_change,
                    constraints=election.constraints,
                    by=by,
                )
            for name, c in plan["candidates"].items():
                found = Candidate.objects.filter(election=election, name=name).first()
                actions.save_candidate(
                    election, name, lmc=c["lmc"], statement=c["statement"], groups=c["groups"], candidate=found, by=by
                )
                written += 1
    return written
