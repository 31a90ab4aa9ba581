"""Pages: the phone, the chair's console, the projector, the public results.

The pages render the state as it is now and their scripts keep it current over the
websocket. ``cast`` is the HTTP fallback of the vote path, for a phone whose socket
cannot connect: the same action, the same answers.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import OperationalError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conference import errors, links, ratelimit
from conference.auth import representative_from_session
from conference.errors import Refused
from conference.events import error
from conference.models import Conference, Representative
from conference.protocol import decode_as
from motions.models import Motion

from .actions import record_votes
from .messages import Vote
from .models import Poll
from .snapshot import build_snapshot, published_receipts, recorded_votes
from .turnout import send_turnout_on_commit


def _conference(slug: str) -> Conference:
    return get_object_or_404(Conference, slug=slug)


def phone(request: HttpRequest, slug: str) -> HttpResponse:
    conference = _conference(slug)
    rep = representative_from_session(request.session, conference)
    if rep is None:
        return redirect("join", slug=slug)
    snapshot = build_snapshot(conference, rep, "staff" if rep.is_staff_role else "reps")
    return render(request, "voting/phone.html", {"conference": conference, "rep": rep, "snapshot": snapshot})


def state(request: HttpRequest, slug: str) -> JsonResponse:
    """The phone's snapshot over HTTP, for a phone whose socket cannot connect."""
    conference = _conference(slug)
    rep = representative_from_session(request.session, conference)
    if rep is None:
        return JsonResponse(error(errors.NOT_LOGGED_IN, "Sign in with your code first."), status=401)
    return JsonResponse(build_snapshot(conference, rep, "staff" if rep.is_staff_role else "reps"))


@require_POST
def cast(request: HttpRequest, slug: str) -> JsonResponse:
    try:
        return _cast(request, slug)
    except OperationalError:
        # The database is unreachable (the session lives there too): never a 500 and
        # never an acknowledgement; the phone keeps its key and resends.
        return JsonResponse(
            error(errors.NOT_RECORDED, _("Not recorded: the server could not store your vote. Try again.")), status=503
        )


VOTE_STATUS = {errors.NOT_ELIGIBLE: 403, errors.NOT_RECORDED: 503}


