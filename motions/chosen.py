"""The chosen-motions ballot: representatives pick up to N motions from the eligible list;
the top ones by count join the agenda's chosen-motions section; a tie at the last place
is shown for the chair to settle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from conference.actions import audit
from conference.models import Conference, Representative
from voting import actions as voting_actions
from voting import errors, events
from voting.errors import Refused
from voting.models import Option, Poll

from . import events as motion_events
from .models import Motion, Outcome, Section

CHOSEN_SECTION = "Chosen motions"


def eligible_motions(conference: Conference) -> list[Motion]:
    """Motions the agenda committee did not prioritise and that are still open: the grey ones."""
    return list(
        Motion.objects.filter(
            conference=conference, category=Motion.Category.GREY,
            status=Motion.Status.PENDING, outcome=Outcome.NONE,
        ).order_by("number")
    )


def open_chosen_ballot(
    conference: Conference,
    by: Representative | None,
    *,
    max_choices: int,
    motion_ids: Sequence[int] | None = None,
    countdown_seconds: int | None = None,
) -> Poll:
    """The secretariat opens the ballot (the chair then settles any tie)."""
    if by is not None and by.role != Representative.Role.SECRETARIAT:
        raise Refused(errors.FORBIDDEN, "The secretariat opens the chosen-motions ballot.")
    motions = eligible_motions(conference)
    if motion_ids is not None:
        wanted = set(motion_ids)
        motions = [m for m in motions if m.pk in wanted]
        if len(motions) != len(wanted):
            raise Refused(errors.MALFORMED, "Only grey motions still on the agenda can be chosen.")
    if len(motions) < 2:
        raise Refused(errors.INVALID_STATE, "A chosen-motions ballot needs at least two eligible motions.")
    if not 1 <= max_choices < len(motions):
        raise Refused(errors.MALFORMED, f"Each representative picks between 1 and {len(motions) - 1} motions.")
    with transaction.atomic():
        poll = Poll.objects.create(
            conference=conference,
            kind=Poll.Kind.PICK,
            question=f"Chosen motions: pick up to {max_choices}",
            majority=Poll.Majority.NONE,
            max_choices=max_choices,
            allow_change=True,
        )
        Option.objects.bulk_create(
            Option(poll=poll, key=f"m{m.pk}", label=f"{m.number}. {m.title}"[:200], order=i, motion=m)
            for i, m in enumerate(motions)
        )
        return voting_actions.open_poll(poll, by, countdown_seconds)


@dataclass(frozen=True)
class Standing:
    chosen: list[Motion]  # in by count
    tied: list[Motion]  # level on the last place: the chair picks ``open_places`` of them
    open_places: int


def standing(poll: Poll, places: int) -> Standing:
    """Who is in on the counts of a closed ballot. Motions nobody picked are never in."""
    if poll.kind != Poll.Kind.PICK or poll.result is None:
        raise Refused(errors.INVALID_STATE, "Close the chosen-motions ballot first.")
    if places < 1:
        raise Refused(errors.MALFORMED, "At least one place.")
    motions = {o.key: o.motion for o in poll.options.select_related("motion")}
    ranked = sorted(
        ((row["count"], motions[row["key"]]) for row in poll.result["counts"] if row["count"] > 0),
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


def apply_chosen(poll: Poll, places: int, by: Representative | None, settle: Sequence[int] = ()) -> list[Motion]:
    """Move the chosen motions into the chosen section; a tie needs the chair's pick."""
    if poll.status not in {Poll.Status.CLOSED, Poll.Status.PUBLISHED}:
        raise Refused(errors.INVALID_STATE, "Close the chosen-motions ballot first.")
    result = standing(poll, places)
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
        conference = poll.conference
        section, _ = Section.objects.get_or_create(
            conference=conference,
            title=CHOSEN_SECTION,
            defaults={"order": (conference.sections.aggregate(m=Max("order"))["m"] or 0) + 1},
        )
        for position, motion in enumerate(chosen):
            motion.category, motion.section, motion.order = Motion.Category.CHOSEN, section, position
        Motion.objects.bulk_update(chosen, ["category", "section", "order"])
        audit(conference, by, "chosen.applied", poll, poll_id=poll.pk, motions=[m.number for m in chosen],
              settled=[m.number for m in picked])
        seq = conference.next_seq()
        events.send_on_commit(
            conference.pk,
            {"type": motion_events.AGENDA_CHANGED, "seq": seq, "section_id": section.pk,
             "order": [m.pk for m in chosen]},
        )
    return chosen
