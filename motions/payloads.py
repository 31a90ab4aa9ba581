"""What clients see of the procedure: a motion's amendments and outcomes, timers, speakers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from conference.models import Conference

from . import diff
from .models import Amendment, Motion, Outcome, ProceduralMotion, Section, SpeakRequest, StandingOrders
from .wording import final_status, status_label, wording_if_carried, words_under_vote

# What rooms above add to a motion's payload (the policy book: the existing policy it restates),
# registered from their apps.py ready(); motions never imports them (the layering of issue 11).
# A hook takes the motion and returns keys to add; it must be cheap (cache its own work), as
# every payload of the motion calls it.
MotionExtra = Callable[[Motion], dict[str, Any]]
_extras: list[MotionExtra] = []


def register_motion_extra(hook: MotionExtra) -> None:
    if hook not in _extras:
        _extras.append(hook)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def motion_payload(motion: Motion | None) -> dict[str, Any] | None:
    """A motion as clients see it: its wording as amended, and how it stands."""
    if motion is None:
        return None
    changes = diff.amendment_diffs(motion)
    payload: dict[str, Any] = {
        "id": motion.pk,
        "number": motion.number,
        "reference": motion.reference,  # "12", or "E1" for an emergency motion
        "emergency": motion.emergency,
        "awaiting_reply": motion.awaiting_reply,
        "title": motion.title,
        "section": motion.section.title,
        "category": motion.category,
        "proposer": motion.proposer.name if motion.proposer else "",
        "requires_two_thirds": motion.requires_two_thirds,
        "status": motion.status,
        "outcome": motion.outcome,
        "text": motion.wording,
        "original_text": motion.text,
        "amended": bool(motion.text_as_amended),
        "section_id": motion.section_id,
        "order": motion.order,
        "lead_id": motion.lead_id,
        # The group's motions still open: what "mark the group fallen" would take.
        "group": [m.pk for m in motion.group_members.all() if not m.outcome],
        "pulled_from_block": motion.pulled_from_block,
        "debate_requested_by": _asked_by(motion) if motion.pulled_from_block else None,
        "decided_at": _iso(motion.decided_at),
        # The record's final status, in words ("Carried in part (i, iii)", "Referred to ...").
        "final_status": final_status(motion),
        "status_label": status_label(motion),
        "referred_to": motion.referred_to,
        # The exact words a vote on the whole motion would put, parts as they now stand.
        "wording": words_under_vote(motion),
        "parts": [
            {
                "id": p.pk,
                "label": p.label,
                "text": p.wording,  # as amended, if an amendment to this part was carried
                "original_text": p.text,
                "amended": bool(p.text_as_amended),
                "outcome": p.outcome,
            }
            for p in motion.parts.all()
        ],
        "amendments": [  # changes: diff.amendment_diffs, computed once per payload
            {
                "id": a.pk,
                "kind": a.kind,
                "text": a.text,
                "new_wording": a.new_wording,
                # The part it targets ("amend part (ii)"), or None for the whole motion.
                "part_id": a.part_id,
                "part": a.part.label if a.part else None,
                # What the motion (or the part) would read if it were carried now.
                "wording_if_carried": wording_if_carried(a),
                # What it changes, word by word, in the wording it was moved against.
                "diff": changes.get(a.pk, []),
                "proposer": a.proposer.name if a.proposer else "",
                "outcome": a.outcome,
            }
            for a in motion.amendments.select_related("proposer", "part", "motion")
        ],
        "procedural": [
            {
                "id": p.pk,
                "kind": p.kind,
                "label": str(p.get_kind_display()),
                "majority": p.majority,
                "subject": p.subject,
                "outcome": p.outcome,
            }
            for p in motion.procedural_motions.all()
        ],
    }
    for hook in _extras:
        payload |= hook(motion)
    return payload


def _asked_by(motion: Motion) -> dict[str, str] | None:
    rep = motion.debate_requested_by
    if rep is None:
        return None
    return {"name": rep.name, "lmc": rep.lmc.name if rep.lmc else ""}


def labels() -> dict[str, dict[str, str]]:
    """The names clients show for the motions' values, from the models (never listed again in JS)."""

    def of(choices: type[models.TextChoices]) -> dict[str, str]:
        return {value: str(label) for value, label in choices.choices if value}

    return {
        "outcome": of(Outcome),
        "category": of(Motion.Category),
        "motion_status": of(Motion.Status),
        "procedural": of(ProceduralMotion.Kind),
        "amendment_kind": of(Amendment.Kind),
        "side": of(SpeakRequest.Side),
        "role": of(SpeakRequest.Role),
    }


def load_motion(pk: int) -> Motion:
    return (
        Motion.objects.select_related("section", "proposer", "debate_requested_by__lmc")
        .prefetch_related("parts")
        .get(pk=pk)
    )


