"""The secretariat's pages under /c/<slug>/desk/: each parses, checks access, calls one action."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conference import links
from conference.errors import Refused
from conference.models import Conference, Representative, format_code
from elections import actions as ea
from elections import imports as ei
from elections.models import Candidate, Election
from motions.models import StandingOrders
from policy import actions as policy_actions
from voting.actions import open_poll
from voting.models import Poll
from voting.record import result_summary

from . import actions, documents, exports, imports
from .access import secretariat_required
from .models import Deputisation, Job, ResultRevision

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _base_url(request: HttpRequest) -> str:
    return links.base_url()  # the public address, never the host this request came in on


@secretariat_required
def home(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    actions.purge_card_sheets()
    reps = conference.representatives.filter(role=Representative.Role.REPRESENTATIVE)
    context = {
        "conference": conference,
        "me": me,
        "counts": {
            "lmcs": conference.lmcs.count(),
            "representatives": reps.filter(is_active=True).count(),
            "checked_in": reps.filter(is_active=True, checked_in=True).count(),
            "without_code": reps.filter(access_code_hash__isnull=True).count(),
            "motions": conference.motions.count(),
        },
        "jobs": conference.desk_jobs.defer("content")[:10],
        "kinds": imports.KINDS,
        "job_kinds": [(k, label) for k, label in Job.Kind.choices if k not in Job.CARD_KINDS],
    }
    return render(request, "desk/home.html", context)


# --- Import and export ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@secretariat_required
def import_file(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    report, kind = None, request.POST.get("kind", request.GET.get("kind", "lmcs"))
    if request.method == "POST":
        upload = request.FILES.get("file")
        if kind not in imports.KINDS or upload is None:
            messages.error(request, _("Choose what to import and a file."))
        elif (upload.size or 0) > MAX_UPLOAD_BYTES:
            messages.error(request, _("The file is larger than 5 MB."))
        else:
            filename = upload.name or ""
            report = imports.check_file(conference, kind, filename, upload.read())
            if report.ok:
                counts = actions.apply_import(conference, report, me, filename)
                for warning in report.warnings[:20]:
                    messages.warning(
                        request,
                        _("Row %(r)s, %(c)s: %(m)s") % {"r": warning.row, "c": warning.column, "m": warning.message},
                    )
                messages.success(
                    request,
                    _("Imported %(rows)s rows: %(created)s new, %(updated)s changed.")
                    % {"rows": len(report.rows), "created": counts["created"], "updated": counts["updated"]},
                )
                return redirect("desk-import", slug=conference.slug)
    status = 400 if report is not None and not report.ok else 200
    return render(
        request,
        "desk/import.html",
        {
            "conference": conference,
            "me": me,
            "kind": kind,
            "kinds": imports.KINDS,
            "report": report,
            "columns": {k: r + o for k, (r, o) in imports.COLUMNS.items()},
        },
        status=status,
    )


@require_GET
@secretariat_required
def export_file(request: HttpRequest, conference: Conference, me: Representative, kind: str, fmt: str) -> HttpResponse:
    if kind not in imports.KINDS or fmt not in imports.FORMATS:
        raise Http404
    return _download(exports.export_setup(conference, kind, fmt), f"{conference.slug}-{kind}.{fmt}", fmt)


@require_GET
@secretariat_required
def export_results(request: HttpRequest, conference: Conference, me: Representative, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json"):
        raise Http404
    body = exports.results_json(conference) if fmt == "json" else exports.results_csv(conference)
    return _download(body, f"{conference.slug}-results.{fmt}", fmt)


def _download(body: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- People: the registration desk and credentials ----------------------------------


def _rep(conference: Conference, rep_id: int) -> Representative:
    return get_object_or_404(Representative, pk=rep_id, conference=conference)


def _back_to_people(request: HttpRequest, conference: Conference) -> HttpResponse:
    """Back to the list as it was: its search, filters and page (only those, re-encoded)."""
    url = reverse("desk-people", kwargs={"slug": conference.slug})
    sent: dict[str, str] = QueryDict(request.POST.get("back", "")).dict()
    if "q" in request.POST:  # a form without the list's state (an older page, a script)
        sent = {"q": request.POST["q"]}
    back = urlencode({k: sent[k] for k in ("q", "lmc", "status", "page") if sent.get(k)})
    return redirect(f"{url}?{back}" if back else url)


@require_POST
@secretariat_required
def check_in(request: HttpRequest, conference: Conference, me: Representative, rep_id: int) -> HttpResponse:
    present = request.POST.get("present") == "1"
    rep = actions.set_checked_in(_rep(conference, rep_id), present, me)
    messages.success(request, (_("%(n)s is checked in.") if present else _("%(n)s is checked out.")) % {"n": rep.name})
    return _back_to_people(request, conference)


@require_POST
@secretariat_required
def reissue(request: HttpRequest, conference: Conference, me: Representative, rep_id: int) -> HttpResponse:
    rep = _rep(conference, rep_id)
    job, code = actions.reissue_with_card(rep, me, _base_url(request))
    # Shown once, in this response only: not in the session, the URL, a log or the database.
    context = {
        "conference": conference,
        "me": me,
        "job": job,
        "new_code": {"name": rep.name, "code": format_code(code)},
    }
    response = render(request, "desk/job.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@secretariat_required
def seat_deputy(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    try:
        absent = _rep(conference, int(request.POST.get("absent", "")))
        deputy = _rep(conference, int(request.POST.get("deputy", "")))
        actions.seat_deputy(absent, deputy, me)
        messages.success(request, _("%(d)s now sits for %(a)s.") % {"d": deputy.name, "a": absent.name})
    except ValueError:
        messages.error(request, _("Choose the representative and the deputy."))
    except Refused as refused:
        messages.error(request, refused.message)
    return _back_to_people(request, conference)


@require_POST
@secretariat_required
def end_deputisation(request: HttpRequest, conference: Conference, me: Representative, seat_id: int) -> HttpResponse:
    seat = get_object_or_404(Deputisation, pk=seat_id, conference=conference)
    try:
        actions.end_deputisation(seat, me)
        messages.success(request, _("%(a)s has the seat back.") % {"a": seat.absent.name})
    except Refused as refused:
        messages.error(request, refused.message)
    return _back_to_people(request, conference)


# --- The record ------------------------------------------------------------------------


@require_GET
@secretariat_required
def record(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    polls = (
        Poll.objects.filter(conference=conference)
        .exclude(status=Poll.Status.DRAFT)
        .select_related("motion", "part")
        .prefetch_related("revisions", "options")
        .order_by("-opened_at", "-pk")
    )
    rows = [{"poll": p, "summary": result_summary(p.result), "ballots": (p.result or {}).get("total")} for p in polls]
    return render(request, "desk/record.html", {"conference": conference, "me": me, "rows": rows})


@require_http_methods(["GET", "POST"])
@secretariat_required
def revise(request: HttpRequest, conference: Conference, me: Representative, poll_id: int) -> HttpResponse:
    poll = get_object_or_404(Poll.objects.prefetch_related("options"), pk=poll_id, conference=conference)
    if request.method == "POST":
        try:
            reason = request.POST.get("reason", "")
            if request.POST.get("action") == "open":
                # The re-run of an annulled vote: the chair's console lists motions, not drafts.
                open_poll(poll, me)
                messages.success(request, _("The vote is open."))
                return redirect("desk-revise", slug=conference.slug, poll_id=poll.pk)
            if request.POST.get("action") == "annul":
                rerun = actions.annul_and_rerun(poll, reason, me)
                messages.success(request, _("The vote is annulled; the re-run is ready for the chair to open."))
                return redirect("desk-revise", slug=conference.slug, poll_id=rerun.pk)
            counts = {o.key: _count(request.POST.get(f"count-{o.key}", "")) for o in poll.options.all()}
            actions.correct_result(poll, counts, reason, me, outcome=request.POST.get("outcome", ""))
            messages.success(request, _("The result is corrected; the previous one stays in the record."))
            return redirect("desk-revise", slug=conference.slug, poll_id=poll.pk)
        except Refused as refused:
            messages.error(request, refused.message)
    counts = {c["key"]: c["count"] for c in (poll.result or {}).get("counts", [])}
    return render(
        request,
        "desk/revise.html",
        {
            "conference": conference,
            "me": me,
            "poll": poll,
            "options": [(o, counts.get(o.key, 0)) for o in poll.options.all()],
            "revisions": ResultRevision.objects.filter(poll=poll).select_related("by", "rerun"),
            "rerun_of": ResultRevision.objects.filter(rerun=poll).select_related("poll").first(),
            "outcomes": sorted(actions.CORRECTABLE_OUTCOMES),
        },
    )


def _count(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise Refused("malformed", _("Each count must be a whole number.")) from None


# --- The close and the published record ----------------------------------------------


@require_POST
@secretariat_required
def close_business(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    try:
        n = actions.close_business(conference, me)
        messages.success(request, _("%(n)s motions still open are recorded as not reached.") % {"n": n})
    except Refused as refused:
        messages.error(request, refused.message)
    return redirect("desk", slug=conference.slug)


@require_POST
@secretariat_required
def publish_record(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    try:
        actions.publish_record(conference, me, _base_url(request))
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("desk", slug=conference.slug)
    messages.success(request, _("The record is published: the resolutions are public."))
    return redirect("desk", slug=conference.slug)


@require_GET
@secretariat_required
def record_draft(request: HttpRequest, conference: Conference, me: Representative, fmt: str) -> HttpResponse:
    """The resolutions as they stand, for the secretariat to check before publishing."""
    if fmt not in ("pdf", "csv", "json"):
        raise Http404
    if fmt == "pdf":
        body = documents.conference_resolutions_pdf(conference, draft=conference.record_published_at is None)
    else:
        body = exports.resolutions_json(conference) if fmt == "json" else exports.resolutions_csv(conference)
    return _download(body, f"resolutions-{conference.slug}-draft.{fmt}", fmt)


# --- A new conference ---------------------------------------------------------------


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise Refused("malformed", _("Give dates as YYYY-MM-DD.")) from None


@require_http_methods(["GET", "POST"])
@secretariat_required
def new_conference(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    """A new conference copying this one's settings and standing orders."""
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            created = actions.create_conference(
                conference, me, name=request.POST.get("name", ""), slug=request.POST.get("slug", ""),
                negotiating_body=request.POST.get("negotiating_body", ""),
                starts_on=_date(request.POST.get("starts_on", "")), ends_on=_date(request.POST.get("ends_on", "")),
                venue=request.POST.get("venue", ""),
            )  # fmt: skip
            messages.success(request, _("%(n)s is set up; you are its secretariat.") % {"n": created.name})
            return redirect("desk", slug=created.slug)
        except Refused as refused:
            messages.error(request, refused.message)
    context = {"conference": conference, "me": me, "form": form, "refer_to": StandingOrders.of(conference).refer_to}
    return render(request, "desk/new_conference.html", context, status=400 if request.method == "POST" else 200)


