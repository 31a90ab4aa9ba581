"""``manage.py desk_export <slug> <lmcs|representatives|motions|results|resolutions> <file>``.

The format follows the file's extension: .csv or .xlsx for the set-up data (the import's
own columns, so the file round-trips), .csv or .json for results and resolutions, and
.pdf for the resolutions or login cards. ``cards`` issues the codes it prints (only their
keyed hashes are stored, so a card cannot be printed again): to the representatives without
a code, or with ``--reissue-all`` new codes for everyone (every card printed before stops
working). The QR links use PUBLIC_BASE_URL unless --base-url is given.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conference import links
from conference.actions import issue_codes
from conference.models import Conference, Representative
from desk import documents, exports, imports

KINDS = (*imports.KINDS, "results", "resolutions", "cards")


class Command(BaseCommand):
    help = "Export set-up data, results, resolutions or login cards to a file."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("path")
        parser.add_argument("--base-url", default="", help="The site's address for QR links (default PUBLIC_BASE_URL).")
        parser.add_argument(
            "--reissue-all",
            action="store_true",
            help="cards: new codes for every representative (every card printed before stops working).",
        )

    def handle(self, slug: str, kind: str, path: str, base_url: str, reissue_all: bool = False, **options):
        self.reissue_all = reissue_all
        base_url = base_url or links.base_url()
        conference = Conference.objects.filter(slug=slug).first()
        if conference is None:
            raise CommandError(f"No conference {slug!r}.")
        fmt = path.rsplit(".", 1)[-1].lower()
        body = self.render(conference, kind, fmt, base_url)
        Path(path).write_bytes(body)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({len(body)} bytes)."))

    def render(self, conference: Conference, kind: str, fmt: str, base_url: str) -> bytes:
        if kind in imports.KINDS and fmt in imports.FORMATS:
            return exports.export_setup(conference, kind, fmt)
        if kind == "results" and fmt in ("csv", "json"):
            return exports.results_json(conference) if fmt == "json" else exports.results_csv(conference)
        if kind == "resolutions" and fmt in ("csv", "json", "pdf"):
            if fmt == "pdf":
                return documents.conference_resolutions_pdf(conference)
            return exports.resolutions_json(conference) if fmt == "json" else exports.resolutions_csv(conference)
        if kind == "cards" and fmt == "pdf":
            reps = conference.representatives.filter(role=Representative.Role.REPRESENTATIVE).select_related("lmc")
            if not self.reissue_all:
                reps = reps.filter(access_code_hash__isnull=True)
            chosen = list(reps.order_by("lmc__name", "name", "pk"))
            if not chosen:
                raise CommandError("Every representative has a code already (--reissue-all gives everyone a new one).")
            codes = issue_codes(conference, chosen, None)
            return documents.login_cards_pdf(conference, [(rep, codes[rep.pk]) for rep in chosen], base_url)
        raise CommandError(f"{kind} cannot be written as .{fmt}.")
