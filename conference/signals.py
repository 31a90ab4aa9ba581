"""Open sockets follow a change of who someone is, whichever path made it.

A socket is admitted once, at connect, with the rights its person had then. When those
rights change (deactivated, a new role, another user, a staff user deactivated or given
a new password, or signed out) the person's sockets are closed with RECHECK after the
commit: the page reconnects at once, and the door admits it afresh with its new rights,
or refuses it (4401). Connected here, not in each view, so the admin, the desk, imports
and the shell all count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save, pre_save

from . import close_codes
from .events import kick_on_commit
from .models import Representative

RIGHTS = ("role", "is_active", "user_id", "conference_id")

# Who may vote changed: the floors above follow (voting sends the open poll's turnout),
# registered from their apps' ready(), since this floor imports none of them.
ROLL_CHANGED: list[Callable[[int], None]] = []


def on_roll_changed(callback: Callable[[int], None]) -> None:
    """Call ``callback(conference_id)`` after a representative's role or place on the roll changes."""
    if callback not in ROLL_CHANGED:
        ROLL_CHANGED.append(callback)


def recheck_sockets(representative: Representative) -> None:
    """After commit, close the representative's open sockets so they reconnect and are re-admitted."""
    kick_on_commit(representative.conference_id, f"rep:{representative.pk}", close_codes.RECHECK)


def _rights(values: Any) -> tuple[Any, ...]:
    return tuple(getattr(values, name) for name in RIGHTS)


def _representative_saving(sender: Any, instance: Representative, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.pk is None or (
        update_fields is not None and not {"role", "is_active", "user", "conference"} & set(update_fields)
    ):
        instance._rights_before = None  # type: ignore[attr-defined]
        return
    before = Representative.objects.filter(pk=instance.pk).values_list(*RIGHTS).first()
    instance._rights_before = before  # type: ignore[attr-defined]


def _representative_saved(sender: Any, instance: Representative, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_rights_before", None)
    if not created and before is not None and tuple(before) != _rights(instance):
        recheck_sockets(instance)
        if before[3] != instance.conference_id:  # moved to another conference: close the old one's too
            kick_on_commit(before[3], f"rep:{instance.pk}", close_codes.RECHECK)
        if (before[0], before[1], before[3]) != (instance.role, instance.is_active, instance.conference_id):
            for conference_id in {before[3], instance.conference_id}:
                for callback in ROLL_CHANGED:
                    callback(conference_id)


def _user_saved(sender: Any, instance: Any, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return  # signing in touches last_login only
    # Deactivated, a new password (it ends the user's sessions), staff rights: re-admit.
    for rep in Representative.objects.filter(user_id=instance.pk):
        recheck_sockets(rep)


def _user_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    for rep in Representative.objects.filter(user_id=user.pk):
        recheck_sockets(rep)


def connect() -> None:
    pre_save.connect(_representative_saving, sender=Representative, dispatch_uid="rep-rights-before")
    post_save.connect(_representative_saved, sender=Representative, dispatch_uid="rep-rights-after")
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="user-rights")
    user_logged_out.connect(_user_logged_out, dispatch_uid="user-logged-out")
