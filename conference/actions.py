"""Changes to the conference's people, and the audit log every action writes to."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import events
from .models import AuditEntry, Conference, Representative, new_access_code


def audit(
    conference: Conference | int,
    actor: Representative | None,
    action: str,
    target: object = "",
    **details: Any,
) -> AuditEntry:
    """Write one audit entry inside the caller's transaction."""
    conference_id = conference if isinstance(conference, int) else conference.pk
    return AuditEntry.objects.create(
        conference_id=conference_id,
        actor=actor,
        actor_label=f"{actor.name} ({actor.get_role_display()})" if actor else "system",
        action=action,
        target=str(target)[:200],
        details=details,
    )


def reissue_code(representative: Representative, by: Representative | None) -> str:
    """A new access code: the old one stops working at once and its open sockets close."""
    with transaction.atomic():
        representative.access_code = new_access_code()
        representative.save(update_fields=["access_code"])
        audit(representative.conference_id, by, "code.reissued", representative)
        events.kick_on_commit(representative.conference_id, f"rep:{representative.pk}")
    return representative.access_code


def record_lockout(
    conference: Conference, scope: str, address: str, representative: Representative | None = None
) -> AuditEntry:
    """Join attempts locked out for abuse: one entry per lockout window (see ratelimit)."""
    with transaction.atomic():
        # The code itself is never written down: the representative it belongs to is enough.
        target = representative if representative is not None else address
        return audit(conference, None, "join.locked_out", target, scope=scope, address=address)
