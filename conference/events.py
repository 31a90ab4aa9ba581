"""Sending events to clients: only after commit, with the conference's sequence number.

Each app names its own events (``motions.events``, ``voting.events``); this module is how
any of them is sent. A state change every client must see takes the conference's next
sequence number, so a client that sees a gap asks for a snapshot; an event for a narrower
audience (staff only) carries the current number, so nobody else sees a gap; an ephemeral
event (turnout, the speaker queue) carries none.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from django.db import transaction

from . import close_codes
from .hub import abroadcast_many, akick
from .models import Conference

log = logging.getLogger(__name__)

SNAPSHOT = "snapshot"
ERROR = "error"

EVERYONE = "all"


def send_now(conference_id: int, event: dict[str, Any], audience: str) -> None:
    send_together(conference_id, [event], audience)


def send_together(conference_id: int, events: list[dict[str, Any]], audience: str) -> None:
    """Events for one audience, in order, as one channel-layer message: each process's hub
    writes them to each socket in one write (conference.hub)."""
    try:
        async_to_sync(abroadcast_many)(conference_id, events, audience)
    except Exception:  # the database has it; clients resync from a snapshot
        log.warning("broadcast of %s failed", ", ".join(str(e.get("type")) for e in events), exc_info=True)


class _Outgoing:
    """An on-commit hook sending a transaction's consecutive events for one audience."""

    def __init__(self, conference_id: int, audience: str, event: dict[str, Any]) -> None:
        self.conference_id, self.audience, self.events = conference_id, audience, [event]

    def __call__(self) -> None:
        send_together(self.conference_id, self.events, self.audience)


def send_on_commit(conference_id: int, event: dict[str, Any], audience: str = EVERYONE) -> None:
    """Queue an event for after the current transaction commits; never before.

    An event that follows another of the same conference and audience, with no other
    on-commit hook between them and in the same savepoint (so a rollback takes both or
    neither), rides in the earlier one's hook: a publish's ``result.published`` and the
    ``motion.updated`` it decides reach every socket in one write (bench/README.md).
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and connection.run_on_commit:
        savepoints, last, _robust = connection.run_on_commit[-1]
        if (
            isinstance(last, _Outgoing)
            and (last.conference_id, last.audience) == (conference_id, audience)
            and savepoints == set(connection.savepoint_ids)
        ):
            last.events.append(event)
            return
    transaction.on_commit(_Outgoing(conference_id, audience, event), robust=True)


def publish(
    conference: Conference | int,
    type: str,
    payload: dict[str, Any],
    audience: str = EVERYONE,
    *,
    sequenced: bool = True,
) -> int | None:
    """Send ``{"type": type, "seq": ..., **payload}`` after commit; returns the seq it carries.

    Call it inside the transaction that made the change.
    """
    conference_id = conference if isinstance(conference, int) else conference.pk
    event: dict[str, Any] = {"type": type}
    seq: int | None = None
    if sequenced:
        if audience == EVERYONE:
            seq = Conference(pk=conference_id).next_seq()
            if isinstance(conference, Conference):
                conference.event_seq = seq
        else:
            seq = Conference.objects.values_list("event_seq", flat=True).get(pk=conference_id)
        event["seq"] = seq
    event.update(payload)
    send_on_commit(conference_id, event, audience)
    return seq


def kick_on_commit(conference_id: int, audience: str, code: int = close_codes.SIGNED_OUT) -> None:
    """After commit, close the sockets of an audience (for example ``rep:12``) with ``code``
    (conference.close_codes: SIGNED_OUT is final, RECHECK makes the page reconnect)."""

    def kick() -> None:
        try:
            async_to_sync(akick)(conference_id, audience, code)
        except Exception:
            log.warning("kick of %s failed", audience, exc_info=True)

    transaction.on_commit(kick, robust=True)


def error(code: str, message: str, ref: Any = None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": ERROR, "code": code, "message": message}
    if ref is not None:
        event["ref"] = ref
    return event
