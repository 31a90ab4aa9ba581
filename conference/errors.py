from __future__ import annotations

from typing import Any, Literal, overload


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


@overload
def whole_number(message: dict[str, Any], name: str, *, optional: Literal[False] = False) -> int: ...
@overload
def whole_number(message: dict[str, Any], name: str, *, optional: bool) -> int | None: ...
def whole_number(message: dict[str, Any], name: str, *, optional: bool = False) -> int | None:
    """A message's id or count: a positive whole number that fits the database, or Refused."""
    value = message.get(name)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise Refused(MALFORMED, f'"{name}" must be a positive whole number.')
    return value
