"""The motion's own state: amendments and riders, procedural motions, the A/AR block,
lead motions, and every outcome with who declared it, when, and any correction's reason.

Each public function is one action: one transaction, an audit entry, events after commit.
Putting any of these to the vote is voting's (``voting.put``); when a vote is published,
voting calls the ``decide_*`` functions here, and they return what follows, if anything.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from conference import errors
from conference.actions import audit
from conference.errors import Refused
from conference.events import publish
from conference.models import Representative

from . import diff
from . import events as motion_events
from .agenda import call_next
from .debate import close_debate
from .models import (
    LMC,
    Amendment,
    Motion,
    MotionPart,
    Outcome,
    OutcomeChange,
    ProceduralMotion,
    Section,
    StandingOrders,
)
from .payloads import load_motion, motion_payload
from .rules import overall_outcome
from .wording import apply_amendments

# What follows a decision, for the caller (voting) to do: the question put at once.
PUT_QUESTION = "put_question"
# Outcomes the chair declares without a vote.
DECLARED_OUTCOMES = {Outcome.WITHDRAWN, Outcome.FELL, Outcome.NOT_REACHED, Outcome.CARRIED_AS_REFERENCE}
# A motion that ends this way takes its undecided amendments with it.
ENDS_WITHOUT_VOTE = {Outcome.WITHDRAWN, Outcome.FELL, Outcome.NOT_REACHED, Outcome.REFERRED}


def send_motion_updated(motion: Motion) -> None:
    publish(motion.conference_id, motion_events.MOTION_UPDATED, {"item": motion_payload(load_motion(motion.pk))})


# --- Outcomes ------------------------------------------------------------------------


def _set_outcome(motion: Motion, outcome: str, by: Representative | None, reason: str = "", **details: object) -> None:
    """Record an outcome (first declaration or correction) with who, when, and why."""
    previous = motion.outcome
    motion.outcome, motion.status = outcome, Motion.Status.DECIDED
    motion.decided_at, motion.decided_by = timezone.now(), by
    motion.save(update_fields=["outcome", "status", "decided_at", "decided_by"])
    OutcomeChange.objects.create(motion=motion, previous=previous, outcome=outcome, by=by, reason=reason)
    if outcome in ENDS_WITHOUT_VOTE:
        motion.amendments.filter(outcome=Outcome.NONE).update(outcome=Outcome.FELL)
    action = "motion.outcome_corrected" if previous else "motion.outcome"
    audit(
        motion.conference_id,
        by,
        action,
        motion,
        motion_id=motion.pk,
        outcome=outcome,
        previous=previous,
        reason=reason,
        **details,
    )
    send_motion_updated(motion)


def _lock_motion(motion: Motion) -> Motion:
    return Motion.objects.select_for_update().select_related("conference").get(pk=motion.pk)


def declare_outcome(motion: Motion, outcome: str, by: Representative | None) -> Motion:
    """Withdrawn, fell, not reached, or carried as a reference accepted by the proposer.

    Not while a vote on it is open or unpublished: ``voting.put.declare_outcome`` checks that.
    """
    if outcome not in DECLARED_OUTCOMES:
        raise Refused(errors.MALFORMED, "The chair declares only withdrawn, fell, not reached or a reference.")
    with transaction.atomic():
        motion = _lock_motion(motion)
        if motion.outcome:
            raise Refused(errors.INVALID_STATE, "This motion is decided: correct its outcome with a reason instead.")
        _set_outcome(motion, outcome, by)
    return motion


def correct_outcome(motion: Motion, outcome: str, by: Representative | None, reason: str) -> Motion:
    if outcome not in Outcome.values or outcome == Outcome.NONE:
        raise Refused(errors.MALFORMED, "That is not an outcome.")
    if not reason.strip():
        raise Refused(errors.MALFORMED, "A correction needs a reason; it is kept in the history.")
    with transaction.atomic():
        motion = _lock_motion(motion)
        if not motion.outcome:
            raise Refused(errors.INVALID_STATE, "This motion has no outcome to correct.")
        if motion.outcome == outcome:
            raise Refused(errors.INVALID_STATE, "That is already the outcome.")
        _set_outcome(motion, outcome, by, reason.strip()[:2000])
    return motion


def mark_not_reached(conference_id: int, by: Representative | None, keep: set[int]) -> list[Motion]:
    """At the close: every motion still open (not ruled incompetent, not in ``keep``, whose
    vote is pending) is recorded as not reached, in one action."""
    with transaction.atomic():
        motions = list(
            Motion.objects.select_for_update()
            .filter(conference_id=conference_id, outcome=Outcome.NONE)
            .exclude(category=Motion.Category.INCOMPETENT)
            .exclude(pk__in=keep)
        )
        for motion in motions:
            _set_outcome(motion, Outcome.NOT_REACHED, by, closing_business=True)
    return motions


def fall_group(lead: Motion, by: Representative | None) -> list[Motion]:
    """A lead motion carried: the others in its group fall, in one action."""
    with transaction.atomic():
        lead = _lock_motion(lead)
        # The others fall because the lead carried what they ask; a lost lead leaves them standing.
        if lead.outcome not in {Outcome.CARRIED, Outcome.CARRIED_IN_PART, Outcome.CARRIED_AS_REFERENCE}:
            raise Refused(
                errors.INVALID_STATE, "The group falls only when its lead motion is carried; the others stand."
            )
        members = list(Motion.objects.select_for_update().filter(lead=lead, outcome=Outcome.NONE))
        for member in members:
            _set_outcome(member, Outcome.FELL, by, lead_id=lead.pk)
    return members


# --- Amendments and riders ----------------------------------------------------------


def propose_amendment(
    motion: Motion,
    kind: str,
    text: str,
    by: Representative | None,
    *,
    new_wording: str = "",
    proposer: LMC | None = None,
    part: MotionPart | None = None,
) -> Amendment:
    """An amendment or rider to the motion, or to one of its parts ("amend part (ii)")."""
    if kind not in Amendment.Kind.values:
        raise Refused(errors.MALFORMED, "An amendment or a rider.")
    if kind == Amendment.Kind.AMENDMENT and not new_wording.strip():
        raise Refused(errors.MALFORMED, "An amendment needs the motion's wording as amended.")
    if kind == Amendment.Kind.RIDER and not text.strip():
        raise Refused(errors.MALFORMED, "A rider needs its words.")
    if proposer is not None and proposer.conference_id != motion.conference_id:
        raise Refused(errors.MALFORMED, "That LMC is not at this conference.")
    if part is not None and part.motion_id != motion.pk:
        raise Refused(errors.MALFORMED, "That part belongs to another motion.")
    with transaction.atomic():
        motion = _lock_motion(motion)
        if motion.outcome:
            raise Refused(errors.INVALID_STATE, "This motion is decided.")
        if part is not None and part.outcome:
            raise Refused(errors.INVALID_STATE, "That part is decided.")
        if kind == Amendment.Kind.AMENDMENT:
            target = part.wording if part is not None else motion.wording
            if " ".join(new_wording.split()) == " ".join(target.split()):
                raise Refused(errors.MALFORMED, "The wording as amended is the same as the motion's.")
            # The chair edits the wording; what the amendment does is read off the change.
            text = text.strip() or diff.describe(target, new_wording)
        amendment = Amendment.objects.create(
            motion=motion,
            part=part,
            kind=kind,
            text=text.strip(),
            new_wording=new_wording.strip(),
            proposer=proposer,
            order=motion.amendments.count(),
        )
        audit(
            motion.conference_id,
            by,
            "amendment.proposed",
            amendment,
            motion_id=motion.pk,
            amendment_id=amendment.pk,
            kind=kind,
            text=amendment.text,
            part=part.label if part is not None else "",
        )
        send_motion_updated(motion)
    return amendment


def decide_amendment(amendment: Amendment, carried: bool | None, by: Representative | None, reason: str = "") -> None:
    """A published vote on an amendment or a rider (or its correction, or its annulment when
    ``carried`` is None): the wording of the motion, or of the part it targets, follows."""
    motion = _lock_motion(amendment.motion)
    if reason and motion.outcome:
        raise Refused(
            errors.INVALID_STATE,
            "The motion has been decided on its wording: annul or correct the motion's vote first.",
        )
    previous = amendment.outcome
    amendment.outcome = Outcome.NONE if carried is None else Outcome.CARRIED if carried else Outcome.LOST
    amendment.save(update_fields=["outcome"])
    apply_amendments(motion)
    audit(
        motion.conference_id,
        by,
        "amendment.decided" if not reason else "amendment.redecided",
        amendment,
        motion_id=motion.pk,
        amendment_id=amendment.pk,
        outcome=amendment.outcome,
        previous=previous,
        reason=reason,
        wording=motion.wording,
    )
    send_motion_updated(motion)


def reply_given(motion: Motion, by: Representative | None) -> bool:
    """The proposer's reply after a carried closure has ended: True if the question is now
    to be put (the caller, voting, puts it)."""
    with transaction.atomic():
        motion = _lock_motion(motion)
        if not motion.awaiting_reply:
            return False
        motion.awaiting_reply = False
        motion.save(update_fields=["awaiting_reply"])
        audit(motion.conference_id, by, "motion.reply_given", motion, motion_id=motion.pk)
        return True


def admit_emergency(
    conference_id: int,
    title: str,
    text: str,
    by: Representative | None,
    *,
    proposer: LMC | None = None,
    parts: list[str] | None = None,
) -> Motion:
    """The chair admits an emergency motion late: numbered apart (E1, E2), in its own
    section at the end of the agenda, then put like any other."""
    if not title.strip() or not text.strip():
        raise Refused(errors.MALFORMED, "An emergency motion needs a title and its text.")
    if proposer is not None and proposer.conference_id != conference_id:
        raise Refused(errors.MALFORMED, "That LMC is not at this conference.")
    with transaction.atomic():
        section = Section.objects.filter(conference_id=conference_id, title=EMERGENCY_SECTION).first()
        if section is None:
            last = Section.objects.filter(conference_id=conference_id).order_by("-order").first()
            section = Section.objects.create(
                conference_id=conference_id, title=EMERGENCY_SECTION, order=(last.order + 1) if last else 0
            )
        emergency = Motion.objects.select_for_update().filter(conference_id=conference_id, emergency=True)
        number = max((m.number for m in emergency), default=0) + 1
        motion = Motion.objects.create(
            conference_id=conference_id, section=section, number=number, emergency=True, order=number,
            title=title.strip()[:300], text=text.strip(), proposer=proposer,
        )  # fmt: skip
        for i, part in enumerate(p for p in (parts or []) if p.strip()):
            MotionPart.objects.create(motion=motion, label=PART_LABELS[i], text=part.strip(), order=i)
        audit(conference_id, by, "motion.emergency_admitted", motion, motion_id=motion.pk, reference=motion.reference)
        send_motion_updated(motion)
    return motion


EMERGENCY_SECTION = "Emergency motions"
PART_LABELS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]


def undecided_amendments(motion: Motion) -> bool:
    return motion.amendments.filter(outcome=Outcome.NONE).exists()


# --- Procedural motions ------------------------------------------------------------


def new_procedural(
    motion: Motion,
    kind: str,
    by: Representative | None,
    *,
    moved_by: Representative | None = None,
    subject: str = "",
) -> ProceduralMotion:
    """A procedural motion moved on the motion under debate, with its configured majority."""
    if kind not in ProceduralMotion.Kind.values:
        raise Refused(errors.MALFORMED, "That is not a procedural motion.")
    with transaction.atomic():
        motion = _lock_motion(motion)
        if motion.outcome:
            raise Refused(errors.INVALID_STATE, "This motion is decided.")
        if not motion.can_be_put:
            raise Refused(errors.INVALID_STATE, "An incompetent motion is never put to a vote.")
        if motion.conference.current_motion_id != motion.pk:
            raise Refused(
                errors.INVALID_STATE,
                "A procedural motion is moved on the question on the floor: call this motion first.",
            )
        rules = StandingOrders.of(motion.conference_id)
        if kind == ProceduralMotion.Kind.REFER and not rules.refer_to.strip():
            raise Refused(
                errors.INVALID_STATE,
                "The standing orders name no body to refer a motion to: the secretariat names it first.",
            )
        majority, _ = rules.procedural_rule(kind)
        procedural = ProceduralMotion.objects.create(
            motion=motion, kind=kind, moved_by=moved_by, majority=majority, subject=subject.strip()[:2000]
        )
        audit(
            motion.conference_id,
            by,
            "procedural.moved",
            procedural,
            motion_id=motion.pk,
            procedural_id=procedural.pk,
            kind=kind,
            majority=majority,
        )
    return procedural


def decide_procedural(procedural: ProceduralMotion, carried: bool, by: Representative | None) -> str:
    """A published procedural vote and its effect; returns ``PUT_QUESTION`` when a closure
    carried and the question under debate is to be put at once."""
    procedural.outcome = Outcome.CARRIED if carried else Outcome.LOST
    procedural.save(update_fields=["outcome"])
    motion = _lock_motion(procedural.motion)
    so = StandingOrders.of(motion.conference_id)
    audit(
        motion.conference_id,
        by,
        "procedural.decided",
        procedural,
        motion_id=motion.pk,
        procedural_id=procedural.pk,
        kind=procedural.kind,
        outcome=procedural.outcome,
    )
    if not carried:
        send_motion_updated(motion)  # debate goes on
        return ""
    if procedural.kind in {ProceduralMotion.Kind.CHALLENGE, ProceduralMotion.Kind.SUSPEND}:
        # Carried: the chair's ruling is overturned, or the standing order named does not
        # apply to this business; the record says so, and the debate goes on.
        effect = "ruling_overturned" if procedural.kind == ProceduralMotion.Kind.CHALLENGE else "suspended"
        audit(motion.conference_id, by, f"procedural.{effect}", procedural, motion_id=motion.pk,
              procedural_id=procedural.pk, subject=procedural.subject)  # fmt: skip
        send_motion_updated(motion)
        return ""
    close_debate(motion, by)
    if procedural.kind == ProceduralMotion.Kind.CLOSURE:
        if so.reply_after_closure:
            # The proposer's right of reply first: the vote opens when the reply ends.
            motion.awaiting_reply = True
            motion.save(update_fields=["awaiting_reply"])
            send_motion_updated(motion)
            return ""
        send_motion_updated(motion)
        return PUT_QUESTION
    _, outcome = so.procedural_rule(procedural.kind)
    details = {}
    if procedural.kind == ProceduralMotion.Kind.REFER:
        motion.referred_to = so.refer_to
        motion.save(update_fields=["referred_to"])
        details["referred_to"] = so.refer_to
    _set_outcome(motion, outcome, by, procedural_id=procedural.pk, **details)
    if procedural.kind == ProceduralMotion.Kind.NEXT_BUSINESS:
        call_next(motion.conference, by)
    return ""


def redecide_procedural(
    procedural: ProceduralMotion, carried: bool | None, by: Representative | None, reason: str
) -> None:
    """A procedural vote corrected (or annulled, ``carried`` None) after it acted: an effect
    it had on the motion (referred, moved to next business, fell, a reference) is undone,
    and a newly carried one takes effect. A closure's question already put stays put: the
    chair annuls that vote too if it must go."""
    motion = _lock_motion(procedural.motion)
    previous = procedural.outcome
    procedural.outcome = Outcome.NONE if carried is None else Outcome.CARRIED if carried else Outcome.LOST
    procedural.save(update_fields=["outcome"])
    audit(
        motion.conference_id, by, "procedural.redecided", procedural, motion_id=motion.pk,
        procedural_id=procedural.pk, previous=previous, outcome=procedural.outcome, reason=reason,
    )  # fmt: skip
    has_effect = procedural.kind != ProceduralMotion.Kind.CLOSURE
    if previous == Outcome.CARRIED and has_effect and motion.outcome:
        undecide(motion, None, by, reason)
        motion = _lock_motion(motion)
    if carried and has_effect and not motion.outcome:
        so = StandingOrders.of(motion.conference_id)
        _, outcome = so.procedural_rule(procedural.kind)
        if procedural.kind == ProceduralMotion.Kind.REFER:
            motion.referred_to = so.refer_to
            motion.save(update_fields=["referred_to"])
        _set_outcome(motion, outcome, by, reason, procedural_id=procedural.pk)
    send_motion_updated(motion)


# --- The A/AR block ------------------------------------------------------------------


def block_motions(section: Section) -> list[Motion]:
    return [
        m
        for m in section.motions.filter(
            category__in=[Motion.Category.A, Motion.Category.AR], outcome=Outcome.NONE, pulled_from_block=False
        )
    ]


def request_debate(motion: Motion, representative: Representative) -> Motion:
    """A representative asks to debate an A/AR motion: it leaves the block for the chair.

    Not once the block is put: ``voting.put.request_debate`` checks that.
    """
    with transaction.atomic():
        motion = _lock_motion(motion)
        if motion.conference_id != representative.conference_id:
            raise Refused(errors.UNKNOWN_POLL, "That motion is not on this conference's agenda.")
        if motion.category not in {Motion.Category.A, Motion.Category.AR} or motion.outcome:
            raise Refused(errors.INVALID_STATE, "Only an undecided A or AR motion can be asked for debate.")
        if motion.pulled_from_block:
            return motion
        motion.pulled_from_block, motion.debate_requested_by = True, representative
        motion.save(update_fields=["pulled_from_block", "debate_requested_by"])
        audit(motion.conference_id, representative, "block.debate_requested", motion, motion_id=motion.pk)
        send_motion_updated(motion)
        publish(
            motion.conference_id,
            motion_events.DEBATE_REQUESTED,
            {"motion_id": motion.pk, "by": str(representative)},
            "staff",
            sequenced=False,
        )
    return motion


def restore_to_block(motion: Motion, by: Representative | None) -> Motion:
    """The chair decides a requested motion goes back into the block after all."""
    with transaction.atomic():
        motion = _lock_motion(motion)
        if not motion.pulled_from_block or motion.outcome:
            raise Refused(errors.INVALID_STATE, "That motion is not out of its block.")
        motion.pulled_from_block = False
        motion.save(update_fields=["pulled_from_block"])
        audit(motion.conference_id, by, "block.restored", motion, motion_id=motion.pk)
        send_motion_updated(motion)
    return motion


# --- Results into outcomes ---------------------------------------------------------


def decide_block(motions: list[Motion], carried: bool, by: Representative | None, poll_id: int) -> None:
    """A published A/AR block vote: each motion carried (an AR one as a reference) or lost."""
    for motion in motions:
        won = Outcome.CARRIED_AS_REFERENCE if motion.category == Motion.Category.AR else Outcome.CARRIED
        _set_outcome(_lock_motion(motion), won if carried else Outcome.LOST, by, poll_id=poll_id)


def redecide_block(motions: list[Motion], carried: bool | None, by: Representative | None, reason: str) -> None:
    """A block vote corrected (or annulled, ``carried`` None): each of its motions follows."""
    for motion in motions:
        if carried is None:
            undecide(motion, None, by, reason)
            continue
        won = Outcome.CARRIED_AS_REFERENCE if motion.category == Motion.Category.AR else Outcome.CARRIED
        outcome = won if carried else Outcome.LOST
        motion = _lock_motion(motion)
        if not motion.outcome:
            _set_outcome(motion, outcome, by, reason)
        elif motion.outcome != outcome:
            correct_outcome(motion, outcome, by, reason)


def decide_motion(
    motion: Motion,
    part: MotionPart | None,
    outcome: str,
    by: Representative | None,
    poll_id: int,
    reason: str = "",
    parts: list[MotionPart] | None = None,
) -> None:
    """A published vote on a motion, or on one or more of its parts taken together: the
    motion is decided when its last part is. A motion in parts taken as a whole decides
    its parts with it. ``reason`` is the chair's, when a decided question was re-put."""
    motion = _lock_motion(motion)
    voted = parts if parts else [part] if part is not None else []
    if voted:
        MotionPart.objects.filter(pk__in=[p.pk for p in voted]).update(outcome=outcome)
        outcomes = list(motion.parts.values_list("outcome", flat=True))
        if any(o == Outcome.NONE for o in outcomes):
            send_motion_updated(motion)
            return
        outcome = overall_outcome(outcomes)
    else:
        motion.parts.update(outcome=outcome)
    if motion.outcome == outcome:
        send_motion_updated(motion)  # a re-put that confirmed the outcome
        return
    _set_outcome(motion, outcome, by, reason, poll_id=poll_id)


