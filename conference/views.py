"""Signing in: representatives by code (typed or from a QR link), staff by password."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import auth, ratelimit
from .actions import record_lockout
from .codes import code_hash, normalise_code
from .models import Conference, Representative
from .signals import recheck_sockets


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "conference/index.html", {"conferences": Conference.objects.order_by("-starts_on", "name")})


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, slug: str, code: str = "") -> HttpResponse:
    """The code typed on the join page, or carried by the QR code's link."""
    conference = get_object_or_404(Conference, slug=slug)
    raw = request.POST.get("code", "") if request.method == "POST" else code
    error = ""
    if raw:
        address = ratelimit.client_address(request)
        by_address = f"{conference.pk}:{address}"
        if not ratelimit.used("join-address", by_address).allowed:
            return _locked_out(request, conference, "address", address)
        # The limits count by the code's keyed hash, never the code: a cache is no place for it.
        digest = code_hash(raw[:100]) if normalise_code(raw[:100]) else ""
        if digest and not ratelimit.hit("join-code", f"{conference.pk}:{digest}").allowed:
            return _locked_out(request, conference, "code", address, digest)
        rep = auth.find_by_hash(conference, digest) if digest else None
        if rep is not None:
            if request.session.session_key is not None:
                request.session.cycle_key()  # a new session id at sign-in
            # else a phone without a session (the QR link's usual case): the session is
            # created with a fresh id when the response is saved, one write and one commit
            # where cycle_key would write it twice (bench/signin.py prints the difference).
            auth.remember(request.session, rep)
            return redirect("phone", slug=conference.slug)
        if not ratelimit.hit("join-address", by_address).allowed:
            return _locked_out(request, conference, "address", address)
        error = _("That code was not recognised. Check it against your card and try again.")
    status = 400 if error else 200
    # A wrong code stays in the box, so a typo is corrected rather than typed again.
    context = {"conference": conference, "error": error, "typed": raw[:40] if error else ""}
    return render(request, "conference/join.html", context, status=status)


def _locked_out(
    request: HttpRequest, conference: Conference, scope: str, address: str, digest: str = ""
) -> HttpResponse:
    name = f"join-{scope}"
    ident = f"{conference.pk}:{digest or address}"
    if ratelimit.first_report(name, ident):
        rep = auth.find_by_hash(conference, digest) if digest else None
        record_lockout(conference, scope, address, rep)
    wait = max(1, ratelimit.limit(name).seconds // 60)
    error = _("Too many attempts to join. Wait %(minutes)d minutes and try again, or ask the desk for help.") % {
        "minutes": wait
    }
    response = render(request, "conference/join.html", {"conference": conference, "error": error}, status=429)
    response["Retry-After"] = str(ratelimit.limit(name).seconds)
    return response


@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    rep_id = request.session.get(auth.SESSION_REP)
    auth.forget(request.session)
    rep = Representative.objects.filter(pk=rep_id).first() if rep_id else None
    if rep is not None:  # its open sockets reconnect: this session's are refused, another phone's re-admitted
        recheck_sockets(rep)
    return redirect("join", slug=slug)


class StaffLoginView(auth_views.LoginView):
    template_name = "conference/staff_login.html"
    redirect_authenticated_user = True
