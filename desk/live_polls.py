"""The desk's live polls: the secretariat makes one on the spot, as the chair does from the
console (the same action, voting.put.make_live_poll_now), and sees every one made so far."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from conference.errors import Refused
from conference.models import Conference, Representative
from voting.models import Poll
from voting.put import make_live_poll_now

from .access import secretariat_required

LIVE_KINDS = (Poll.Kind.LIVE, Poll.Kind.SCALE)
FIELDS = ("question", "kind", "options", "scale", "low", "high", "countdown")


def _whole(raw: str, what: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Refused("malformed", _("%(what)s must be a whole number.") % {"what": what}) from None


def _make(conference: Conference, me: Representative, form: dict[str, str]) -> Poll:
    scale = form["kind"] == "scale"
    return make_live_poll_now(
        conference,
        form["question"],
        me,
        options=[] if scale else form["options"].splitlines(),
        scale_max=(_whole(form["scale"], _("The scale's top")) or 0) if scale else None,
        scale_labels=(form["low"], form["high"]) if scale else ("", ""),
        open_now=form["open"] == "1",
        countdown=_whole(form["countdown"], _("The countdown")),
    )


@require_http_methods(["GET", "POST"])
@secretariat_required
def live_polls(request: HttpRequest, conference: Conference, me: Representative) -> HttpResponse:
    form: dict[str, str] = {}
    error = ""
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in FIELDS}
        form["open"] = "1" if request.POST.get("open") else ""
        try:
            poll = _make(conference, me, form)
        except Refused as refused:
            error = refused.message
        else:
            opened = poll.status == Poll.Status.OPEN
            done = _("Live poll made and opened: %(q)s") if opened else _("Live poll kept as a draft: %(q)s")
            messages.success(request, done % {"q": poll.question})
            return redirect("desk-live-polls", slug=conference.slug)
    polls = (
        Poll.objects.filter(conference=conference, kind__in=LIVE_KINDS).prefetch_related("options").order_by("-pk")[:50]
    )
    context = {
        "conference": conference,
        "me": me,
        "polls": polls,
        "form": form,
        "form_error": error,
        "open_form": True,
        "action": request.path,
    }
    return render(request, "desk/live_polls.html", context, status=400 if error else 200)
