"""A benchmark hall: a conference with N representatives, a chair and one motion."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from conference.codes import code_hash, new_access_code
from conference.models import LMC, Conference, Representative
from motions.models import Motion, Section

REPS_PER_LMC = 5


def create_hall(n: int) -> dict[str, Any]:
    """Create it in a few bulk inserts and return what the clients need to sign in (the
    codes: only their hashes are stored, as for any conference)."""
    tag = secrets.token_hex(4)
    password = secrets.token_urlsafe(16)
    with transaction.atomic():
        conference = Conference.objects.create(name=f"Benchmark hall {n} ({tag})", slug=f"bench-{n}-{tag}")
        lmcs = LMC.objects.bulk_create(
            LMC(conference=conference, name=f"LMC {i + 1}", seats=REPS_PER_LMC)
            for i in range((n + REPS_PER_LMC - 1) // REPS_PER_LMC)
        )
        codes = [new_access_code() for _ in range(n)]
        Representative.objects.bulk_create(
            (
                Representative(
                    conference=conference,
                    lmc=lmcs[i // REPS_PER_LMC],
                    name=f"Dr Bench {i + 1}",
                    access_code_hash=code_hash(code),
                )
                for i, code in enumerate(codes)
            ),
            batch_size=1000,
        )
        user = get_user_model().objects.create_user(f"bench-chair-{tag}", password=password, is_staff=True)
        Representative.objects.create(
            conference=conference, name="Bench Chair", role=Representative.Role.CHAIR, user=user
        )
        section = Section.objects.create(conference=conference, title="Benchmark")
        motion = Motion.objects.create(
            conference=conference,
            section=section,
            number=1,
            title="Benchmark motion",
            text="That this conference can vote quickly.",
            proposer=lmcs[0],
        )
    return {
        "conference_id": conference.pk,
        "slug": conference.slug,
        "motion_id": motion.pk,
        "chair": {"username": user.username, "password": password},
        "codes": codes,
    }
