"""A motion's wording as decided: the tabled text, the carried amendments and riders
applied to the motion or to the part they target, and the final status of every motion.

One place for the rule, used by the payloads clients see, by the vote (what is put) and
by the record (``voting.record``, the resolutions, the public pages, the exports).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .models import Amendment, Motion, MotionPart, Outcome

CARRIED_OUTCOMES = {Outcome.CARRIED, Outcome.CARRIED_IN_PART, Outcome.CARRIED_AS_REFERENCE}


def amended(text: str, amendment: Amendment) -> str:
    """The wording ``text`` becomes if ``amendment`` is carried: an amendment replaces it,
    a rider adds to it."""
    if amendment.kind == Amendment.Kind.RIDER:
        return f"{text}\n{amendment.text}" if text else amendment.text
    return amendment.new_wording


def wording_if_carried(amendment: Amendment) -> str:
    """What the motion (or the targeted part) would read if this amendment were carried now."""
    target = amendment.part if amendment.part is not None else amendment.motion
    assert target is not None
    return amended(target.wording, amendment)


def apply_amendments(motion: Motion) -> None:
    """Derive the wording as amended of the motion and of each part from the carried
    amendments, in the order they were moved. Called whenever an amendment's outcome
    changes (decided, corrected, annulled), so the wording never drifts from the record."""
    motion_text, part_texts = motion.text, {p.pk: p.text for p in motion.parts.all()}
    touched_motion, touched_parts = False, set()
    for amendment in motion.amendments.filter(outcome=Outcome.CARRIED).order_by("order", "pk"):
        if amendment.part_id is not None and amendment.part_id in part_texts:
            part_texts[amendment.part_id] = amended(part_texts[amendment.part_id], amendment)
            touched_parts.add(amendment.part_id)
        else:
            motion_text, touched_motion = amended(motion_text, amendment), True
    motion.text_as_amended = motion_text if touched_motion else ""
    Motion.objects.filter(pk=motion.pk).update(text_as_amended=motion.text_as_amended)
    for part in motion.parts.all():
        value = part_texts[part.pk] if part.pk in touched_parts else ""
        if part.text_as_amended != value:
            MotionPart.objects.filter(pk=part.pk).update(text_as_amended=value)


def stem_and_riders(motion: Motion, parts: list[MotionPart] | None = None) -> tuple[str, list[str]]:
    """A motion in parts as it is printed: its opening words (as amended) before the parts,
    and the carried riders after them, in the order moved, since a rider adds to the motion
    as a whole, after its last part. A motion without parts reads as one text (``wording``)."""
    parts = list(motion.parts.all()) if parts is None else parts
    if not parts:
        return motion.wording, []
    stem, riders = motion.text, []
    for amendment in motion.amendments.filter(outcome=Outcome.CARRIED, part__isnull=True).order_by("order", "pk"):
        if amendment.kind == Amendment.Kind.RIDER:
            riders.append(amendment.text)
        else:  # a new wording replaces the whole, riders carried before it included
            stem, riders = amendment.new_wording, []
    return stem, riders


def words_under_vote(motion: Motion, part: MotionPart | None = None) -> str:
    """The exact words the hall votes on: the part as it now stands, or the motion with
    its parts as they now stand, then its riders."""
    if part is not None:
        return f"({part.label}) {part.wording}"
    parts = list(motion.parts.all())
    stem, riders = stem_and_riders(motion, parts)
    return "\n".join([stem] + [f"({p.label}) {p.wording}" for p in parts] + riders)


def part_record(part: MotionPart) -> dict[str, Any]:
    return {
        "id": part.pk,
        "label": part.label,
        "text": part.wording,
        "tabled_text": part.text,
        "amended": bool(part.text_as_amended) and part.text_as_amended != part.text,
        "outcome": part.outcome,
        "outcome_label": str(Outcome(part.outcome).label),
    }


def final_status(motion: Motion) -> str:
    """The status the record gives a motion: its outcome, or incompetent if it was ruled
    out, or "" while it is still open."""
    if motion.outcome:
        return motion.outcome
    if motion.category == Motion.Category.INCOMPETENT:
        return Outcome.INCOMPETENT
    return Outcome.NONE


def status_label(motion: Motion, parts: list[MotionPart] | None = None) -> str:
    """The final status in the conference's words: "Carried in part (i, iii)", "Referred to
    GPC Wales", "Not decided"."""
    status = final_status(motion)
    label = str(Outcome(status).label)
    if status == Outcome.CARRIED_IN_PART:
        carried = [
            p.label for p in (parts if parts is not None else motion.parts.all()) if p.outcome in CARRIED_OUTCOMES
        ]
        label = _("Carried in part (%(parts)s)") % {"parts": ", ".join(carried)}
    elif status == Outcome.REFERRED and motion.referred_to:
        label = _("Referred to %(body)s") % {"body": motion.referred_to}
    return label


def motion_wording(motion: Motion) -> dict[str, Any]:
    """The motion's wording as decided, part by part, with the tabled text beside it."""
    parts = list(motion.parts.all())
    stem, riders = stem_and_riders(motion, parts)
    return {
        "text": motion.wording,
        # Printed in this order: the stem, the parts, the riders (for a motion without
        # parts the stem is the whole text and the riders are in it).
        "stem": stem,
        "riders": riders,
        # Whether the opening words themselves differ from the tabled text (a rider added
        # after the parts, or an amendment to one part, leaves them as tabled).
        "stem_amended": stem != motion.text,
        "tabled_text": motion.text,
        "amended": bool(motion.text_as_amended) and motion.text_as_amended != motion.text,
        "parts": [part_record(p) for p in parts],
        "status": final_status(motion),
        "status_label": status_label(motion, parts),
        "carried_parts": [p.label for p in parts if p.outcome in CARRIED_OUTCOMES],
        "referred_to": motion.referred_to,
        "without_debate": motion.category in {Motion.Category.A, Motion.Category.AR} and not motion.pulled_from_block,
    }
