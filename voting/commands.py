"""The websocket commands of the agenda, the motion procedure and the debate.

Each is registered for its message (voting.messages) with ``conference.protocol.command``:
it looks up what the message names in this conference, calls one action, and returns what
the "ok" answer carries (a refusal becomes an error with the same ref). They run in a
database thread.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from conference import errors
from conference.errors import Refused
from conference.models import LMC, Representative
from conference.protocol import COMMANDS, REPS, STAFF, Client, command
from motions import agenda, debate, procedure
from motions.models import Amendment, Motion, MotionPart, Section, SpeakRequest

from . import put
from .messages import (
    AdmitEmergency,
    Amend,
    ApplyChosen,
    Back,
    Block,
    Correct,
    DebateRequest,
    Declare,
    EndSpeech,
    FallGroup,
    LivePoll,
    Next,
    OpenChosen,
    Procedural,
    PutAmendment,
    Reorder,
    RestoreBlock,
    Skip,
    Speak,
    Speech,
    Unspeak,
)
from .models import Poll

M = TypeVar("M", bound=models.Model)


def found(model: type[M], pk: int, what: str, **lookup: Any) -> M:
    """The row the message names, in this conference only, or Refused."""
    row = model._default_manager.filter(pk=pk, **lookup).first()
    if row is None:
        raise Refused(errors.MALFORMED, f"There is no such {what} at this conference.")
    return row


def _motion(client: Client, pk: int) -> Motion:
    return found(Motion, pk, "motion", conference=client.conference)


def _section(client: Client, pk: int) -> Section:
    return found(Section, pk, "section", conference=client.conference)


def _rep(client: Client) -> Representative:
    assert client.representative is not None  # a REPS command comes from a signed-in socket
    return client.representative


# --- The chosen-motions ballot -----------------------------------------------------------


@command(OpenChosen, who=STAFF)
def open_chosen(client: Client, m: OpenChosen) -> dict[str, Any]:
    poll = put.open_chosen_ballot(
        client.conference,
        client.representative,
        max_choices=m.max_choices,
        motion_ids=m.motions,
        countdown_seconds=m.countdown,
    )
    return {"poll_id": poll.pk}


@command(ApplyChosen, who=STAFF)
def apply_chosen(client: Client, m: ApplyChosen) -> dict[str, Any]:
    poll = found(Poll, m.poll, "ballot", conference=client.conference, kind=Poll.Kind.PICK)
    motions = put.apply_chosen(poll, m.places, client.representative, settle=m.settle or [])
    return {"chosen": [motion.pk for motion in motions]}


# --- A live poll made on the spot -------------------------------------------------------------


@command(LivePoll, who=STAFF)
def live_poll(client: Client, m: LivePoll) -> dict[str, Any]:
    poll = put.make_live_poll_now(
        client.conference,
        m.question,
        client.representative,
        options=m.options,
        scale_max=m.scale,
        scale_labels=(m.low, m.high),
        open_now=m.open,
        countdown=m.countdown,
    )
    return {"poll_id": poll.pk, "opened": m.open}


# --- The agenda ------------------------------------------------------------------------------


@command(Next, who=STAFF)
def next_(client: Client, m: Next) -> dict[str, Any]:
    motion = agenda.call_next(client.conference, client.representative)
    return {"motion": motion.pk if motion else None}


@command(Skip, who=STAFF)
def skip(client: Client, m: Skip) -> dict[str, Any]:
    motion = agenda.skip(client.conference, client.representative)
    return {"motion": motion.pk if motion else None}


@command(Back, who=STAFF)
def back(client: Client, m: Back) -> dict[str, Any]:
    return {"motion": agenda.go_back(client.conference, client.representative).pk}


@command(Reorder, who=STAFF)
def reorder(client: Client, m: Reorder) -> None:
    agenda.reorder(_section(client, m.section), m.order, client.representative)


@command(Block, who=STAFF)
def block(client: Client, m: Block) -> dict[str, Any]:
    poll = put.open_block_vote(_section(client, m.section), client.representative, m.countdown)
    return {"poll_id": poll.pk}


@command(RestoreBlock, who=STAFF)
def restore_block(client: Client, m: RestoreBlock) -> None:
    procedure.restore_to_block(_motion(client, m.motion), client.representative)


# --- The motion procedure ----------------------------------------------------------------------


@command(Amend, who=STAFF)
def amend(client: Client, m: Amend) -> dict[str, Any]:
    lmc = found(LMC, m.lmc, "LMC", conference=client.conference) if m.lmc else None
    motion = _motion(client, m.motion)
    part = found(MotionPart, m.part, "part of that motion", motion=motion) if m.part else None
    amendment = procedure.propose_amendment(
        motion,
        m.kind,
        m.text,
        client.representative,
        new_wording=m.new_wording,
        proposer=lmc,
        part=part,
    )
    return {"amendment_id": amendment.pk}


@command(PutAmendment, who=STAFF)
def put_amendment(client: Client, m: PutAmendment) -> dict[str, Any]:
    amendment = found(Amendment, m.amendment, "amendment", motion__conference=client.conference)
    return {"poll_id": put.put_amendment(amendment, client.representative, m.countdown).pk}


@command(Procedural, who=STAFF)
def procedural(client: Client, m: Procedural) -> dict[str, Any]:
    mover = found(Representative, m.moved_by, "representative", conference=client.conference) if m.moved_by else None
    poll = put.put_procedural(
        _motion(client, m.motion),
        m.kind,
        client.representative,
        moved_by=mover,
        countdown=m.countdown,
        subject=m.subject,
    )
    return {"poll_id": poll.pk}


@command(Declare, who=STAFF)
def declare(client: Client, m: Declare) -> None:
    put.declare_outcome(_motion(client, m.motion), m.outcome, client.representative)


@command(Correct, who=STAFF)
def correct(client: Client, m: Correct) -> None:
    procedure.correct_outcome(_motion(client, m.motion), m.outcome, client.representative, m.reason)


@command(FallGroup, who=STAFF)
def fall_group(client: Client, m: FallGroup) -> dict[str, Any]:
    fallen = procedure.fall_group(_motion(client, m.motion), client.representative)
    return {"fallen": [motion.pk for motion in fallen]}


# --- The debate ---------------------------------------------------------------------------------


@command(Speech, who=STAFF)
def speech(client: Client, m: Speech) -> dict[str, Any]:
    conference = client.conference
    request = found(SpeakRequest, m.request, "request", motion__conference=conference) if m.request else None
    speaker = found(Representative, m.speaker, "representative", conference=conference) if m.speaker else None
    started = debate.start_speech(conference, client.representative, role=m.role, request=request, speaker=speaker)
    return {"speech_id": started.pk}


@command(EndSpeech, who=STAFF)
def end_speech(client: Client, m: EndSpeech) -> dict[str, Any]:
    poll = put.end_speech(client.conference, client.representative)  # a reply after the closure: the vote opens
    return {"poll_id": poll.pk if poll else None}


@command(AdmitEmergency, who=STAFF)
def admit_emergency(client: Client, m: AdmitEmergency) -> dict[str, Any]:
    lmc = found(LMC, m.lmc, "LMC", conference=client.conference) if m.lmc else None
    motion = procedure.admit_emergency(
        client.conference.pk, m.title, m.text, client.representative, proposer=lmc, parts=m.parts
    )
    return {"motion": motion.pk, "reference": motion.reference}


@command(Speak, who=REPS)
def speak(client: Client, m: Speak) -> dict[str, Any]:
    return {"request_id": debate.ask_to_speak(_rep(client), m.side).pk}


@command(Unspeak, who=REPS)
def unspeak(client: Client, m: Unspeak) -> None:
    debate.withdraw_request(_rep(client))


@command(DebateRequest, who=REPS)
def debate_request(client: Client, m: DebateRequest) -> None:
    put.request_debate(_motion(client, m.motion), _rep(client))


# The agenda, procedure and debate commands (tests/voting/test_fuzz_consumers.py lets these
# succeed on a random message, as "next" needs no fields).
_HERE = {name for name, c in COMMANDS.items() if c.handler.__module__ == __name__}
STAFF_COMMANDS = tuple(sorted(name for name in _HERE if COMMANDS[name].who == STAFF))
REP_COMMANDS = tuple(sorted(name for name in _HERE if COMMANDS[name].who == REPS))
