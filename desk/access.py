"""Who may use the desk: the secretariat of this conference, signed in with a password."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from conference.auth import representative_from_session
from conference.models import Conference, Representative

View = Callable[..., HttpResponse]


def secretariat_required(view: View) -> View:
    """Calls ``view(request, conference, me, **kwargs)``; anyone else is refused."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
        conference = get_object_or_404(Conference, slug=slug)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        me = representative_from_session(request.session, conference)
        if me is None or me.role != Representative.Role.SECRETARIAT or me.user_id != request.user.pk:
            return render(request, "voting/forbidden.html", {"conference": conference}, status=403)
        return view(request, conference, me, **kwargs)

    return wrapper
