"""``manage.py desk_import <slug> <lmcs|representatives|motions> <file>``: check, then import.

The whole file is checked first; with any problem the report is printed and nothing
is written (the exit status is 1). ``--check`` only checks.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conference.models import Conference
from desk import actions, imports


class Command(BaseCommand):
    help = "Import LMCs, representatives or motions from a CSV or XLSX file, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("kind", choices=imports.KINDS)
        parser.add_argument("path")
        parser.add_argument("--check", action="store_true", help="Check the file and write nothing.")

    def handle(self, slug: str, kind: str, path: str, check: bool = False, **options):
        conference = Conference.objects.filter(slug=slug).first()
        if conference is None:
            raise CommandError(f"No conference {slug!r}.")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No file {path!r}.")
        report = imports.check_file(conference, kind, file.name, file.read_bytes())
        if not report.ok:
            for p in report.problems:
                self.stderr.write(f"row {p.row or '-'}{' ' + p.column if p.column else ''}: {p.message}")
            raise CommandError(f"{len(report.problems)} problem(s) in {file.name}: nothing was imported.")
        if check:
            self.stdout.write(self.style.SUCCESS(f"{file.name}: {len(report.rows)} rows, no problems."))
            return
        counts = actions.apply_import(conference, report, None, file.name)
        self.stdout.write(
            self.style.SUCCESS(
                f"{file.name}: {len(report.rows)} rows, {counts['created']} new, {counts['updated']} changed."
            )
        )
