"""The motion procedure: amendments and riders, procedural motions, A/AR blocks, lead
motions, and every outcome with who declared it, when, and any correction's reason.

Each public function is one action: one transaction, an audit entry, events after commit.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from conference.actions import audit
from conference.models import Conference, Representative
from voting import errors, events
from voting.errors import Refused
from voting.models import Option, Poll
from voting.snapshot import motion_payload

from . import events as motion_events
from .models import LMC, Amendment, Motion, MotionPart, OutcomeChange, Outcome, ProceduralMotion, Section, StandingOrders
from .payloads import load_motion

MOTION_OPTIONS = [("for", "For"), ("against", "Against"), ("abstain", "Abstain")]
# Outcomes the chair declares without a vote.
DECLARED_OUTCOMES = {Outcome.WITHDRAWN, Outcome.FELL, Outcome.NOT_REACHED, Outcome.CARRIED_AS_REFERENCE}
# A motion that ends this way takes its undecided amendments with it.
ENDS_WITHOUT_VOTE = {Outcome.WITHDRAWN, Outcome.FELL, Outcome.NOT_REACHED, Outcome.REFERRED}


def send_motion_updated(motion: Motion) -> None:
    seq = Conference(pk=motion.conference_id).next_seq()
    events.send_on_commit(
        motion.conference_id,
        {"type": motion_events.MOTION_UPDATED, "seq": seq, "item": motion_payload(load_motion(motion.pk))},
    )


def _new_poll(conference_id: int, question: str, majority: str, **links: object) -> Poll:
    poll = Poll.objects.create(
        conference_id=conference_id, kind=Poll.Kind.MOTION, question=question[:500], majority=majority, **links
    )
    Option.objects.bulk_create(
        Option(poll=poll, key=key, label=label, order=i) for i, (key, label) in enumerate(MOTION_OPTIONS)
    )
    return poll


def _open(poll: Poll, by: Representative | None, countdown: int | None) -> Poll:
    from voting.actions import open_poll

    return open_poll(poll, by, countdown)


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
    audit(motion.conference_id, by, action, motion, motion_id=motion.pk, outcome=outcome, previous=previous,
          reason=reason, **details)
    send_motion_updated(motion)


def _lock_motion(motion: Motion) -> Motion:
    return Motion.objects.select_for_update().select_related("conference").get(pk=motion.pk)


def _refuse_if_voting(motion: Motion) -> None:
    if Poll.objects.filter(conference_id=motion.conference_id, status__in=[Poll.Status.OPEN, Poll.Status.CLOSED]).filter(
        motion=motion
    ).exists():
        raise Refused(errors.INVALID_STATE, "A vote on this motion is open or awaits publishing.")


def declare_outcome(motion: Motion, outcome: str, by: Representative | None) -> Motion:
    """Withdrawn, fell, not reached, or carried as a reference accepted by the proposer."""
    if outcome not in DECLARED_OUTCOMES:
        raise Refused(errors.MALFORMED, "The chair declares only withdrawn, fell, not reached or a reference.")
    with transaction.atomic():
        motion = _lock_motion(motion)
        if motion.outcome:
            raise Refused(errors.INVALID_STATE, "This motion is decided: correct its outcome with a reason instead.")
        _refuse_if_voting(motion)
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


def fall_group(lead: Motion, by: Representative | None) -> list[Motion]:
    """A lead motion carried or lost: the others in its group fall, in one action."""
    with transaction.atomic():
        lead = _lock_motion(lead)
        if lead.outcome not in {Outcome.CARRIED, Outcome.CARRIED_IN_PART, Outcome.CARRIED_AS_REFERENCE, Outcome.LOST}:
            raise Refused(errors.INVALID_STATE, "The lead motion is not yet carried or lost.")
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
) -> Amendment:
    if kind not in Amendment.Kind.values:
        raise Refused(errors.MALFORMED, "An amendment or a rider.")
    if not text.strip() or (kind == Amendment.Kind.AMENDMENT and not new_wording.strip()):
        raise Refused(errors.MALFORMED, "An amendment needs its text and the motion's wording as amended.")
    if proposer is not None and proposer.conference_id != motion.conference_id:
        raise Refused(errors.MALFORMED, "That LMC is not at this conference.")
    with transaction.atomic():
        motion = _lock_motion(motion)
        if motion.outcome:
            raise Refused(errors.INVALID_STATE, "This motion is decided.")
        amendment = Amendment.objects.create(
            motion=motion,
            kind=kind,
            text=text.strip(),
            new_wording=new_wording.strip(),
            proposer=proposer,
            order=motion.amendments.count(),
        )
        audit(motion.conference_id, by, "amendment.proposed", amendment, motion_id=motion.pk,
              amendment_id=amendment.pk, kind=kind, text=amendment.text)
        send_motion_updated(motion)
    return amendment


def put_amendment(amendment: Amendment, by: Representative | None, countdown: int | None = None) -> Poll:
    with transaction.atomic():
        amendment = Amendment.objects.select_for_update().select_related("motion").get(pk=amendment.pk)
        if amendment.outcome:
            raise Refused(errors.INVALID_STATE, "This amendment is decided.")
        if amendment.polls.exclude(status=Poll.Status.DRAFT).exists():
            raise Refused(errors.INVALID_STATE, "This amendment has been put already.")
        motion = amendment.motion
        label = amendment.get_kind_display()
        question = f"{label} to motion {motion.number} ({amendment.proposer or 'chair'}): {amendment.text}"
        poll = _new_poll(motion.conference_id, question, Poll.Majority.SIMPLE, motion=motion, amendment=amendment)
        return _open(poll, by, countdown)


def _amendment_decided(amendment: Amendment, carried: bool, by: Representative | None) -> None:
    amendment.outcome = Outcome.CARRIED if carried else Outcome.LOST
    amendment.save(update_fields=["outcome"])
    motion = amendment.motion
    if carried:
        if amendment.kind == Amendment.Kind.AMENDMENT:
            motion.text_as_amended = amendment.new_wording
        else:  # a rider adds to the wording as it then stands
            motion.text_as_amended = f"{motion.wording}\n{amendment.text}"
        motion.save(update_fields=["text_as_amended"])
    audit(motion.conference_id, by, "amendment.decided", amendment, motion_id=motion.pk,
          amendment_id=amendment.pk, outcome=amendment.outcome, wording=motion.wording)
    send_motion_updated(motion)


def undecided_amendments(motion: Motion) -> bool:
    return motion.amendments.filter(outcome=Outcome.NONE).exists()


# --- Procedural motions ------------------------------------------------------------


def move_procedural(
    motion: Motion,
    kind: str,
    by: Representative | None,
    *,
    moved_by: Representative | None = None,
    countdown: int | None = None,
) -> Poll:
    """Put a procedural motion on the motion under debate, with its configured majority."""
    if kind not in ProceduralMotion.Kind.values:
        raise Refused(errors.MALFORMED, "That is not a procedural motion.")
    with transaction.atomic():
        motion = _lock_motion(motion)
        if motion.outcome:
            raise Refused(errors.INVALID_STATE, "This motion is decided.")
        if not motion.can_be_put:
            raise Refused(errors.INVALID_STATE, "An incompetent motion is never put to a vote.")
        majority, _ = StandingOrders.of(motion.conference_id).procedural_rule(kind)
        procedural = ProceduralMotion.objects.create(motion=motion, kind=kind, moved_by=moved_by, majority=majority)
        audit(motion.conference_id, by, "procedural.moved", procedural, motion_id=motion.pk,
              procedural_id=procedural.pk, kind=kind, majority=majority)
        question = f"{procedural.get_kind_display()} (motion {motion.number}: {motion.title})"
        poll = _new_poll(motion.conference_id, question, majority, motion=motion, procedural=procedural)
        return _open(poll, by, countdown)


def _procedural_decided(procedural: ProceduralMotion, carried: bool, by: Representative | None) -> None:
    procedural.outcome = Outcome.CARRIED if carried else Outcome.LOST
    procedural.save(update_fields=["outcome"])
    motion = _lock_motion(procedural.motion)
    so = StandingOrders.of(motion.conference_id)
    audit(motion.conference_id, by, "procedural.decided", procedural, motion_id=motion.pk,
          procedural_id=procedural.pk, kind=procedural.kind, outcome=procedural.outcome)
    if not carried:
        send_motion_updated(motion)  # debate goes on
        return
    from .agenda import call_next
    from .debate import close_debate

    close_debate(motion, by)
    if procedural.kind == ProceduralMotion.Kind.CLOSURE:
        send_motion_updated(motion)
        _put_question(motion, by)
        return
    _, outcome = so.procedural_rule(procedural.kind)
    details = {"referred_to": so.refer_to} if procedural.kind == ProceduralMotion.Kind.REFER else {}
    _set_outcome(motion, outcome, by, procedural_id=procedural.pk, **details)
    if procedural.kind == ProceduralMotion.Kind.NEXT_BUSINESS:
        call_next(motion.conference, by)


def _put_question(motion: Motion, by: Representative | None) -> None:
    """Closure carried: the question under debate is put at once (the next amendment first).

    A motion in parts waits for the chair to say how it is taken.
    """
    amendment = motion.amendments.filter(outcome=Outcome.NONE).first()
    if amendment is not None:
        put_amendment(amendment, by)
    elif not motion.parts.exists():
        from voting.actions import create_motion_poll

        _open(create_motion_poll(motion), by, None)


# --- The A/AR block ------------------------------------------------------------------


def block_motions(section: Section) -> list[Motion]:
    return [
        m
        for m in section.motions.filter(
            category__in=[Motion.Category.A, Motion.Category.AR], outcome=Outcome.NONE, pulled_from_block=False
        )
    ]


def open_block_vote(section: Section, by: Representative | None, countdown: int | None = None) -> Poll:
    """A section's A and AR motions, taken together without debate in one vote."""
    with transaction.atomic():
        motions = list(Motion.objects.select_for_update().filter(pk__in=[m.pk for m in block_motions(section)]))
        if not motions:
            raise Refused(errors.INVALID_STATE, "This section has no A or AR motions left to take as a block.")
        numbers = ", ".join(str(m.number) for m in sorted(motions, key=lambda m: m.number))
        poll = _new_poll(section.conference_id, f"A and AR motions of {section.title}: {numbers}",
                         Poll.Majority.SIMPLE)
        poll.block_motions.set(motions)
        audit(section.conference_id, by, "block.put", section, poll_id=poll.pk, motions=[m.pk for m in motions])
        return _open(poll, by, countdown)