# --- Documents and mail ----------------------------------------------------------------


@require_POST
@secretariat_required
def start_job(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    kind = request.POST.get("kind", "")
    if kind not in Job.Kind.values:
        raise Http404
    if kind in Job.CARD_KINDS:
        try:
            job = actions.request_cards(
                conference,
                kind,
                me,
                request.POST.get("scope", ""),
                base_url=_base_url(request),
                email=request.POST.get("email") == "1",
                confirmed=request.POST.get("confirm") == "1",
            )
        except Refused as refused:
            messages.error(request, refused.message)
            return redirect("desk", slug=conference.slug)
    else:
        job = actions.request_job(conference, kind, me, base_url=_base_url(request))
    return redirect("desk-job", slug=conference.slug, job_id=job.pk)


def _job(conference: Conference, job_id: int) -> Job:
    return get_object_or_404(Job.objects.defer("content"), pk=job_id, conference=conference)


@require_GET
@secretariat_required
def job_page(request: HttpRequest, conference: Conference, me: Representative, job_id: int) -> HttpResponse:
    actions.purge_card_sheets()
    return render(request, "desk/job.html", {"conference": conference, "me": me, "job": _job(conference, job_id)})


def job_payload(job: Job) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "error": job.error,
        "has_file": bool(job.filename) and not job.file_gone,
    }


