"""``manage.py policy_lapse``: apply each body's lapse rule (run it daily, e.g. from cron)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policy.actions import apply_lapse
from policy.models import PolicyBody


class Command(BaseCommand):
    help = "Lapse every entry past its body's rule (N years after it was last carried or reaffirmed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Apply the rule as on this day (YYYY-MM-DD); default today.")
        parser.add_argument("--body", help="Only this body's entries (its code, e.g. ENG).")

    def handle(self, *args: Any, date: str | None = None, body: str | None = None, **options: Any) -> None:
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from exc
        only = None
        if body:
            only = PolicyBody.objects.filter(code=body.upper()).first()
            if only is None:
                raise CommandError(f"No body {body!r}.")
        lapsed = apply_lapse(today, body=only)
        for reference in lapsed:
            self.stdout.write(f"lapsed {reference}")
        self.stdout.write(f"{len(lapsed)} entries lapsed.")
