"""Public publishing: a stable page per motion, the resolutions and results downloads."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from conference.models import Conference
from motions.diff import amendment_diffs
from motions.models import Motion
from voting.models import Poll
from voting.record import motion_record, result_summary

from . import exports
from .models import Job
from .views import _download


@require_GET
def motion_result(request: HttpRequest, slug: str, number: int, emergency: bool = False) -> HttpResponse:
    """/c/<slug>/results/motion/<number>/: the motion, its outcome and every published vote on it."""
    conference = get_object_or_404(Conference, slug=slug)
    motion = get_object_or_404(
        Motion.objects.select_related("section", "proposer").prefetch_related("parts"),
        conference=conference,
        number=number,
        emergency=emergency,
    )
    polls = (
        Poll.objects.filter(motion=motion, published_at__isnull=False)
        .select_related("part")
        .prefetch_related("revisions")
        .order_by("published_at", "pk")
    )
    record = motion_record(motion)
    # What each amendment changes, marked against the wording it was moved on (motions.diff),
    # in the record's own order of amendments.
    changes = amendment_diffs(motion)
    amendment_ids = motion.amendments.values_list("pk", flat=True)
    diffs = [changes.get(pk, []) for pk in amendment_ids]
    context = {
        "conference": conference,
        "motion": motion,
        # each vote with its outcome in words, as the record says it (never the outcome's key)
        "polls": [(poll, result_summary(poll.result)) for poll in polls],
        "record": record,
        "amendments": list(zip(record["amendments"], diffs, strict=True)),
    }
    return render(request, "desk/motion_result.html", context)


@require_GET
def resolutions(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    conference = get_object_or_404(Conference, slug=slug)
    if fmt not in ("pdf", "csv", "json") or conference.record_published_at is None:
        raise Http404  # the secretariat sees the draft on the desk until it publishes the record
    if fmt == "pdf":
        # The PDF is made by a Celery task when the secretariat publishes it; the newest one is served.
        job = Job.objects.filter(conference=conference, kind=Job.Kind.RESOLUTIONS, status=Job.Status.DONE).first()
        if job is None or not job.content:
            raise Http404
        return _download(bytes(job.content), job.filename, "pdf")
    body = exports.resolutions_json(conference) if fmt == "json" else exports.resolutions_csv(conference)
    return _download(body, f"resolutions-{conference.slug}.{fmt}", fmt)


@require_GET
def results_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    conference = get_object_or_404(Conference, slug=slug)
    if fmt not in ("csv", "json"):
        raise Http404
    body = exports.results_json(conference, True) if fmt == "json" else exports.results_csv(conference, True)
    return _download(body, f"{conference.slug}-results.{fmt}", fmt)
