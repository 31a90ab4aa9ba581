"""Changes to the agenda: calling an item."""

from __future__ import annotations

from django.db import transaction

from conference.actions import audit
from conference.models import Conference, Representative
from voting import errors, events
from voting.errors import Refused
from voting.snapshot import motion_payload

from .models import Motion


def call_motion(conference: Conference, motion: Motion | None, by: Representative | None) -> Motion | None:
    """Put a motion before the hall (or clear the floor with None)."""
    if motion is not None and motion.conference_id != conference.pk:
        raise Refused(errors.UNKNOWN_POLL, "That motion is not on this conference's agenda.")
    with transaction.atomic():
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        conference.current_motion = motion
        conference.save(update_fields=["current_motion"])
        if motion is not None and motion.status == Motion.Status.PENDING:
            motion.status = Motion.Status.UNDER_DEBATE
            motion.save(update_fields=["status"])
        audit(conference, by, "item.called", motion or "the floor cleared", motion_id=motion.pk if motion else None)
        seq = conference.next_seq()
        item = motion_payload(
            Motion.objects.select_related("section", "proposer").prefetch_related("parts").get(pk=motion.pk)
        ) if motion else None
        events.send_on_commit(conference.pk, {"type": events.ITEM_CALLED, "seq": seq, "item": item})
    return motion
