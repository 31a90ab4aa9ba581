from __future__ import annotations


class Refused(Exception):
    """An action that cannot be done, with a code for clients and a sentence for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# The error codes a client can receive.
NOT_LOGGED_IN = "not_logged_in"
FORBIDDEN = "forbidden"
NOT_ELIGIBLE = "not_eligible"
POLL_NOT_OPEN = "poll_not_open"
UNKNOWN_POLL = "unknown_poll"
UNKNOWN_CHOICE = "unknown_choice"
ALREADY_VOTED = "already_voted"
MALFORMED = "malformed"
TOO_LARGE = "too_large"
NOT_RECORDED = "not_recorded"  # the database could not take it: try again
INVALID_STATE = "invalid_state"
RATE_LIMITED = "rate_limited"  # too many requests: wait and try again