def timer_payload(conference: Conference, section: Section | None) -> dict[str, Any]:
    """The guillotine of the section under debate, its session and the time left in the day.

    Clients add the time since ``running_since`` to ``used``; an overrun shows, never stops.
    The day ends with the last session on the date of the section's session; without
    sessions, at the standing orders' ``day_ends_at``.
    """
    session = section.session if section is not None and section.session_id else None
    day_ends_at = session.day_ends_at() if session else StandingOrders.of(conference).day_ends_at
    return {
        "section_id": section.pk if section else None,
        "title": section.title if section else "",
        "allocated": section.minutes * 60 if section else 0,
        "used": section.seconds_used if section else 0,
        "running_since": _iso(section.started_at) if section else None,
        "session": session.title if session else "",
        "session_ends_at": _iso(session.ends_at) if session else None,
        "day_ends_at": _iso(day_ends_at),
        "now": timezone.now().isoformat(),
    }


def speech_payload(request: SpeakRequest | None) -> dict[str, Any] | None:
    if request is None:
        return None
    rep = request.representative
    return {
        "id": request.pk,
        "motion_id": request.motion_id,
        "representative_id": rep.pk,
        "name": rep.name,
        "lmc": rep.lmc.name if rep.lmc else "",
        "side": request.side,
        "role": request.role,
        "started_at": _iso(request.started_at),
        "seconds": request.seconds,
    }


def _today_start() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def _queue_order(request: SpeakRequest) -> tuple[bool, datetime, int]:
    # Points of order first (they take precedence), then in the order asked.
    return (request.side != SpeakRequest.Side.POINT_OF_ORDER, request.requested_at, request.pk)


def waiting_by_motion(motion_ids: set[int]) -> dict[int, list[tuple[int, int]]]:
    """Each motion's waiting requests in the queue's order, as (request id, representative id):
    one query for them all."""
    if not motion_ids:
        return {}
    waiting = SpeakRequest.objects.filter(motion_id__in=motion_ids, status=SpeakRequest.Status.WAITING).only(
        "pk", "side", "requested_at", "motion_id", "representative_id"
    )
    found: dict[int, list[tuple[int, int]]] = {}
    for r in sorted(waiting, key=_queue_order):
        found.setdefault(r.motion_id, []).append((r.pk, r.representative_id))
    return found


def speaker_places(motion_id: int | None) -> list[int]:
    """The waiting requests' ids in the queue's order: what a phone finds its place in."""
    if motion_id is None:
        return []
    return [pk for pk, _ in waiting_by_motion({motion_id}).get(motion_id, [])]


def speakers_payload(motion: Motion | None) -> list[dict[str, Any]]:
    """The queue: points of order first (they take precedence), then in the order asked."""
    if motion is None:
        return []
    waiting = list(
        SpeakRequest.objects.filter(motion=motion, status=SpeakRequest.Status.WAITING).select_related(
            "representative__lmc"
        )
    )
    start = _today_start()
    spoken = set(
        SpeakRequest.objects.filter(
            representative__in=[r.representative_id for r in waiting],
            status__in=[SpeakRequest.Status.DONE, SpeakRequest.Status.SPEAKING],
            started_at__gte=start,
            started_at__lt=start + timedelta(days=1),
        ).values_list("representative_id", flat=True)
    )
    waiting.sort(key=_queue_order)
    return [
        {
            "id": r.pk,
            "representative_id": r.representative_id,
            "name": r.representative.name,
            "lmc": r.representative.lmc.name if r.representative.lmc else "",
            "side": r.side,
            "spoken_today": r.representative_id in spoken,
        }
        for r in waiting
    ]


def current_speech(conference: Conference) -> SpeakRequest | None:
    return (
        SpeakRequest.objects.filter(motion__conference=conference, status=SpeakRequest.Status.SPEAKING)
        .select_related("representative__lmc")
        .first()
    )


def block_payload(section: Section | None) -> list[dict[str, Any]]:
    """The section's undecided A and AR motions: a representative may ask to debate one."""
    if section is None:
        return []
    motions = section.motions.filter(category__in=[Motion.Category.A, Motion.Category.AR], outcome="")
    return [
        {"id": m.pk, "number": m.number, "title": m.title, "category": m.category, "pulled": m.pulled_from_block}
        for m in motions
    ]


def procedure_snapshot(conference: Conference, audience: str, current: Motion | None) -> dict[str, Any]:
    """Added to the snapshot: the timer and the speech for all, the queue for staff."""
    section = current.section if current is not None else None
    snapshot: dict[str, Any] = {
        "timer": timer_payload(conference, section),
        "speech": speech_payload(current_speech(conference)),
        "block": block_payload(section),
    }
    if audience == "staff":
        snapshot["speakers"] = speakers_payload(current)
    return snapshot
