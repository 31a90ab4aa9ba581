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


_issued: dict[int, tuple[str, str]] = {}  # rep id -> (stored hash, the code): what the tests were "printed"


def issue_code(rep: Representative, *, quietly: bool = False) -> str:
    """Issue the representative a new access code and return it: the one plaintext copy, as
    the desk prints it (only its keyed hash is stored). Any earlier code stops working.
    ``quietly``: as if issued before the test began (no audit entry, no socket closed)."""
    from conference.actions import issue_codes
    from conference.codes import code_hash, new_access_code

    if quietly:
        code = new_access_code()
        rep.access_code_hash = code_hash(code)
        Representative.objects.filter(pk=rep.pk).update(access_code_hash=rep.access_code_hash)
    else:
        code = issue_codes(rep.conference_id, [rep], None)[rep.pk]
    _issued[rep.pk] = (str(rep.access_code_hash), code)
    return code


def code_for(rep: Representative) -> str:
    """The representative's current code if a test issued it (as the card in their hand),
    else one issued quietly (as if before the test): for signing in, without ending another
    client's session or writing to the audit log the test may be watching."""
    current = Representative.objects.filter(pk=rep.pk).values_list("access_code_hash", flat=True).first()
    held = _issued.get(rep.pk)
    if current and held and held[0] == current:
        rep.access_code_hash = current
        return held[1]
    return issue_code(rep, quietly=True)


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
