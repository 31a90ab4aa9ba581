"""The events clients receive, and how they are sent: only after commit.

Event types (every payload has "type"; state changes also carry the conference's
"seq", so a client that sees a gap asks for a snapshot):

- ``snapshot``          the whole state for this viewer (see voting.snapshot)
- ``item.called``       seq, item: the motion now under debate (or null)
- ``poll.opened``       seq, poll: id, question, kind, options, closes_at, allow_change, secret
- ``poll.closed``       seq, poll_id (the tally goes to staff only, in ``poll.result``)
- ``poll.result``       seq, poll_id, result (staff only: the chair sees it before publishing)
- ``result.published``  seq, poll_id, poll, result, published_at (everyone; receipts are on the results page)
- ``result.annulled``   seq, poll_id, rerun_poll_id (everyone; the secretariat set a vote aside, desk.actions)
- ``turnout``           poll_id, voted, present (staff and screen; coalesced, no seq)
- ``vote.accepted``     poll_id, choice, receipt, key, changed (only to the voting socket)
- ``error``             code, message, (ref) (only to the socket whose message failed)
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from django.db import transaction

from .hub import abroadcast, akick

log = logging.getLogger(__name__)

ITEM_CALLED = "item.called"
POLL_OPENED = "poll.opened"
POLL_CLOSED = "poll.closed"
POLL_RESULT = "poll.result"
RESULT_PUBLISHED = "result.published"
RESULT_ANNULLED = "result.annulled"
TURNOUT = "turnout"
VOTE_ACCEPTED = "vote.accepted"
SNAPSHOT = "snapshot"
ERROR = "error"


def send_now(conference_id: int, event: dict[str, Any], audience: str) -> None:
    try:
        async_to_sync(abroadcast)(conference_id, event, audience)
    except Exception:  # the database has it; clients resync from a snapshot
        log.warning("broadcast of %s failed", event.get("type"), exc_info=True)


def send_on_commit(conference_id: int, event: dict[str, Any], audience: str = "all") -> None:
    """Queue an event for after the current transaction commits; never before."""
    transaction.on_commit(lambda: send_now(conference_id, event, audience), robust=True)


def kick_on_commit(conference_id: int, audience: str) -> None:
    def kick() -> None:
        try:
            async_to_sync(akick)(conference_id, audience)
        except Exception:
            log.warning("kick of %s failed", audience, exc_info=True)

    transaction.on_commit(kick, robust=True)


def error(code: str, message: str, ref: Any = None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": ERROR, "code": code, "message": message}
    if ref is not None:
        event["ref"] = ref
    return event
