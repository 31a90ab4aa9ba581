"""Small make_* helpers for test data."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model

from conference.models import LMC, Conference, Representative
from motions.models import Motion, MotionPart, Section, StandingOrders

_n = itertools.count(1)


def make_conference(*, negotiating_body: str = "GPC England", **kw: Any) -> Conference:
    """A conference; its standing orders (made with it) name the body motions are referred to."""
    n = next(_n)
    kw.setdefault("name", f"Conference {n}")
    kw.setdefault("slug", f"conf-{n}")
    conference = Conference.objects.create(**kw)
    set_standing_orders(conference, refer_to=negotiating_body)
    return conference


def set_standing_orders(conference: Conference, **fields: Any) -> StandingOrders:
    """Change the conference's standing orders (the row is made with the conference)."""
    StandingOrders.objects.filter(conference=conference).update(**fields)
    return StandingOrders.objects.get(conference=conference)


def make_lmc(conference: Conference, **kw: Any) -> LMC:
    kw.setdefault("name", f"LMC {next(_n)}")
    kw.setdefault("seats", 3)
    return LMC.objects.create(conference=conference, **kw)


def make_rep(conference: Conference, lmc: LMC | None = None, **kw: Any) -> Representative:
    kw.setdefault("name", f"Dr Rep {next(_n)}")
    role = kw.setdefault("role", Representative.Role.REPRESENTATIVE)
    if lmc is None and role == Representative.Role.REPRESENTATIVE:
        lmc = make_lmc(conference)
    return Representative.objects.create(conference=conference, lmc=lmc, **kw)


def make_staff(conference: Conference, role: str = Representative.Role.CHAIR, **kw: Any) -> Representative:
    n = next(_n)
    user = get_user_model().objects.create_user(f"{role}{n}", password="pw-not-used-1234", is_staff=True)
    return Representative.objects.create(conference=conference, name=f"{role.title()} {n}", role=role, user=user, **kw)


def make_section(conference: Conference, **kw: Any) -> Section:
    kw.setdefault("title", f"Section {next(_n)}")
    return Section.objects.create(conference=conference, **kw)


def make_motion(conference: Conference, *, parts: list[str] | None = None, **kw: Any) -> Motion:
    n = next(_n)
    kw.setdefault("number", n)
    kw.setdefault("title", f"Motion {n}")
    kw.setdefault("text", f"That conference resolves thing {n}.")
    if "section" not in kw:
        kw["section"] = make_section(conference)
    motion = Motion.objects.create(conference=conference, **kw)
    for i, text in enumerate(parts or []):
        MotionPart.objects.create(motion=motion, label=["i", "ii", "iii", "iv", "v"][i], text=text, order=i)
    return motion