def _parts_voted(motion: Motion, part: MotionPart | None, parts: list[MotionPart] | None) -> list[int]:
    """The parts a vote decided: those taken together, the one part, or (a whole vote) all."""
    if parts:
        return [p.pk for p in parts]
    if part is not None:
        return [part.pk]
    return list(motion.parts.values_list("pk", flat=True))


def follow_corrected_result(
    motion: Motion,
    part: MotionPart | None,
    outcome: str,
    by: Representative | None,
    reason: str,
    parts: list[MotionPart] | None = None,
) -> None:
    """A corrected result: the motion (or the parts) it decided take the corrected outcome,
    with the reason in its outcome history."""
    motion = _lock_motion(motion)
    voted = _parts_voted(motion, part, parts)
    if voted:
        MotionPart.objects.filter(pk__in=voted).update(outcome=outcome)
        outcomes = list(motion.parts.values_list("outcome", flat=True))
        if any(o == Outcome.NONE for o in outcomes):
            send_motion_updated(motion)
            return  # the motion is decided when its last part is
        if part is not None or parts:
            outcome = overall_outcome(outcomes)
    if motion.outcome and motion.outcome != outcome:
        correct_outcome(motion, outcome, by, reason)
    else:
        send_motion_updated(motion)


def undecide(
    motion: Motion,
    part: MotionPart | None,
    by: Representative | None,
    reason: str,
    parts: list[MotionPart] | None = None,
) -> None:
    """An annulled vote: the motion is open again; its outcome history keeps the outcome it had."""
    motion = _lock_motion(motion)
    MotionPart.objects.filter(pk__in=_parts_voted(motion, part, parts)).update(outcome=Outcome.NONE)
    if motion.outcome:
        OutcomeChange.objects.create(motion=motion, previous=motion.outcome, outcome=Outcome.NONE, by=by, reason=reason)
        audit(motion.conference_id, by, "motion.undecided", motion, motion_id=motion.pk, reason=reason)
    Motion.objects.filter(pk=motion.pk).update(
        outcome=Outcome.NONE, status=Motion.Status.UNDER_DEBATE, decided_at=None, referred_to=""
    )
    send_motion_updated(motion)
