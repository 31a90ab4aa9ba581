"""Changes to the agenda: calling an item."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from conference.actions import audit
from conference.models import Conference, Representative
from voting import errors, events
from voting.errors import Refused
from voting.snapshot import motion_payload

from .models import Motion
from .payloads import block_payload, load_motion


def call_motion(conference: Conference, motion: Motion | None, by: Representative | None) -> Motion | None:
    """Put a motion before the hall (or clear the floor with None)."""
    if motion is not None and motion.conference_id != conference.pk:
        raise Refused(errors.UNKNOWN_POLL, "That motion is not on this conference's agenda.")
    with transaction.atomic():
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        previous_id = conference.current_motion_id
        conference.current_motion = motion
        conference.save(update_fields=["current_motion"])
        if previous_id is not None and previous_id != (motion.pk if motion else None):
            # An item left undecided (skipped) goes back on the agenda.
            Motion.objects.filter(pk=previous_id, status=Motion.Status.UNDER_DEBATE, outcome="").update(
                status=Motion.Status.PENDING
            )
        if motion is not None and motion.status == Motion.Status.PENDING:
            motion.status = Motion.Status.UNDER_DEBATE
            motion.save(update_fields=["status"])
        audit(conference, by, "item.called", motion or "the floor cleared", motion_id=motion.pk if motion else None)
        timer = _floor_changed(conference, motion) if previous_id != (motion.pk if motion else None) else None
        seq = conference.next_seq()
        item = motion_payload(load_motion(motion.pk)) if motion else None
        event = {"type": events.ITEM_CALLED, "seq": seq, "item": item}
        if timer is not None:
            event["timer"] = timer
            event["block"] = block_payload(motion.section if motion else None)
        events.send_on_commit(conference.pk, event)
        if timer is not None:
            from .debate import send_queue

            send_queue(conference.pk, motion)
    return motion


def _floor_changed(conference: Conference, motion: Motion | None) -> dict[str, Any]:
    """A new item on the floor: any speech ends, and its section's timer runs (returned)."""
    from .agenda import switch_section_timer
    from .debate import end_speech_if_any

    end_speech_if_any(conference)
    return switch_section_timer(conference, motion.section if motion else None)
