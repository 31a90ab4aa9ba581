"""Publishing a declared result to the hall: the projector, the phones, the public page.

A published vote on a motion then decides what it was on (``voting.put.record_poll_outcome``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from conference import errors
from conference.actions import audit
from conference.errors import Refused
from conference.events import publish
from conference.models import Representative

from . import events, rules
from .models import Poll
from .put import record_poll_outcome
from .snapshot import published_payload


def publish_result(poll: Poll, by: Representative | None) -> Poll:
    with transaction.atomic():
        poll = (
            Poll.objects.select_for_update(of=("self",)).select_related("conference", "motion", "part").get(pk=poll.pk)
        )
        if poll.status == Poll.Status.PUBLISHED:
            return poll
        if poll.status != Poll.Status.CLOSED:
            raise Refused(errors.INVALID_STATE, "Close the vote before publishing its result.")
        if poll.result is None:
            raise Refused(errors.INVALID_STATE, "This vote has no result to publish.")
        if poll.result["outcome"] == rules.TIE_AWAITING_CHAIR:
            raise Refused(errors.INVALID_STATE, "A tie awaits the chair's casting vote.")
        poll.status = Poll.Status.PUBLISHED
        poll.published_at = timezone.now()
        poll.save(update_fields=["status", "published_at"])
        audit(poll.conference, by, "result.published", poll, poll_id=poll.pk, outcome=poll.result["outcome"])
        send_published(poll)
        if poll.kind == Poll.Kind.MOTION:
            # After the result: the outcome it decides (and any procedural effect) follows it.
            record_poll_outcome(poll, by)
    return poll


def send_published(poll: Poll) -> None:
    """A published (or corrected) result, to everyone."""
    publish(poll.conference, events.RESULT_PUBLISHED, published_payload(poll))