def _rate_limited(rep: Representative) -> JsonResponse | None:
    verdict = ratelimit.hit("vote-http", str(rep.pk))
    if verdict.allowed:
        return None
    response = JsonResponse(
        error(errors.RATE_LIMITED, _("Too many votes sent too quickly. Wait a moment and try again.")), status=429
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _cast(request: HttpRequest, slug: str) -> JsonResponse:
    conference = _conference(slug)
    rep = representative_from_session(request.session, conference)
    if rep is None:
        return JsonResponse(error(errors.NOT_LOGGED_IN, "Sign in with your code first."), status=401)
    refusal = _rate_limited(rep)
    if refusal is not None:
        return refusal
    if len(request.body) > settings.MAX_CLIENT_MESSAGE_BYTES:
        return JsonResponse(error(errors.TOO_LARGE, "That message is too large."), status=413)
    try:
        vote = decode_as(Vote, request.body)  # the socket's message, read by the same declaration
    except Refused as refused:
        return JsonResponse(error(refused.code, refused.message), status=400)
    # Whether this person may vote is the vote's own rule (Representative.may_vote).
    outcome = record_votes([vote.request(rep.pk)])[0]
    if outcome.ok and not outcome.changed:
        send_turnout_on_commit(conference.pk, vote.poll)
    return JsonResponse(outcome.as_event(), status=VOTE_STATUS.get(outcome.code or "", 200 if outcome.ok else 409))


def _staff(request: HttpRequest, conference: Conference) -> Representative | None:
    rep = representative_from_session(request.session, conference)
    return rep if rep is not None and rep.is_staff_role else None


@login_required
def console(request: HttpRequest, slug: str) -> HttpResponse:
    conference = _conference(slug)
    rep = _staff(request, conference)
    if rep is None:
        return render(request, "voting/forbidden.html", {"conference": conference}, status=403)
    motions = (
        Motion.objects.filter(conference=conference)
        .select_related("section__session", "proposer", "debate_requested_by__lmc")
        .prefetch_related("parts")
        .order_by("section__order", "order", "number")
    )
    live_polls = Poll.objects.filter(
        conference=conference, kind__in=[Poll.Kind.LIVE, Poll.Kind.SCALE]
    ).prefetch_related("options")
    return render(
        request,
        "voting/console.html",
        {
            "conference": conference,
            "rep": rep,
            "motions": motions,
            "lmcs": [
                {"id": pk, "name": name} for pk, name in conference.lmcs.values_list("pk", "name").order_by("name")
            ],
            "live_polls": live_polls,
            "snapshot": build_snapshot(conference, rep, "staff"),
        },
    )


def _coming_next(conference: Conference) -> dict[str, object]:
    """For the projector's holding slide: the next sitting and the next motion on the agenda."""
    session = conference.sessions.filter(ends_at__gt=timezone.now()).order_by("starts_at").first()
    motion = (
        Motion.objects.filter(conference=conference, status=Motion.Status.PENDING, outcome="")
        .exclude(category=Motion.Category.INCOMPETENT)
        .order_by("section__order", "order", "number")
        .first()
    )
    return {"session": session, "motion": motion}


def screen(request: HttpRequest, slug: str) -> HttpResponse:
    conference = _conference(slug)
    address = links.join_address(conference)
    qr = segno.make(address, error="m").svg_inline(scale=1, border=2, omitsize=True, dark="#000", light="#fff")
    return render(
        request,
        "voting/screen.html",
        {
            "conference": conference,
            "snapshot": build_snapshot(conference, None, "screen"),
            "join_address": address,
            "join_qr": mark_safe(qr),  # noqa: S308 - segno's own SVG of our own address
            "next": _coming_next(conference),
        },
    )


RESULT_OUTCOMES = ["carried", "lost", "carried_as_reference", "annulled"]


def _filter_results(request: HttpRequest, polls: QuerySet[Poll]) -> tuple[QuerySet[Poll], dict[str, str]]:
    """The results page's search and filters: text, section, outcome, proposing LMC."""
    q, section, outcome, lmc = (request.GET.get(k, "").strip() for k in ("q", "section", "outcome", "lmc"))
    if q:
        match = Q(question__icontains=q) | Q(motion__title__icontains=q) | Q(motion__text__icontains=q)
        polls = polls.filter(match | Q(motion__number=int(q)) if q.isdigit() else match)
    if section.isdigit():
        polls = polls.filter(motion__section_id=int(section))
    if lmc.isdigit():
        polls = polls.filter(motion__proposer_id=int(lmc))
    if outcome == "annulled":
        polls = polls.filter(status=Poll.Status.ANNULLED)
    elif outcome in RESULT_OUTCOMES:
        polls = polls.filter(result__outcome=outcome, status=Poll.Status.PUBLISHED)
    return polls, {"q": q, "section": section, "outcome": outcome, "lmc": lmc}


def results(request: HttpRequest, slug: str) -> HttpResponse:
    conference = _conference(slug)
    # Published results, and those annulled after publishing: they stay in the record, marked.
    polls = (
        Poll.objects.filter(
            conference=conference, published_at__isnull=False, status__in=[Poll.Status.PUBLISHED, Poll.Status.ANNULLED]
        )
        .select_related("motion", "part", "motion__section")
        .order_by("published_at")
    )
    polls, filters = _filter_results(request, polls)
    return render(
        request,
        "voting/results.html",
        {
            "conference": conference,
            "polls": polls,
            "snapshot": build_snapshot(conference, None, "screen"),
            "filters": filters,
            "filtering": any(filters.values()),
            "outcomes": RESULT_OUTCOMES,
            "sections": conference.sections.all(),
            "lmcs": conference.lmcs.filter(motions__isnull=False).distinct(),
        },
    )


def poll_result(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    conference = _conference(slug)
    poll = get_object_or_404(
        Poll,
        pk=poll_id,
        conference=conference,
        published_at__isnull=False,
        status__in=[Poll.Status.PUBLISHED, Poll.Status.ANNULLED],
    )
    return render(
        request,
        "voting/poll_result.html",
        {
            "conference": conference,
            "poll": poll,
            "receipts": published_receipts(poll),
            "recorded": recorded_votes(poll),
        },
    )
