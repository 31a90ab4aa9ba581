"""Closing a poll and declaring its result (DESIGN §4.6): a secret poll's ballots unsealed
and written afresh shuffled (``voting.secrecy``), the tally from the database, the
standing orders' majority, the result to the chair only."""

from __future__ import annotations

import logging
from fractions import Fraction

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from conference import errors
from conference.actions import audit
from conference.errors import Refused
from conference.events import publish
from conference.models import Representative
from motions.models import StandingOrders

from . import events, rules, secrecy
from .models import Ballot, Poll
from .snapshot import poll_payload

log = logging.getLogger(__name__)


def tally(poll: Poll) -> list[rules.OptionCount]:
    if poll.kind == Poll.Kind.PICK:
        through = Ballot.picks.through
        counts = dict(through.objects.filter(ballot__poll=poll).values_list("option").annotate(n=Count("id")))
    else:
        counts = dict(Ballot.objects.filter(poll=poll).values_list("option").annotate(n=Count("id")))
    return [rules.OptionCount(o.key, o.label, counts.get(o.pk, 0)) for o in poll.options.all()]


def close_poll(poll_id: int, by: Representative | None = None) -> Poll | None:
    """Close a poll and declare its result to the chair. Closing twice does nothing."""
    with transaction.atomic():
        # FOR UPDATE waits for the vote batches that hold the poll FOR KEY SHARE, so every
        # vote acknowledged before the close is in the tally, and none is accepted after.
        poll = Poll.objects.select_for_update(of=("self",)).select_related("conference").filter(pk=poll_id).first()
        if poll is None or poll.status != Poll.Status.OPEN:
            return poll
        try:
            # The sealed ballots, opened and written afresh in random order; the key erased.
            secrecy.unseal_ballots(poll)
        except secrecy.BallotKeyLost as lost:
            log.error("secret poll %s cannot be closed: %s", poll.pk, lost)
            raise Refused(
                errors.INVALID_STATE,
                "This vote's ballots cannot be opened: the server's BALLOT_KEY is not the one it was opened "
                "with. Restore that key and close the vote again, or annul the vote and re-run it.",
            ) from None
        ballots = Ballot.objects.filter(poll=poll).count()
        result = rules.decide(
            tally(poll),
            poll.majority,
            chair_casting_vote=poll.conference.chair_casting_vote,
            thresholds=thresholds(poll.conference_id),
            voters=ballots if poll.kind == Poll.Kind.PICK else None,
        )
        poll.status = Poll.Status.CLOSED
        poll.closed_at = timezone.now()
        # A vote nobody voted in: the chair is warned before publishing it (the console shows it).
        poll.result = {**result.as_dict(), "no_ballots": ballots == 0}
        if poll.kind == Poll.Kind.SCALE:
            poll.result |= rules.scale_summary(result.counts)
        poll.save(update_fields=["status", "closed_at", "result", "sealed_key"])
        audit(poll.conference, by, "poll.closed", poll, poll_id=poll.pk, result=poll.result)
        publish(poll.conference, events.POLL_CLOSED, {"poll_id": poll.pk})
        send_result_to_staff(poll)
    return poll


def thresholds(conference_id: int) -> rules.Thresholds:
    so = StandingOrders.of(conference_id)
    return rules.Thresholds(
        Fraction(so.simple_numerator, so.simple_denominator), Fraction(so.qualified_numerator, so.qualified_denominator)
    )


def resolve_tie(poll: Poll, carried: bool, by: Representative) -> Poll:
    """The chair's casting vote on a tie, where the standing orders give one."""
    with transaction.atomic():
        poll = Poll.objects.select_for_update(of=("self",)).select_related("conference").get(pk=poll.pk)
        if poll.status != Poll.Status.CLOSED or not poll.result or poll.result["outcome"] != rules.TIE_AWAITING_CHAIR:
            raise Refused(errors.INVALID_STATE, "There is no tie awaiting the chair's casting vote.")
        poll.result = {
            **poll.result,
            "outcome": rules.CARRIED if carried else rules.LOST,
            "casting_vote": "for" if carried else "against",
        }
        poll.save(update_fields=["result"])
        audit(poll.conference, by, "poll.casting_vote", poll, poll_id=poll.pk, carried=carried)
        send_result_to_staff(poll)
    return poll


def send_result_to_staff(poll: Poll) -> None:
    """The declared result, to the chair and the secretariat only, until it is published."""
    publish(
        poll.conference_id,
        events.POLL_RESULT,
        {"poll_id": poll.pk, "poll": poll_payload(poll), "result": poll.result},
        "staff",
    )
