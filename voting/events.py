"""The events of polls and votes that clients receive (sent with ``conference.events``).

Event types (every payload has "type"; state changes also carry the conference's
"seq", so a client that sees a gap asks for a snapshot):

- ``snapshot``          the whole state for this viewer (see voting.snapshot)
- ``poll.opened``       seq, poll: id, question, kind, options, closes_at, allow_change, secret
- ``poll.closed``       seq, poll_id (the tally goes to staff only, in ``poll.result``)
- ``poll.result``       seq, poll_id, result (staff only: the chair sees it before publishing)
- ``result.published``  seq, poll_id, poll, result, published_at (everyone; receipts are on the results page)
- ``result.annulled``   seq, poll_id, rerun_poll_id (everyone; the secretariat set a vote aside, desk.actions)
- ``turnout``           poll_id, voted, present (staff and screen; coalesced, no seq)
- ``vote.accepted``     poll_id, choice, receipt, key, changed (only to the voting socket)
- ``error``             code, message, (ref) (only to the socket whose message failed)

docs/protocol.md lists them all with their fields.
"""

from __future__ import annotations

from conference.events import ERROR, SNAPSHOT

POLL_OPENED = "poll.opened"
POLL_CLOSED = "poll.closed"
POLL_RESULT = "poll.result"
RESULT_PUBLISHED = "result.published"
RESULT_ANNULLED = "result.annulled"
TURNOUT = "turnout"
VOTE_ACCEPTED = "vote.accepted"

__all__ = [
    "ERROR",
    "POLL_CLOSED",
    "POLL_OPENED",
    "POLL_RESULT",
    "RESULT_ANNULLED",
    "RESULT_PUBLISHED",
    "SNAPSHOT",
    "TURNOUT",
    "VOTE_ACCEPTED",
]
