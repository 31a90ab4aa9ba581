"""Putting a question to the hall: every poll is made here, by one constructor.

A motion or one of its parts, an amendment or a rider, a procedural motion, a section's
A/AR block, the chosen-motions ballot and a free live poll. The motion's own state (its
wording, outcome, group, block) is ``motions``'; when a vote is published,
``record_poll_outcome`` hands the result to motions and does what it says follows.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from conference import errors
from conference.actions import audit
from conference.errors import Refused
from conference.models import Conference, Representative
from motions import chosen, debate, procedure
from motions.models import Amendment, Motion, MotionPart, Outcome, ProceduralMotion, Section, SpeakRequest

from .actions import open_poll
from .models import Option, Poll

MOTION_OPTIONS = [("for", "For"), ("against", "Against"), ("abstain", "Abstain")]
# An option carries the motion it stands for on a chosen-motions ballot.
Choice = tuple[str, str] | tuple[str, str, Motion]


def new_poll(
    conference_id: int,
    question: str,
    *,
    kind: str = Poll.Kind.MOTION,
    majority: str = Poll.Majority.SIMPLE,
    options: Sequence[Choice] = MOTION_OPTIONS,
    **fields: object,
) -> Poll:
    """The one poll constructor: a draft poll with its options (For/Against/Abstain by default)."""
    with transaction.atomic():
        poll = Poll.objects.create(
            conference_id=conference_id, kind=kind, question=question[:500], majority=majority, **fields
        )
        Option.objects.bulk_create(
            Option(poll=poll, key=c[0], label=c[1][:200], order=i, motion=c[2] if len(c) > 2 else None)
            for i, c in enumerate(options)
        )
    return poll


# --- Motions and their parts ---------------------------------------------------------


def _check_not_decided(motion: Motion, parts: Sequence[MotionPart], reput: bool, reason: str) -> str:
    """One result per decision: a decided motion or part is put again only on purpose,
    with the chair's reason (the first result stays in the history)."""
    decided: list[Motion | MotionPart]
    if parts:
        decided_parts = [p for p in parts if p.outcome]
        decided = list(decided_parts)
        what = _("Part %(parts)s is decided") % {"parts": ", ".join(f"({p.label})" for p in decided_parts)}
    else:
        decided = [motion] if motion.outcome else list(motion.parts.exclude(outcome=Outcome.NONE))
        what = _("This motion is decided") if motion.outcome else _("Parts of this motion are decided")
    if not decided:
        return ""
    if not reput:
        raise Refused(errors.INVALID_STATE, f"{what}: to put it again, re-put it deliberately with a reason.")
    if not reason.strip():
        raise Refused(errors.MALFORMED, _("Re-putting a decided question needs the chair's reason for the record."))
    return reason.strip()[:2000]


def create_motion_poll(
    motion: Motion,
    part: MotionPart | None = None,
    *,
    allow_change: bool = False,
    secret: bool = True,
    parts: Sequence[MotionPart] = (),
    reput: bool = False,
    reason: str = "",
    by: Representative | None = None,
) -> Poll:
    """A vote on the motion, on one part, or on several parts taken together."""
    if not motion.can_be_put:
        raise Refused(errors.INVALID_STATE, "An incompetent motion is never put to a vote.")
    voted = list(parts) or ([part] if part is not None else [])
    # Their state as it is now, not as the caller last read it.
    motion = Motion.objects.select_related("conference").get(pk=motion.pk)
    fresh = MotionPart.objects.in_bulk([p.pk for p in voted])
    voted = [fresh[p.pk] for p in voted]
    if any(p.motion_id != motion.pk for p in voted):
        raise Refused(errors.MALFORMED, "That part belongs to another motion.")
    if len({p.pk for p in voted}) != len(voted):
        raise Refused(errors.MALFORMED, "A part is named twice.")
    if procedure.undecided_amendments(motion):
        raise Refused(errors.INVALID_STATE, "Put the amendments and riders to the vote before the motion.")
    reason = _check_not_decided(motion, voted, reput, reason)
    # Parts put on their own are "as amended" when those parts were (a rider added to the
    # whole, or an amendment to another part, leaves them as tabled).
    changed = any(p.text_as_amended for p in voted) if voted else bool(motion.text_as_amended)
    amended = " as amended" if changed or (not voted and motion.parts.exclude(text_as_amended="").exists()) else ""
    if len(voted) > 1:
        labels = " and ".join(f"({p.label})" for p in voted)
        question = f"Motion {motion.reference}, parts {labels} together{amended}: {motion.title}"
    else:
        part_label = f", part ({voted[0].label})" if voted else ""
        question = f"Motion {motion.reference}{part_label}{amended}: {motion.title}"
    poll = new_poll(
        motion.conference_id,
        question,
        majority=Poll.Majority.TWO_THIRDS if motion.requires_two_thirds else Poll.Majority.SIMPLE,
        motion=motion,
        part=voted[0] if len(voted) == 1 else None,
        allow_change=allow_change,
        secret=secret,
        reput_reason=reason,
    )
    if len(voted) > 1:
        poll.parts.set(voted)
    if reason:
        audit(motion.conference_id, by, "motion.reput", motion, motion_id=motion.pk, poll_id=poll.pk, reason=reason)
    return poll


