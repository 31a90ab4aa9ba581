"""The registration desk's list: searchable by name, LMC or email, filtered by LMC and by
status (on the roll, checked in or not, deputies, those away with a deputy in their seat, no code yet),
paged, one aligned row a person."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from conference.models import Conference, Representative

from .access import secretariat_required
from .models import Deputisation

PAGE_SIZE = 50

STATUSES: dict[str, Any] = {
    "active": _("On the roll"),
    "checked_in": _("Checked in"),
    "not_checked_in": _("On the roll, not checked in"),
    "deputy": _("Deputies not sitting"),
    "sitting": _("Deputies sitting for someone"),
    "away": _("Away: a deputy has their seat"),
    "no_code": _("No code issued yet"),
    "no_email": _("No email (cards cannot be mailed)"),
}


def _with_seats(reps: QuerySet[Representative]) -> QuerySet[Representative]:
    open_seats = Deputisation.objects.filter(ended_at__isnull=True)
    return reps.annotate(
        sitting_for=Exists(open_seats.filter(deputy=OuterRef("pk"))),
        away=Exists(open_seats.filter(absent=OuterRef("pk"))),
    )


def _status(reps: QuerySet[Representative], status: str) -> QuerySet[Representative]:
    filters: dict[str, Q] = {
        "active": Q(is_active=True),
        "checked_in": Q(is_active=True, checked_in=True),
        "not_checked_in": Q(is_active=True, checked_in=False),
        "deputy": Q(is_active=False, away=False),
        "sitting": Q(sitting_for=True),
        "away": Q(away=True),
        "no_code": Q(access_code_hash__isnull=True),
        "no_email": Q(email=""),
    }
    return reps.filter(filters[status]) if status in filters else reps


def people_list(conference: Conference, params: Any) -> tuple[QuerySet[Representative], dict[str, str]]:
    chosen = {k: params.get(k, "").strip() for k in ("q", "lmc", "status")}
    reps = _with_seats(conference.representatives.filter(role=Representative.Role.REPRESENTATIVE).select_related("lmc"))
    if chosen["q"]:
        q = chosen["q"]
        reps = reps.filter(Q(name__icontains=q) | Q(lmc__name__icontains=q) | Q(email__icontains=q))
    if chosen["lmc"].isdigit():
        reps = reps.filter(lmc_id=int(chosen["lmc"]))
    return _status(reps, chosen["status"]).order_by("lmc__name", "name", "pk"), chosen


@require_GET
@secretariat_required
def people(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    reps, chosen = people_list(conference, request.GET)
    page = Paginator(reps, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in chosen.items() if v})
    here = urlencode({**{k: v for k, v in chosen.items() if v}, "page": page.number})
    # A deputy may sit for an active representative of their own LMC: those, for this page's deputies.
    lmcs = {r.lmc_id for r in page.object_list if not r.is_active}
    seats_for = {
        lmc_id: [r for r in conference.representatives.filter(lmc_id=lmc_id, is_active=True, role="representative")]
        for lmc_id in lmcs
    }
    rows = [{"rep": r, "seats": seats_for.get(r.lmc_id, [])} for r in page.object_list]
    seats = Deputisation.objects.filter(conference=conference, ended_at__isnull=True).select_related(
        "absent", "deputy", "lmc"
    )
    return render(
        request,
        "desk/people.html",
        {
            "conference": conference,
            "me": me,
            "page": page,
            "rows": rows,
            "chosen": chosen,
            "query": query,
            "back": here,
            "q": chosen["q"],
            "lmcs": conference.lmcs.order_by("name"),
            "statuses": list(STATUSES.items()),
            "seats": seats,
        },
    )
