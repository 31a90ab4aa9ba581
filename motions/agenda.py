"""The agenda in the chair's hands: order within a section, next, skip, back, and the
section timers (the guillotine) that run while a section's items are on the floor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from conference.actions import audit
from conference.models import Conference, Representative
from voting import errors, events
from voting.errors import Refused

from . import events as motion_events
from .models import Motion, Outcome, Section
from .payloads import timer_payload


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
    from .actions import call_motion

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
    from .actions import call_motion

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
        seq = Conference(pk=section.conference_id).next_seq()
        events.send_on_commit(
            section.conference_id,
            {"type": motion_events.AGENDA_CHANGED, "seq": seq, "section_id": section.pk, "order": list(motion_ids)},
        )
    return list(motion_ids)


def switch_section_timer(conference: Conference, section: Section | None) -> dict[str, Any]:
    """Inside call_motion's transaction: the called item's section runs, every other stops.

    Returns the timer payload, which travels with ``item.called``.
    """
    now = timezone.now()
    for other in Section.objects.select_for_update().filter(conference=conference, started_at__isnull=False):
        if section is not None and other.pk == section.pk:
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
