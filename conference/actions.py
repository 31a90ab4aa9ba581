"""Changes to the conference's people, and the audit log every action writes to."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction

from . import events
from .codes import code_hash, new_access_code
from .models import AuditEntry, Conference, Representative


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


def issue_codes(
    conference: Conference | int,
    representatives: Sequence[Representative],
    by: Representative | None,
    *,
    make_code: Callable[[Representative], str] | None = None,
    action: str = "codes.issued",
) -> dict[int, str]:
    """New access codes for these representatives: {rep id: the plaintext code}.

    Only the keyed hash is written; the plaintext returned is the one copy there will ever
    be, for the caller to print, mail or show at once. A representative who had a code
    loses it now (in the caller's transaction) and their open sockets close after commit.
    ``make_code`` gives derived codes (the demo's); by default they are random.
    """
    conference_id = conference if isinstance(conference, int) else conference.pk
    codes: dict[int, str] = {}
    with transaction.atomic():
        for rep in representatives:
            codes[rep.pk] = make_code(rep) if make_code else new_access_code()
            rep.access_code_hash = code_hash(codes[rep.pk])
        Representative.objects.bulk_update(list(representatives), ["access_code_hash"], batch_size=500)
        if len(representatives) == 1:
            audit(conference_id, by, action, representatives[0], representative_id=representatives[0].pk)
        elif representatives:
            audit(conference_id, by, action, f"{len(representatives)} representatives", count=len(representatives))
        for rep in representatives:
            events.kick_on_commit(conference_id, f"rep:{rep.pk}")
    return codes


def reissue_code(representative: Representative, by: Representative | None) -> str:
    """A new access code: the old one stops working at once and its open sockets close."""
    codes = issue_codes(representative.conference_id, [representative], by, action="code.reissued")
    return codes[representative.pk]


def revoke_codes(representatives: Sequence[Representative], by: Representative | None) -> int:
    """No code at all (a lost card, before a new one is issued): the old one stops working."""
    with transaction.atomic():
        for rep in representatives:
            rep.access_code_hash = None
            Representative.objects.filter(pk=rep.pk).update(access_code_hash=None)
            audit(rep.conference_id, by, "code.revoked", rep, representative_id=rep.pk)
            events.kick_on_commit(rep.conference_id, f"rep:{rep.pk}")
    return len(representatives)


def record_lockout(
    conference: Conference, scope: str, address: str, representative: Representative | None = None
) -> AuditEntry:
    """Join attempts locked out for abuse: one entry per lockout window (see ratelimit)."""
    with transaction.atomic():
        # The code itself is never written down: the representative it belongs to is enough.
        target = representative if representative is not None else address
        return audit(conference, None, "join.locked_out", target, scope=scope, address=address)