def request_debate(motion: Motion, representative: Representative) -> Motion:
    """A representative asks to debate an A/AR motion: it leaves the block for the chair."""
    with transaction.atomic():
        motion = _lock_motion(motion)
        if motion.conference_id != representative.conference_id:
            raise Refused(errors.UNKNOWN_POLL, "That motion is not on this conference's agenda.")
        if motion.category not in {Motion.Category.A, Motion.Category.AR} or motion.outcome:
            raise Refused(errors.INVALID_STATE, "Only an undecided A or AR motion can be asked for debate.")
        if motion.block_polls.exclude(status=Poll.Status.PUBLISHED).exists():
            raise Refused(errors.INVALID_STATE, "The block vote has been put already.")
        if motion.pulled_from_block:
            return motion
        motion.pulled_from_block, motion.debate_requested_by = True, representative
        motion.save(update_fields=["pulled_from_block", "debate_requested_by"])
        audit(motion.conference_id, representative, "block.debate_requested", motion, motion_id=motion.pk)
        send_motion_updated(motion)
        events.send_on_commit(
            motion.conference_id,
            {"type": motion_events.DEBATE_REQUESTED, "motion_id": motion.pk, "by": str(representative)},
            audience="staff",
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


def record_poll_outcome(poll: Poll, by: Representative | None) -> None:
    """A published vote's result, applied to what it was on (called by publish_result)."""
    carried = poll.result is not None and poll.result["outcome"] == "carried"
    if poll.amendment_id is not None:
        _amendment_decided(Amendment.objects.select_related("motion").get(pk=poll.amendment_id), carried, by)
    elif poll.procedural_id is not None:
        _procedural_decided(ProceduralMotion.objects.get(pk=poll.procedural_id), carried, by)
    elif poll.motion_id is None:
        for motion in poll.block_motions.select_for_update():
            won = Outcome.CARRIED_AS_REFERENCE if motion.category == Motion.Category.AR else Outcome.CARRIED
            _set_outcome(motion, won if carried else Outcome.LOST, by, poll_id=poll.pk)
    else:
        _motion_decided(poll, by)
    if poll.motion_id is not None:
        poll.motion.refresh_from_db()  # the caller holds the poll with its motion


def _motion_decided(poll: Poll, by: Representative | None) -> None:
    from voting import rules

    motion = _lock_motion(poll.motion)
    if poll.part_id is not None:
        MotionPart.objects.filter(pk=poll.part_id).update(outcome=poll.result["outcome"])
        outcomes = list(motion.parts.values_list("outcome", flat=True))
        if any(o == Outcome.NONE for o in outcomes):
            send_motion_updated(motion)
            return  # the motion is decided when its last part is
        outcome = rules.overall_outcome(outcomes)
    else:
        outcome = poll.result["outcome"]
    _set_outcome(motion, outcome, by, poll_id=poll.pk)
