"""The desk's audit log, read as sentences: who did what to what, and when; paged, filtered
by who, by kind of action and by time, and exported as CSV (desk.spreadsheet: formula-safe)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import tablib
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from conference.models import AuditEntry, Conference, Representative

from .access import secretariat_required
from .spreadsheet import csv_bytes

PAGE_SIZE = 50

# What each action did, as the rest of a sentence after who did it; {target} is what it
# was done to. An action not listed here reads "… did <action> on …", never nothing.
DONE: dict[str, str] = {
    "agenda.reordered": "reordered the agenda of {target}",
    "amendment.proposed": "recorded an amendment to {target}",
    "amendment.decided": "recorded the outcome of {target}",
    "amendment.redecided": "changed the outcome of {target}",
    "block.debate_requested": "asked for {target} to be debated, out of the A/AR block",
    "block.put": "put the A/AR block of {target} to the vote",
    "block.restored": "returned {target} to the A/AR block",
    "business.closed": "closed business: the motions still open were not reached",
    "cards.downloaded": "downloaded the login cards",
    "chosen.applied": "applied the result of the chosen-motions ballot {target}",
    "code.reissued": "gave {target} a new access code",
    "conference.created": "created the conference {target}",
    "deputy.seated": "seated a deputy: {target}",
    "deputy.stood_down": "ended a deputy's sitting: {target}",
    "election.candidate": "saved the candidate {target}",
    "election.candidate_removed": "removed the candidate {target}",
    "election.created": "created the election {target}",
    "election.updated": "changed the election {target}",
    "item.called": "called {target}",
    "item.skipped": "passed over {target}",
    "job.done": "finished the job {target}",
    "job.requested": "asked for {target}",
    "join.locked_out": "locked out joining with a code after repeated failures: {target}",
    "motion.emergency_admitted": "admitted the emergency motion {target}",
    "motion.reply_given": "gave the right of reply on {target}",
    "motion.reput": "put {target} to the vote again",
    "motion.undecided": "set aside the outcome of {target}",
    "policy.imported": "imported policy: {target}",
    "policy.lapse_rule": "changed the policy lapse rule",
    "policy.recorded": "recorded policy from {target}",
    "policy.status": "changed the status of the policy {target}",
    "poll.annulled": "annulled the vote {target}",
    "poll.casting_vote": "gave the casting vote on {target}",
    "poll.closed": "closed the vote {target}",
    "poll.created": "made the live poll {target}",
    "poll.opened": "opened the vote {target}",
    "procedural.moved": "moved a procedural motion: {target}",
    "procedural.decided": "recorded the outcome of the procedural motion {target}",
    "procedural.redecided": "changed the outcome of the procedural motion {target}",
    "record.published": "published the record",
    "rep.checked_in": "checked in {target}",
    "rep.checked_out": "checked out {target}",
    "result.corrected": "corrected the result of {target}",
    "result.published": "published the result of {target}",
    "speaker.requested": "asked to speak on {target}",
    "speech.ended": "ended the speech of {target}",
    "speech.started": "gave the floor to {target}",
}


def sentence(entry: AuditEntry) -> str:
    """'Dr Ann Chair (Chair) opened the vote “Motion 12”.'"""
    who = entry.actor_label or _("The system")
    if who == "system":
        who = _("The system")
    target = f"“{entry.target}”" if entry.target else _("it")
    done = DONE.get(entry.action)
    if done is None:
        done = f"did {entry.action} on {{target}}" if entry.target else f"did {entry.action}"
    return f"{who} {done.format(target=target)}."


def _when(raw: str) -> datetime | None:
    parsed = parse_datetime(raw.strip()) if raw.strip() else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def filtered(conference: Conference, params: Any) -> tuple[QuerySet[AuditEntry], dict[str, str]]:
    """The entries the filters choose, newest first, and the filters as typed."""
    chosen = {k: params.get(k, "").strip() for k in ("actor", "kind", "since", "until")}
    entries = conference.audit_entries.select_related("actor").order_by("-at", "-pk")
    if chosen["actor"] == "system":
        entries = entries.filter(actor__isnull=True)
    elif chosen["actor"].isdigit():
        entries = entries.filter(actor_id=int(chosen["actor"]))
    if chosen["kind"]:
        entries = entries.filter(action__startswith=chosen["kind"] + ".")
    since, until = _when(chosen["since"]), _when(chosen["until"])
    if since:
        entries = entries.filter(at__gte=since)
    if until:
        entries = entries.filter(at__lte=until)
    return entries, chosen


def _choices(conference: Conference) -> dict[str, list[Any]]:
    actor_ids = conference.audit_entries.exclude(actor=None).values_list("actor_id", flat=True).distinct()
    actors = Representative.objects.filter(pk__in=actor_ids).order_by("name")
    actions = conference.audit_entries.values_list("action", flat=True).distinct()
    return {"actors": list(actors), "kinds": sorted({a.split(".", 1)[0] for a in actions})}


@require_GET
@secretariat_required
def audit_log(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    entries, chosen = filtered(conference, request.GET)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in chosen.items() if v})
    rows = [{"entry": e, "sentence": sentence(e), "details": short_details(e.details)} for e in page.object_list]
    context = {
        "conference": conference,
        "me": me,
        "page": page,
        "rows": rows,
        "chosen": chosen,
        "query": query,
        **_choices(conference),
    }
    return render(request, "desk/audit_log.html", context)


@require_GET
@secretariat_required
def audit_csv(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    entries, _chosen = filtered(conference, request.GET)
    data = tablib.Dataset(headers=["at", "who", "what", "action", "target", "details"], title="audit")
    for e in entries.iterator():
        at = timezone.localtime(e.at).isoformat(timespec="seconds")
        data.append([at, e.actor_label or "system", sentence(e), e.action, e.target, _details(e.details)])
    response = HttpResponse(csv_bytes(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{conference.slug}-audit.csv"'
    return response


def short_details(details: dict[str, Any]) -> str:
    """The details for the page: plain values in full (up to a line), a whole tally or list
    only named (the CSV has it all)."""
    shown = []
    for key, value in sorted(details.items()):
        if value is None or value == "":
            continue
        if isinstance(value, (dict, list)):
            shown.append(f"{key}: " + _("(in the CSV)"))
        else:
            text = str(value)
            shown.append(f"{key}: {text[:80]}{'…' if len(text) > 80 else ''}")
    return "; ".join(shown)


def _details(details: dict[str, Any]) -> str:
    return "; ".join(f"{k}={v}" for k, v in sorted(details.items()))
