"""``manage.py bench_hall N --out hall.json``: a conference of N representatives for bench/."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandParser

from desk.hall import create_hall


class Command(BaseCommand):
    help = "Create a benchmark conference with N representatives; write their codes and the chair's login as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("n", type=int)
        parser.add_argument("--out", help="JSON file to write (default: standard output).")

    def handle(self, *args, n: int, out: str | None = None, **options) -> None:
        hall = create_hall(n)
        if out:
            with open(out, "w") as f:
                json.dump(hall, f)
            self.stderr.write(f"{hall['slug']}: {n} representatives, written to {out}")
        else:
            json.dump(hall, sys.stdout)
