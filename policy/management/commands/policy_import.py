"""``manage.py policy_import KIND FILE --body CODE``: past records into the policy book.

The file is checked whole first; with any problem the row report is printed and nothing
is written. KIND is resolutions-json, resolutions-csv or policy-csv (docs/policy.md).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policy import actions, imports
from policy.models import PolicyBody


class Command(BaseCommand):
    help = "Import past records into the policy book: checked whole, written only if every row is good."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=imports.KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--body", required=True, help="The body's code, e.g. ENG.")
        parser.add_argument("--body-name", help="Create the body with this name if it is new.")
        parser.add_argument("--conference", default="", help="The conference's name (resolutions).")
        parser.add_argument("--date", help="The conference's date, YYYY-MM-DD (resolutions).")
        parser.add_argument("--results", type=Path, help="The results JSON beside the resolutions JSON (counts).")
        parser.add_argument("--check", action="store_true", help="Check and report only; write nothing.")

    def handle(self, *args: Any, **opts: Any) -> None:
        body = self._body(opts["body"].upper(), opts.get("body_name"))
        try:
            date = datetime.date.fromisoformat(opts["date"]) if opts.get("date") else None
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        results = opts["results"].read_bytes() if opts.get("results") else None
        report = imports.check_import(
            opts["kind"], opts["file"].read_bytes(), body, conference_name=opts["conference"], date=date,
            results=results,
        )  # fmt: skip
        for warning in report.warnings:
            self.stdout.write(f"row {warning.row} {warning.column}: {warning.message}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"row {problem.row} {problem.column}: {problem.message}")
            raise CommandError(f"{len(report.problems)} problems: nothing was imported.")
        if opts["check"]:
            self.stdout.write(f"{len(report.rows)} entries, no problems.")
            return
        done = actions.apply_import(report.rows, body, actor=None, filename=opts["file"].name)
        self.stdout.write(f"{len(done.created)} new, {len(done.changed)} changed, {len(done.statuses)} statuses set.")

    def _body(self, code: str, name: str | None) -> PolicyBody:
        body = PolicyBody.objects.filter(code=code).first()
        if body is not None:
            return body
        if not name:
            raise CommandError(f"No body {code}: give --body-name to create it.")
        body = PolicyBody(code=code, name=name)
        body.full_clean(exclude=["conferences"])
        body.save()
        return body
