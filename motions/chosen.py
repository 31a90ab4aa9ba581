"""The chosen-motions ballot: representatives pick up to N motions from the eligible list;
the top ones by count join the agenda's chosen-motions section; a tie at the last place
is shown for the chair to settle. The ballot itself is voting's (``voting.put``); this
is the agenda's side: which motions may be chosen, and who is in on the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from conference import errors
from conference.actions import audit
from conference.errors import Refused
from conference.events import publish
from conference.models import Conference, Representative

from . import events as motion_events
from .models import Motion, Outcome, Section

CHOSEN_SECTION = "Chosen motions"


def eligible_motions(conference: Conference) -> list[Motion]:
    """Motions the agenda committee did not prioritise and that are still open: the grey ones."""
    return list(
        Motion.objects.filter(
            conference=conference,
            category=Motion.Category.GREY,
            status=Motion.Status.PENDING,
            outcome=Outcome.NONE,
        ).order_by("number")
    )


@dataclass(frozen=True)
class Standing:
    chosen: list[Motion]  # in by count
    tied: list[Motion]  # level on the last place: the chair picks ``open_places`` of them
    open_places: int


def standing(counts: Sequence[tuple[Motion, int]], places: int) -> Standing:
    """Who is in on a closed ballot's counts (motion, picks). Motions nobody picked are never in."""
    if places < 1:
        raise Refused(errors.MALFORMED, "At least one place.")
    ranked = sorted(
        ((count, motion) for motion, count in counts if count > 0),
        key=lambda pair: (-pair[0], pair[1].number),
    )
    if len(ranked) <= places:
        return Standing([m for _, m in ranked], [], 0)
    last = ranked[places - 1][0]
    if ranked[places][0] != last:
        return Standing([m for _, m in ranked[:places]], [], 0)
    chosen = [m for count, m in ranked if count > last]
    tied = [m for count, m in ranked if count == last]
    return Standing(chosen, tied, places - len(chosen))


def apply_chosen(
    conference: Conference,
    counts: Sequence[tuple[Motion, int]],
    places: int,
    by: Representative | None,
    settle: Sequence[int] = (),
    *,
    poll_id: int | None = None,
    ballot: object = "",
) -> list[Motion]:
    """Move the chosen motions into the chosen section; a tie needs the chair's pick."""
    result = standing(counts, places)
    picked: list[Motion] = []
    if result.tied:
        tied = {m.pk: m for m in result.tied}
        if len(set(settle)) != result.open_places or not set(settle) <= set(tied):
            names = ", ".join(str(m.number) for m in result.tied)
            raise Refused(
                errors.INVALID_STATE,
                f"A tie for the last {result.open_places} place(s) between motions {names}: the chair picks.",
            )
        picked = [tied[pk] for pk in settle]
    chosen = result.chosen + picked
    with transaction.atomic():
        section, _ = Section.objects.get_or_create(
            conference=conference,
            title=CHOSEN_SECTION,
            defaults={"order": (conference.sections.aggregate(m=Max("order"))["m"] or 0) + 1},
        )
        for position, motion in enumerate(chosen):
            motion.category, motion.section, motion.order = Motion.Category.CHOSEN, section, position
        Motion.objects.bulk_update(chosen, ["category", "section", "order"])
        audit(
            conference,
            by,
            "chosen.applied",
            ballot,
            poll_id=poll_id,
            motions=[m.number for m in chosen],
            settled=[m.number for m in picked],
        )
        publish(conference, motion_events.AGENDA_CHANGED, {"section_id": section.pk, "order": [m.pk for m in chosen]})
    return chosen
