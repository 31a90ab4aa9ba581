"""The public policy book under /policy/: search (HTML, JSON, CSV) and each entry's page.

No sign-in to read. Changing an entry's status is the secretariat's (``actions.keeper_for``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from conference.errors import Refused

from . import actions, exports
from .models import EntryStatus, PolicyBody, PolicyEntry
from .search import Filters, SearchResult, all_matching, search

MAX_CSV_ROWS = 5000


def _query(request: HttpRequest) -> tuple[str, Filters, int]:
    page = request.GET.get("page", "1")
    return request.GET.get("q", ""), Filters.from_params(request.GET), int(page) if page.isdigit() else 1


def _params(q: str, filters: Filters, **extra: Any) -> str:
    params = {"q": q.strip(), **filters.as_params(), **{k: str(v) for k, v in extra.items()}}
    return urlencode({name: value for name, value in params.items() if value})


def _pages(result: SearchResult) -> dict[str, str]:
    links = {}
    if result.page > 1:
        links["previous"] = "?" + _params(result.query, result.filters, page=result.page - 1)
    if result.page < result.pages:
        links["next"] = "?" + _params(result.query, result.filters, page=result.page + 1)
    return links


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    q, filters, page = _query(request)
    result = search(q, filters, page)
    context = {
        "result": result,
        "q": q,
        "filters": filters,
        "bodies": PolicyBody.objects.all(),
        "statuses": EntryStatus.choices,
        "pages": _pages(result),
        "params": _params(q, filters),
        "first": (result.page - 1) * result.per_page + 1,
    }
    return render(request, "policy/search.html", context)


def _hit_json(request: HttpRequest, hit: Any) -> dict[str, Any]:
    entry = hit.entry
    record = exports.entry_record(entry, request.build_absolute_uri(entry.get_absolute_url()))
    return {
        **record,
        "status_label": str(entry.get_status_display()),
        "outcome_label": str(entry.get_outcome_display()),
        "rank": round(hit.rank, 6),
        "title_html": str(hit.title_html),
        "wording_html": str(hit.wording_html),
    }


@require_GET
def search_json(request: HttpRequest) -> JsonResponse:
    q, filters, page = _query(request)
    result = search(q, filters, page)
    body = {
        "query": q,
        "filters": filters.as_params(),
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "similar_spelling": result.similar_spelling,
        "results": [_hit_json(request, hit) for hit in result.hits],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@require_GET
def search_csv(request: HttpRequest) -> HttpResponse:
    q, filters, _page = _query(request)
    entries = all_matching(q, filters, MAX_CSV_ROWS)
    body = exports.entries_csv(entries, lambda e: request.build_absolute_uri(e.get_absolute_url()))
    response = HttpResponse(body, content_type=exports.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="policy.csv"'
    return response


def _entry(reference: str) -> PolicyEntry:
    related = ("body", "conference", "superseded_by", "reaffirmed_by")
    return get_object_or_404(PolicyEntry.objects.select_related(*related), reference=reference)


def _entry_page(request: HttpRequest, entry: PolicyEntry, error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "entry": entry,
        "history": entry.status_history.select_related("link"),
        "supersedes": entry.supersedes.all(),
        "reaffirms": entry.reaffirms.all(),
        "keeper": actions.keeper_for(request.user, entry.body),
        "statuses": EntryStatus.choices,
        "error": error,
        "form": request.POST if error else {},
    }
    return render(request, "policy/entry.html", context, status=status)


@require_GET
def entry_page(request: HttpRequest, reference: str) -> HttpResponse:
    """/policy/<reference>/: the entry's permalink."""
    return _entry_page(request, _entry(reference))


@require_POST
def change_status(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _entry(reference)
    keeper = actions.keeper_for(request.user, entry.body)
    if keeper is None:
        return render(request, "policy/forbidden.html", {"entry": entry}, status=403)
    link_ref = request.POST.get("link", "").strip()
    link = PolicyEntry.objects.filter(reference=link_ref).first() if link_ref else None
    if link_ref and link is None:
        return _entry_page(request, entry, _("No entry %(ref)s in the book.") % {"ref": link_ref[:60]}, status=400)
    try:
        actions.set_status(
            entry, request.POST.get("status", ""), link, actor=keeper, reason=request.POST.get("reason", "")
        )
    except Refused as refusal:
        return _entry_page(request, entry, refusal.message, status=400)
    return redirect(entry)
