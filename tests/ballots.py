"""Reading stored ballots in tests, sealed or not, as the server does (with its key)."""

from __future__ import annotations

from voting import secrecy
from voting.models import Ballot, Poll
from voting.secrecy import Contents


def stored(poll: Poll | int) -> list[Contents]:
    """What a poll's stored ballots hold: unsealed while a secret poll is open."""
    poll = Poll.objects.prefetch_related("options").get(pk=poll if isinstance(poll, int) else poll.pk)
    ballots = Ballot.objects.filter(poll=poll).select_related("option").prefetch_related("picks")
    return [secrecy.contents(poll, b) for b in ballots]


def only(poll: Poll | int) -> Contents:
    [contents] = stored(poll)
    return contents


def choices(poll: Poll | int) -> list[str | tuple[str, ...]]:
    return sorted((c.choice for c in stored(poll)), key=str)