def put_motion(
    motion: Motion,
    part: MotionPart | None,
    by: Representative | None,
    *,
    countdown: int | None = None,
    allow_change: bool = False,
    secret: bool = True,
    parts: Sequence[MotionPart] = (),
    reput: bool = False,
    reason: str = "",
) -> Poll:
    """Put a motion (one part, or parts taken together) to the vote; a refused open leaves
    no draft behind. A decided question is refused unless ``reput`` with a ``reason``."""
    with transaction.atomic():
        poll = create_motion_poll(
            motion, part, allow_change=allow_change, secret=secret, parts=parts, reput=reput, reason=reason, by=by
        )
        return open_poll(poll, by, countdown)


def put_question(motion: Motion, by: Representative | None) -> Poll | None:
    """Closure carried: the question under debate is put at once (the next amendment first).

    A motion in parts waits for the chair to say how it is taken.
    """
    amendment = motion.amendments.filter(outcome=Outcome.NONE).first()
    if amendment is not None:
        return put_amendment(amendment, by)
    if not motion.parts.exists():
        return put_motion(motion, None, by)
    return None


def end_speech(conference: Conference, by: Representative | None) -> Poll | None:
    """The chair ends a speech; if it was the proposer's reply after a carried closure, the
    question is put now (the standing orders' right of reply before the vote)."""
    with transaction.atomic():
        ended = debate.end_speech(conference, by)
        if ended.role == SpeakRequest.Role.REPLY and procedure.reply_given(ended.motion, by):
            return put_question(Motion.objects.get(pk=ended.motion_id), by)
    return None


# --- Amendments, procedural motions, the A/AR block -----------------------------------


def put_amendment(amendment: Amendment, by: Representative | None, countdown: int | None = None) -> Poll:
    with transaction.atomic():
        amendment = (
            Amendment.objects.select_for_update(of=("self",)).select_related("motion", "proposer").get(pk=amendment.pk)
        )
        if amendment.outcome:
            raise Refused(errors.INVALID_STATE, "This amendment is decided.")
        if amendment.polls.exclude(status=Poll.Status.DRAFT).exists():
            raise Refused(errors.INVALID_STATE, "This amendment has been put already.")
        motion = amendment.motion
        proposer = amendment.proposer or "chair"
        question = f"{amendment.get_kind_display()} to motion {motion.reference} ({proposer}): {amendment.text}"
        poll = new_poll(motion.conference_id, question, motion=motion, amendment=amendment)
        return open_poll(poll, by, countdown)


def put_procedural(
    motion: Motion,
    kind: str,
    by: Representative | None,
    *,
    moved_by: Representative | None = None,
    countdown: int | None = None,
    subject: str = "",
) -> Poll:
    """Move a procedural motion on the motion under debate and put it, with its majority."""
    with transaction.atomic():
        procedural = procedure.new_procedural(motion, kind, by, moved_by=moved_by, subject=subject)
        question = f"{procedural.get_kind_display()} (motion {motion.reference}: {motion.title})"
        poll = new_poll(
            motion.conference_id, question, majority=procedural.majority, motion=motion, procedural=procedural
        )
        return open_poll(poll, by, countdown)


def open_block_vote(section: Section, by: Representative | None, countdown: int | None = None) -> Poll:
    """A section's A and AR motions, taken together without debate in one vote."""
    with transaction.atomic():
        motions = list(
            Motion.objects.select_for_update().filter(pk__in=[m.pk for m in procedure.block_motions(section)])
        )
        if not motions:
            raise Refused(errors.INVALID_STATE, "This section has no A or AR motions left to take as a block.")
        numbers = ", ".join(str(m.number) for m in sorted(motions, key=lambda m: m.number))
        poll = new_poll(section.conference_id, f"A and AR motions of {section.title}: {numbers}")
        poll.block_motions.set(motions)
        audit(section.conference_id, by, "block.put", section, poll_id=poll.pk, motions=[m.pk for m in motions])
        return open_poll(poll, by, countdown)


