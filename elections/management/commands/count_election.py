"""``manage.py count_election FILE.blt --method scottish|ers97|meek --format json|text [--seed N]``

Counts a BLT file on its own (no database) and prints the result sheet. A file that cannot
be read or counted is refused with the line at fault and exit status 2.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from elections.count import METHODS, BLTError, CountError, as_dict, as_text, count, read_blt


class Command(BaseCommand):
    help = "Count a BLT ballot file by single transferable vote and print the result sheet."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the BLT file")
        parser.add_argument("--method", choices=list(METHODS), default="scottish")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--seed", type=int, default=0, help="the seed of any lot (0 unless given)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot be read: {exc}", returncode=2) from exc
        try:
            result = count(read_blt(text), options["method"], seed=options["seed"])
        except BLTError as exc:
            raise CommandError(f"{path}, {exc}", returncode=2) from exc
        except CountError as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(as_dict(result), indent=1, ensure_ascii=False))
        else:
            self.stdout.write(as_text(result), ending="")
