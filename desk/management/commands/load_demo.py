"""``manage.py load_demo``: load the Conference of England LMCs 2026 demo.

Idempotent: every row is found by its natural key, so a second run creates nothing new.
The demo's access codes are derived from SECRET_KEY and each representative
(``demo_data.demo_access_code``), so every run prints the same codes: for the demo only,
a real conference's codes are random and issued with their cards at the desk. A demo
representative whose code was changed at the desk gets its demo code back on the next run.
The data lives in ``desk.demo_data``.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from conference.actions import issue_codes
from conference.codes import code_hash
from conference.models import LMC, Conference, Representative, Session, format_code
from desk import demo_data as data
from elections.actions import create_election, save_candidate
from motions.models import Motion, MotionPart, Section, StandingOrders
from policy.demo import load_policy_demo
from voting.models import Poll
from voting.put import create_live_poll

LIVE_KINDS = (Poll.Kind.LIVE, Poll.Kind.SCALE)


def first_day() -> datetime.date:
    """The demo conference starts the day it is loaded, so its timers mean something."""
    return timezone.localdate()


def _local(date: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, time))


class Command(BaseCommand):
    help = (
        "Load the demo 'Conference of England LMCs 2026' (slug england-2026). Safe to run again. "
        "For the demo only: its access codes are derived from SECRET_KEY, so every run prints the same ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print the counts only, not the demo logins.")

    def handle(self, *args, quiet: bool = False, **options):
        self.created: Counter[str] = Counter()
        with transaction.atomic():
            conference, new = Conference.objects.get_or_create(
                slug=data.CONFERENCE["slug"],
                defaults={k: v for k, v in data.CONFERENCE.items() if k != "slug"} | {"starts_on": first_day()},
            )
            self.created["conference"] += new
            # The demo is England's conference: its negotiators, named, not assumed.
            StandingOrders.objects.filter(conference=conference, refer_to="").update(refer_to=data.NEGOTIATING_BODY)
            lmcs = self.load_lmcs(conference)
            self.load_representatives(conference, lmcs)
            self.load_staff(conference)
            sections = self.load_sections(conference)
            self.load_motions(conference, sections, lmcs)
            self.load_live_polls(conference)
            self.load_elections(conference, lmcs)
            # The 2025 conference's resolutions and older policy: the 2026 motions find theirs.
            self.created["policy entries"] += len(load_policy_demo(conference).created)
        self.summary(conference, quiet)

    # --- Loading -----------------------------------------------------------------------

    def load_lmcs(self, conference: Conference) -> dict[str, LMC]:
        existing = {lmc.name: lmc for lmc in conference.lmcs.all()}
        missing = [LMC(conference=conference, name=n, seats=s) for n, s in data.LMCS if n not in existing]
        LMC.objects.bulk_create(missing)
        self.created["LMCs"] += len(missing)
        changed = []
        for name, seats in data.LMCS:
            lmc = existing.get(name)
            if lmc is not None and lmc.seats != seats:
                lmc.seats = seats
                changed.append(lmc)
        LMC.objects.bulk_update(changed, ["seats"])
        # Re-read so that every LMC has its primary key, whatever the database backend.
        return {lmc.name: lmc for lmc in conference.lmcs.all()}

    def load_representatives(self, conference: Conference, lmcs: dict[str, LMC]) -> None:
        existing = set(conference.representatives.filter(lmc__isnull=False).values_list("lmc_id", "name"))
        missing, seat = [], 0
        for lmc_name, seats in data.LMCS:
            lmc = lmcs[lmc_name]
            for _ in range(seats):
                name = data.representative_name(seat)
                seat += 1
                if (lmc.pk, name) not in existing:
                    missing.append(Representative(conference=conference, lmc=lmc, name=name))
        Representative.objects.bulk_create(missing)
        self.created["representatives"] += len(missing)
        self.load_codes(conference)

    def load_codes(self, conference: Conference) -> None:
        """Every demo representative holds its demo code (only its hash is stored)."""
        reps = conference.representatives.filter(role=Representative.Role.REPRESENTATIVE, lmc__isnull=False)
        stale = [
            rep
            for rep in reps.select_related("lmc")
            if rep.access_code_hash != code_hash(self.demo_code(conference, rep))
        ]
        if stale:
            issue_codes(conference, stale, None, make_code=lambda rep: self.demo_code(conference, rep))
        self.created["demo codes set"] += len(stale)

    @staticmethod
    def demo_code(conference: Conference, rep: Representative) -> str:
        return data.demo_access_code(conference.slug, rep.lmc.name if rep.lmc else "", rep.name)

    def load_staff(self, conference: Conference) -> None:
        User = get_user_model()
        for spec in data.STAFF:
            user, new = User.objects.get_or_create(
                username=spec["username"], defaults={"is_staff": True, "is_superuser": spec["superuser"]}
            )
            if new:
                user.set_password(data.staff_password(spec["username"]))
                user.save(update_fields=["password"])
                self.created["users"] += 1
            elif not user.is_staff or (spec["superuser"] and not user.is_superuser):
                user.is_staff = True
                user.is_superuser = user.is_superuser or spec["superuser"]
                user.save(update_fields=["is_staff", "is_superuser"])
            _, new = Representative.objects.update_or_create(
                user=user,
                conference=conference,
                defaults={
                    "lmc": None,
                    "name": spec["name"],
                    "role": Representative.Role(spec["role"]),
                },
            )
            self.created["staff"] += new

    def load_sections(self, conference: Conference) -> dict[str, Section]:
        sessions = {}
        for title, order, day, starts, ends in data.SESSIONS:
            date = (conference.starts_on or first_day()) + datetime.timedelta(days=day)  # on the conference's own days
            times = {"starts_at": _local(date, starts), "ends_at": _local(date, ends)}
            sessions[title], new = Session.objects.update_or_create(
                conference=conference, title=title, defaults={"order": order, **times}
            )
            self.created["sessions"] += new
        sections = {}
        for title, order, minutes, session in data.SECTIONS:
            sections[title], new = Section.objects.update_or_create(
                conference=conference,
                title=title,
                defaults={"order": order, "minutes": minutes, "session": sessions[session]},
            )
            self.created["sections"] += new
        return sections

    def load_motions(self, conference: Conference, sections: dict[str, Section], lmcs: dict[str, LMC]) -> None:
        position: Counter[str] = Counter()
        for spec in data.MOTIONS:
            position[spec["section"]] += 1
            motion, new = Motion.objects.update_or_create(
                conference=conference,
                number=spec["number"],
                defaults={
                    "section": sections[spec["section"]],
                    "order": position[spec["section"]],
                    "title": spec["title"],
                    "text": spec["text"],
                    "proposer": lmcs[spec["proposer"]],
                    "category": Motion.Category(spec["category"]),
                    "requires_two_thirds": spec.get("requires_two_thirds", False),
                },
            )
            self.created["motions"] += new
            for order, (label, text) in enumerate(spec.get("parts", ()), start=1):
                _, new = MotionPart.objects.update_or_create(
                    motion=motion, label=label, defaults={"text": text, "order": order}
                )
                self.created["motion parts"] += new

    def load_live_polls(self, conference: Conference) -> None:
        existing = set(conference.polls.filter(kind__in=LIVE_KINDS).values_list("question", flat=True))
        for spec in data.LIVE_POLLS:
            labels = spec.get("scale_labels", ("", ""))
            if spec["question"] in existing:
                # It may already have votes: leave its options alone. A scale loaded before it
                # had end labels gets them (they are words on the screen, not part of a vote).
                conference.polls.filter(
                    question=spec["question"], kind=Poll.Kind.SCALE, scale_low_label="", scale_high_label=""
                ).update(scale_low_label=labels[0], scale_high_label=labels[1])
                continue
            create_live_poll(
                conference,
                spec["question"],
                options=spec.get("options", ()),
                scale_max=spec.get("scale_max"),
                scale_labels=labels,
            )
            self.created["live polls"] += 1

    def load_elections(self, conference: Conference, lmcs: dict[str, LMC]) -> None:
        existing = set(conference.elections.values_list("title", flat=True))
        for spec in data.ELECTIONS:
            if spec["title"] in existing:
                continue  # it may be open or counted: leave it alone
            election = create_election(
                conference, spec["title"], spec["seats"], method=spec["method"], constraints=spec["constraints"]
            )
            for name, lmc, statement, groups in spec["candidates"]:
                save_candidate(election, name, lmc=lmcs.get(lmc), statement=statement, groups=groups)
            self.created["elections"] += 1

    # --- Reporting ---------------------------------------------------------------------

    def summary(self, conference: Conference, quiet: bool) -> None:
        reps = conference.representatives
        Role = Representative.Role
        counts = [
            ("LMCs", conference.lmcs.count()),
            ("seats", conference.lmcs.aggregate(n=Sum("seats"))["n"] or 0),
            ("representatives", reps.filter(role=Role.REPRESENTATIVE).count()),
            ("chairs", reps.filter(role=Role.CHAIR).count()),
            ("secretariat", reps.filter(role=Role.SECRETARIAT).count()),
            ("sessions", conference.sessions.count()),
            ("sections", conference.sections.count()),
            ("motions", conference.motions.count()),
            ("motion parts", MotionPart.objects.filter(motion__conference=conference).count()),
            ("live polls", conference.polls.filter(kind__in=LIVE_KINDS).count()),
        ]
        out = self.stdout
        out.write(self.style.SUCCESS(f"{conference.name} ({conference.slug})"))
        out.write("  " + ", ".join(f"{name}: {n}" for name, n in counts))
        made = ", ".join(f"{n} {what}" for what, n in self.created.items() if n)
        out.write(f"  created this run: {made or 'nothing (already loaded)'}")
        if quiet:
            return
        out.write("Staff logins (/login/; passwords as set when each user was first created):")
        for spec in data.STAFF:
            extra = ", superuser" if spec["superuser"] else ""
            out.write(
                f"  {spec['username']:<13} {data.staff_password(spec['username']):<26}"
                f"{spec['name']} ({spec['role']}{extra})"
            )
        out.write("Representatives (code on the card, or the QR link):")
        shown: list[Representative] = []
        candidates = reps.filter(role=Role.REPRESENTATIVE, is_active=True).select_related("lmc")
        for rep in candidates.order_by("lmc__name", "pk"):
            if all(r.lmc_id != rep.lmc_id for r in shown):
                shown.append(rep)
            if len(shown) == 3:
                break
        for rep in shown:
            code = self.demo_code(conference, rep)
            path = reverse("join-link", kwargs={"slug": conference.slug, "code": code})
            out.write(f"  {rep.name}, {rep.lmc.name if rep.lmc else '-'}: {format_code(code)}  {path}")