def request_debate(motion: Motion, representative: Representative) -> Motion:
    """A representative asks to debate an A/AR motion, unless its block is already put."""
    if motion.block_polls.exclude(status=Poll.Status.PUBLISHED).exists():
        raise Refused(errors.INVALID_STATE, "The block vote has been put already.")
    return procedure.request_debate(motion, representative)


def declare_outcome(motion: Motion, outcome: str, by: Representative | None) -> Motion:
    """The chair declares an outcome without a vote, never while a vote on the motion is pending."""
    with transaction.atomic():
        if Poll.objects.filter(motion=motion, status__in=[Poll.Status.OPEN, Poll.Status.CLOSED]).exists():
            raise Refused(errors.INVALID_STATE, "A vote on this motion is open or awaits publishing.")
        return procedure.declare_outcome(motion, outcome, by)


def close_business(conference: Conference, by: Representative | None) -> list[Motion]:
    """The close of the conference: every motion still open is not reached. Not while a
    vote is open or awaits publishing: that motion stays as it is until its result is out."""
    if Poll.objects.filter(conference=conference, status=Poll.Status.OPEN).exists():
        raise Refused(errors.INVALID_STATE, _("A vote is open: close and publish it first."))
    pending = set(
        Poll.objects.filter(conference=conference, status=Poll.Status.CLOSED, motion__isnull=False).values_list(
            "motion_id", flat=True
        )
    )
    return procedure.mark_not_reached(conference.pk, by, pending)


# --- Live polls and the chosen-motions ballot -----------------------------------------


MAX_LIVE_OPTIONS = 10


def _live_choices(options: Sequence[str], scale_max: int | None, low: str, high: str) -> list[Choice]:
    """A live poll's options, or its scale's points; each mistake refused in words."""
    labels = [o.strip() for o in options if o.strip()]
    if scale_max is not None:
        if labels:
            raise Refused(errors.MALFORMED, _("A live poll has its own options or a scale, not both."))
        if not 2 <= scale_max <= MAX_LIVE_OPTIONS:
            raise Refused(errors.MALFORMED, _("A scale runs from 1 to between 2 and 10."))
        return [(str(i), str(i)) for i in range(1, scale_max + 1)]
    if low or high:
        raise Refused(errors.MALFORMED, _("End labels belong to a scale: give the scale's top (2 to 10), or none."))
    if len(labels) < 2 or len(set(labels)) != len(labels):
        raise Refused(errors.MALFORMED, _("A live poll needs at least two different options (or a scale)."))
    if len(labels) > MAX_LIVE_OPTIONS:
        raise Refused(errors.MALFORMED, _("A live poll has at most ten options."))
    return [(f"o{i + 1}", label) for i, label in enumerate(labels)]


def create_live_poll(
    conference: Conference,
    question: str,
    *,
    options: Sequence[str] = (),
    scale_max: int | None = None,
    allow_change: bool = True,
    motion: Motion | None = None,
    scale_labels: tuple[str, str] = ("", ""),
    by: Representative | None = None,
) -> Poll:
    """A free live poll (a draft): its own options (2 to 10), or a 1-to-N scale with what
    its two ends mean. The chair makes one on the spot from the console, the secretariat
    from the desk; the demo and the imports prepare them."""
    question = question.strip()
    if not question:
        raise Refused(errors.MALFORMED, _("A live poll needs a question."))
    if len(question) > 500:
        raise Refused(errors.MALFORMED, _("A live poll's question is at most 500 characters."))
    low, high = (label.strip() for label in scale_labels)
    if len(low) > 60 or len(high) > 60:
        raise Refused(errors.MALFORMED, _("A scale's end labels are at most 60 characters each."))
    choices = _live_choices(options, scale_max, low, high)
    kind = Poll.Kind.SCALE if scale_max is not None else Poll.Kind.LIVE
    with transaction.atomic():
        poll = new_poll(
            conference.pk,
            question,
            kind=kind,
            majority=Poll.Majority.NONE,
            options=choices,
            allow_change=allow_change,
            motion=motion,
            scale_low_label=low,
            scale_high_label=high,
        )
        audit(conference, by, "poll.created", poll, poll_id=poll.pk, kind=kind, options=len(choices))
    return poll


