"""Who is at the other end: a representative by access code, staff by password.

Representatives sign in with their personal code, found by its keyed hash (the database
holds nothing else of it: conference.codes); the session keeps their id and a fingerprint
of that hash, so reissuing a code ends every session made with the old one.
Chair and secretariat sign in with a Django user linked to their Representative row.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.utils.crypto import constant_time_compare

from .codes import code_hash, normalise_code
from .models import Conference, Representative

SESSION_REP = "motionhall_rep"
SESSION_FP = "motionhall_rep_fp"


def find_by_code(conference: Conference, raw_code: str) -> Representative | None:
    """The active representative whose code this is (typed in any case, with spaces or dashes)."""
    if not normalise_code(raw_code):
        return None
    return find_by_hash(conference, code_hash(raw_code))


def find_by_hash(conference: Conference, digest: str) -> Representative | None:
    # An indexed equality on the keyed hash: the time taken says nothing about how close a guess was.
    return (
        Representative.objects.select_related("conference", "lmc")
        .filter(conference=conference, access_code_hash=digest, is_active=True)
        .first()
    )


def remember(session: Any, representative: Representative) -> None:
    session[SESSION_REP] = representative.pk
    session[SESSION_FP] = representative.code_fingerprint()


def forget(session: Any) -> None:
    for key in (SESSION_REP, SESSION_FP):
        session.pop(key, None)


def representative_from_session(session: Any, conference: Conference) -> Representative | None:
    """The signed-in representative at this conference, or None. Sync: call it in a thread."""
    rep_id = session.get(SESSION_REP)
    if rep_id:
        rep = (
            Representative.objects.select_related("conference", "lmc")
            .filter(pk=rep_id, conference=conference, is_active=True)
            .first()
        )
        if rep is not None and fingerprint_matches(rep, session):
            return rep
    user_id = session.get(SESSION_KEY)
    if user_id:
        rep = (
            Representative.objects.select_related("conference", "lmc", "user")
            .filter(user_id=user_id, user__is_active=True, conference=conference, is_active=True)
            .first()
        )
        # As django.contrib.auth.get_user: a new password ends the sessions made with the old one.
        if rep is not None and rep.user is not None and _session_hash_verified(session, rep.user):
            return rep
    return None


def fingerprint_matches(rep: Representative, session: Any) -> bool:
    """The session was made with the representative's current code (none matches no code)."""
    fingerprint = rep.code_fingerprint()
    return bool(fingerprint) and constant_time_compare(fingerprint, str(session.get(SESSION_FP, "")))


def _session_hash_verified(session: Any, user: Any) -> bool:
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash:
        return False
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    return any(
        constant_time_compare(session_hash, user._get_session_auth_hash(secret=secret))
        for secret in settings.SECRET_KEY_FALLBACKS
    )
