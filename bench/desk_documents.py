"""Time the secretariat's documents and imports on the demo conference.

    SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python manage.py migrate
    SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python manage.py load_demo --quiet
    SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python bench/desk_documents.py [cards]

Prints the time and size of the login-card PDF (for the demo's representatives and for
500), the resolutions PDF, and a check-and-import of each exported set-up file.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")

import django

django.setup()

# The models can only be imported once Django is set up, above.
from conference.codes import new_access_code  # noqa: E402
from conference.models import Conference, Representative  # noqa: E402
from desk import actions, documents, exports, imports  # noqa: E402

T = TypeVar("T")


def timed(label: str, fn: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = fn()
    print(f"{label}: {time.perf_counter() - start:.2f} s", end="")
    return result


def main() -> None:
    conf = Conference.objects.get(slug="england-2026")
    reps = list(conf.representatives.filter(role=Representative.Role.REPRESENTATIVE).select_related("lmc"))
    for n in (len(reps), 500):
        batch = [(rep, new_access_code()) for rep in (reps * (n // len(reps) + 1))[:n]]
        pdf = timed(f"login cards x{n}", partial(documents.login_cards_pdf, conf, batch, "https://hall.example.org"))
        print(f", {len(pdf) / 1024:.0f} KiB")
    pdf = timed("resolutions", lambda: documents.conference_resolutions_pdf(conf))
    print(f", {len(pdf) / 1024:.0f} KiB")
    for kind in imports.KINDS:
        for fmt in imports.FORMATS:
            body = exports.export_setup(conf, kind, fmt)

            def run(kind: str = kind, fmt: str = fmt, body: bytes = body) -> tuple[imports.ImportReport, Counter[str]]:
                report = imports.check_file(conf, kind, f"{kind}.{fmt}", body)
                return report, actions.apply_import(conf, report, None, f"bench.{fmt}")

            report, counts = timed(f"check and import {kind}.{fmt}", run)
            print(f", {len(report.rows)} rows, {dict(counts) or 'no change'}")


if __name__ == "__main__":
    main()