def make_live_poll_now(
    conference: Conference,
    question: str,
    by: Representative | None,
    *,
    options: Sequence[str] = (),
    scale_max: int | None = None,
    scale_labels: tuple[str, str] = ("", ""),
    open_now: bool = True,
    countdown: int | None = None,
) -> Poll:
    """A live poll made on the spot (the chair's console, the secretariat's desk), opened at
    once unless kept as a draft. One transaction: a poll that cannot be opened now (another
    vote is open) is not left behind."""
    with transaction.atomic():
        poll = create_live_poll(
            conference, question, options=options, scale_max=scale_max, scale_labels=scale_labels, by=by
        )
        if open_now:
            poll = open_poll(poll, by, countdown)
    return poll


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
    motions = chosen.eligible_motions(conference)
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
        poll = new_poll(
            conference.pk,
            f"Chosen motions: pick up to {max_choices}",
            kind=Poll.Kind.PICK,
            majority=Poll.Majority.NONE,
            options=[(f"m{m.pk}", f"{m.number}. {m.title}", m) for m in motions],
            max_choices=max_choices,
            allow_change=True,
        )
        return open_poll(poll, by, countdown_seconds)


def _ballot_counts(poll: Poll) -> list[tuple[Motion, int]]:
    if poll.kind != Poll.Kind.PICK or poll.result is None:
        raise Refused(errors.INVALID_STATE, "Close the chosen-motions ballot first.")
    motions = {o.key: o.motion for o in poll.options.select_related("motion") if o.motion is not None}
    return [(motions[row["key"]], row["count"]) for row in poll.result["counts"]]


def standing(poll: Poll, places: int) -> chosen.Standing:
    """Who is in on the counts of a closed chosen-motions ballot."""
    return chosen.standing(_ballot_counts(poll), places)


def apply_chosen(poll: Poll, places: int, by: Representative | None, settle: Sequence[int] = ()) -> list[Motion]:
    """Move the ballot's chosen motions into the chosen section; a tie needs the chair's pick."""
    if poll.status not in {Poll.Status.CLOSED, Poll.Status.PUBLISHED}:
        raise Refused(errors.INVALID_STATE, "Close the chosen-motions ballot first.")
    return chosen.apply_chosen(poll.conference, _ballot_counts(poll), places, by, settle, poll_id=poll.pk, ballot=poll)


# --- A published result into the motion's state ---------------------------------------


def record_poll_outcome(poll: Poll, by: Representative | None) -> None:
    """A published vote's result, applied to what it was on (called by publish_result)."""
    carried = poll.result is not None and poll.result["outcome"] == Outcome.CARRIED
    if poll.amendment_id is not None:
        procedure.decide_amendment(Amendment.objects.select_related("motion").get(pk=poll.amendment_id), carried, by)
    elif poll.procedural_id is not None:
        procedural = ProceduralMotion.objects.select_related("motion").get(pk=poll.procedural_id)
        if procedure.decide_procedural(procedural, carried, by) == procedure.PUT_QUESTION:
            put_question(procedural.motion, by)
    elif poll.motion_id is None:
        procedure.decide_block(list(poll.block_motions.all()), carried, by, poll.pk)
    else:
        assert poll.result is not None and poll.motion is not None
        procedure.decide_motion(
            poll.motion, poll.part, poll.result["outcome"], by, poll.pk, poll.reput_reason, list(poll.parts.all())
        )
    if poll.motion is not None:
        poll.motion.refresh_from_db()  # the caller holds the poll with its motion


def follow_changed_result(poll: Poll, outcome: str | None, by: Representative | None, reason: str) -> None:
    """A published vote's outcome changed by a correction (or, ``outcome`` None, set aside by
    an annulment): whatever it decided follows, with the reason in the record. One path for
    every kind of vote: a motion or its parts, an amendment or rider, a procedural motion, a block."""
    carried = None if outcome is None else outcome == Outcome.CARRIED
    if poll.amendment_id is not None:
        amendment = Amendment.objects.select_related("motion", "part").get(pk=poll.amendment_id)
        procedure.decide_amendment(amendment, carried, by, reason)
    elif poll.procedural_id is not None:
        procedural = ProceduralMotion.objects.select_related("motion").get(pk=poll.procedural_id)
        procedure.redecide_procedural(procedural, carried, by, reason)
    elif poll.motion is None:
        procedure.redecide_block(list(poll.block_motions.all()), carried, by, reason)
    elif outcome is None:
        procedure.undecide(poll.motion, poll.part, by, reason, list(poll.parts.all()))
    else:
        procedure.follow_corrected_result(poll.motion, poll.part, outcome, by, reason, list(poll.parts.all()))