@require_GET
@secretariat_required
def job_status(request: HttpRequest, conference: Conference, me: Representative, job_id: int) -> JsonResponse:
    return JsonResponse(job_payload(_job(conference, job_id)))


@require_GET
@secretariat_required
def job_download(request: HttpRequest, conference: Conference, me: Representative, job_id: int) -> HttpResponse:
    taken = actions.take_download(job_id, conference, me)
    if taken is None:
        raise Http404
    filename, content = taken
    response = _download(content, filename, "pdf")
    response["Cache-Control"] = "no-store"
    return response


# --- Existing policy ------------------------------------------------------------------


@require_GET
@secretariat_required
def existing_policy(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    """For each motion, the policy it most likely restates: for the agenda committee (an A
    motion, a composite) and, once it is carried, to record that it reaffirms an entry."""
    return render(
        request,
        "desk/policy.html",
        {
            "conference": conference,
            "me": me,
            "motions": actions.policy_suggestions(conference),
            "body": policy_actions.body_of(conference),
        },
    )


@require_POST
@secretariat_required
def policy_lapse_rule(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    """The secretariat sets its policy body's lapse rule (not only the admin), applied at once."""
    body = policy_actions.body_of(conference)
    if body is None:
        messages.error(request, _("This conference makes no body's policy: there is no lapse rule to set."))
        return redirect("desk-policy", slug=conference.slug)
    try:
        lapsed = policy_actions.set_lapse_rule(body, request.POST.get("lapse_years", ""), actor=me)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("desk-policy", slug=conference.slug)
    body.refresh_from_db()
    if body.lapse_years is None:
        messages.success(request, _("%(body)s: its policy no longer lapses.") % {"body": body.name})
    else:
        messages.success(
            request,
            _("%(body)s: policy lapses %(n)s years after it was last carried or reaffirmed. Lapsed now: %(k)s.")
            % {"body": body.name, "n": body.lapse_years, "k": len(lapsed)},
        )
    return redirect("desk-policy", slug=conference.slug)


@require_POST
@secretariat_required
def reaffirm_policy(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    try:
        entry = actions.reaffirm_policy(
            conference, me, _count(request.POST.get("motion", "")), request.POST.get("entry", "")
        )
        messages.success(request, _("Recorded: %(ref)s is reaffirmed.") % {"ref": entry.reference})
    except Refused as refused:
        messages.error(request, refused.message)
    return redirect("desk-policy", slug=conference.slug)


# --- Elections ------------------------------------------------------------------------


def _constraints_from(text: str) -> list[dict[str, object]]:
    """One a line: "group: at least N" / "group: at most N" / "group: N-M"."""
    out: list[dict[str, object]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        group, _sep, rule = line.partition(":")
        rule = rule.strip().lower()
        low, high = rule.removeprefix("at least").strip(), None
        if rule.startswith("at most"):
            low, high = "0", rule.removeprefix("at most").strip()
        elif "-" in rule:
            low, high = (x.strip() for x in rule.split("-", 1))
        out.append({"group": group.strip(), "minimum": low or 0, "maximum": high})
    return out


@require_http_methods(["GET", "POST"])
@secretariat_required
def elections_page(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:  # noqa: C901
    report = None
    if request.method == "POST":
        what = request.POST.get("action", "")
        try:
            if what == "create":
                ea.create_election(
                    conference,
                    request.POST.get("title", ""),
                    request.POST.get("seats", ""),
                    method=request.POST.get("method", "scottish"),
                    allow_change=request.POST.get("allow_change") == "on",
                    constraints=_constraints_from(request.POST.get("constraints", "")),
                    by=me,
                )
                messages.success(request, _("Election created."))
            elif what == "import":
                upload = request.FILES.get("file")
                if upload is None or (upload.size or 0) > MAX_UPLOAD_BYTES:
                    raise Refused("malformed", _("Choose a CSV file of at most 5 MB."))
                report = ei.check_csv(conference, upload.read())
                if report.ok:
                    n = ei.apply(conference, report, me)
                    messages.success(request, _("Imported %(n)s candidates.") % {"n": n})
                    return redirect("desk-elections", slug=conference.slug)
            else:
                election = get_object_or_404(Election, pk=request.POST.get("election"), conference=conference)
                candidate = None
                if request.POST.get("candidate"):
                    candidate = get_object_or_404(Candidate, pk=request.POST.get("candidate"), election=election)
                if what == "save-candidate":
                    lmc = conference.lmcs.filter(pk=request.POST.get("lmc") or 0).first()
                    ea.save_candidate(
                        election,
                        request.POST.get("name", ""),
                        lmc=lmc,
                        statement=request.POST.get("statement", ""),
                        groups=request.POST.get("groups", ""),
                        candidate=candidate,
                        by=me,
                    )
                elif what == "remove-candidate" and candidate is not None:
                    ea.remove_candidate(candidate, me)
                elif what in ("up", "down") and candidate is not None:
                    ea.move_candidate(candidate, -1 if what == "up" else 1, me)
                elif what == "constraints":
                    ea.update_election(
                        election,
                        title=election.title,
                        seats=request.POST.get("seats", election.seats),
                        method=request.POST.get("method", election.method),
                        allow_change=election.poll.allow_change,
                        constraints=_constraints_from(request.POST.get("constraints", "")),
                        by=me,
                    )
            if report is None:
                return redirect("desk-elections", slug=conference.slug)
        except Refused as refused:
            messages.error(request, refused.message)
    elections = (
        Election.objects.filter(conference=conference).select_related("poll").prefetch_related("candidates__lmc")
    )
    return render(
        request,
        "desk/elections.html",
        {
            "conference": conference,
            "me": me,
            "elections": elections,
            "lmcs": conference.lmcs.all(),
            "methods": Election.Method.choices,
            "report": report,
        },
        status=400 if report is not None and not report.ok else 200,
    )
