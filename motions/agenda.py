"""The agenda in the chair's hands: calling an item, order within a section, next, skip,
back, and the section timers (the guillotine) that run while a section's items are on the floor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from conference import errors
from conference.actions import audit
from conference.errors import Refused
from conference.events import publish
from conference.models import Conference, Representative

from . import events as motion_events
from .debate import end_speech_if_any, send_queue
from .models import Motion, Outcome, Section
from .payloads import block_payload, load_motion, motion_payload, timer_payload


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
        item = motion_payload(load_motion(motion.pk)) if motion else None
        payload: dict[str, Any] = {"item": item}
        if timer is not None:
            payload["timer"] = timer
            payload["block"] = block_payload(motion.section if motion else None)
        publish(conference, motion_events.ITEM_CALLED, payload)
        if timer is not None:
            send_queue(conference.pk, motion)
    return motion


def _floor_changed(conference: Conference, motion: Motion | None) -> dict[str, Any]:
    """A new item on the floor: any speech ends, and its section's timer runs (returned)."""
    end_speech_if_any(conference)
    return switch_section_timer(conference, motion.section if motion else None)


def reachable(motion: Motion) -> bool:
    """Taken in turn by "next": not grey (only if called), never incompetent, not in an A/AR block."""
    return (
        motion.outcome == Outcome.NONE
        and motion.can_be_put
        and motion.category != Motion.Category.GREY
        and not motion.in_block
    )


def _sequence(conference: Conference) -> list[Motion]:
    return list(Motion.objects.filter(conference=conference).select_related("section"))


def _neighbour(conference: Conference, step: int) -> Motion | None:
    conference.refresh_from_db(fields=["current_motion"])
    items = _sequence(conference)
    ids = [m.pk for m in items]
    here = ids.index(conference.current_motion_id) if conference.current_motion_id in ids else -1
    if step < 0 and here < 0:
        return None
    candidates = items[here + 1 :] if step > 0 else reversed(items[:here])
    if step > 0:
        return next((m for m in candidates if reachable(m)), None)
    # Going back finds the previous item even if decided: the chair may want it again.
    return next((m for m in candidates if m.can_be_put and m.category != Motion.Category.GREY and not m.in_block), None)


def call_next(conference: Conference, by: Representative | None) -> Motion | None:
    """Move on: the next undecided item in agenda order (or an empty floor at the end)."""
    return call_motion(conference, _neighbour(conference, +1), by)


def skip(conference: Conference, by: Representative | None) -> Motion | None:
    """Leave the item on the floor undecided and move on; it can be called again."""
    with transaction.atomic():
        conference.refresh_from_db(fields=["current_motion"])
        if conference.current_motion_id is None:
            raise Refused(errors.INVALID_STATE, "Nothing is on the floor to skip.")
        audit(conference, by, "item.skipped", conference.current_motion, motion_id=conference.current_motion_id)
        return call_next(conference, by)


def go_back(conference: Conference, by: Representative | None) -> Motion:
    with transaction.atomic():
        previous = _neighbour(conference, -1)
        if previous is None:
            raise Refused(errors.INVALID_STATE, "There is no earlier item to go back to.")
        call_motion(conference, previous, by)
    return previous


def reorder(section: Section, motion_ids: Sequence[int], by: Representative | None) -> list[int]:
    """A section's motions in a new order: the list must name each of them once."""
    with transaction.atomic():
        motions = {m.pk: m for m in Motion.objects.select_for_update().filter(section=section)}
        if sorted(motion_ids) != sorted(motions) or len(set(motion_ids)) != len(motion_ids):
            raise Refused(errors.MALFORMED, "Give every motion of the section once, in the new order.")
        for position, pk in enumerate(motion_ids):
            motions[pk].order = position
        Motion.objects.bulk_update(motions.values(), ["order"])
        audit(section.conference_id, by, "agenda.reordered", section, section_id=section.pk, order=list(motion_ids))
        publish(
            section.conference_id, motion_events.AGENDA_CHANGED, {"section_id": section.pk, "order": list(motion_ids)}
        )
    return list(motion_ids)


def switch_section_timer(conference: Conference, section: Section | None) -> dict[str, Any]:
    """Inside call_motion's transaction: the called item's section runs, every other stops.

    Returns the timer payload, which travels with ``item.called``.
    """
    now = timezone.now()
    for other in Section.objects.select_for_update().filter(conference=conference, started_at__isnull=False):
        if (section is not None and other.pk == section.pk) or other.started_at is None:
            continue
        other.seconds_used += int((now - other.started_at).total_seconds())
        other.started_at = None
        other.save(update_fields=["seconds_used", "started_at"])
    if section is not None:
        section = Section.objects.select_for_update().get(pk=section.pk)
        if section.started_at is None:
            section.started_at = now
            section.save(update_fields=["started_at"])
    return timer_payload(conference, section)
