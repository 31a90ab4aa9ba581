"""The election's downloads: the anonymised ballots (BLT) and the result sheet (PDF).

Public once the result is published; the chair and the secretariat have them from the close.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from conference.auth import representative_from_session
from conference.models import Conference
from voting.models import Poll

from .actions import ballots_blt
from .documents import sheet_pdf
from .models import Election


def _election(request: HttpRequest, slug: str, poll_id: int) -> Election:
    conference = get_object_or_404(Conference, slug=slug)
    election = get_object_or_404(
        Election.objects.select_related("poll", "conference"), poll_id=poll_id, conference=conference
    )
    status = election.poll.status
    if status == Poll.Status.PUBLISHED:
        return election
    rep = representative_from_session(request.session, conference)
    if status == Poll.Status.CLOSED and rep is not None and rep.is_staff_role:
        return election
    raise Http404("No published election")


def ballots(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    election = _election(request, slug, poll_id)
    response = HttpResponse(ballots_blt(election), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="election-{poll_id}-ballots.blt"'
    return response


def sheet(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    election = _election(request, slug, poll_id)
    if election.sheet is None:
        raise Http404("Not counted")
    response = HttpResponse(sheet_pdf(election.conference.name, election.sheet), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="election-{poll_id}-result.pdf"'
    return response
