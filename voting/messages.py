"""The messages a client sends over ws/c/<slug>/ (and the HTTP vote), each declared once.

Their handlers are in voting/consumers.py (the vote and the floor) and voting/commands.py
(the agenda, the motion procedure and the debate); docs/protocol.md describes them all.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Union

from msgspec import Meta

from conference import errors
from conference.protocol import Flag, Id, Ids, Message, Text, refusal

from .actions import VoteRequest

# --- Anyone, on either socket ------------------------------------------------------------


class Sync(Message, tag="sync"):
    """Send me the whole state again (the answer is a snapshot)."""


class Ping(Message, tag="ping"):
    """Are you there? (the answer is pong)."""


# --- Voting --------------------------------------------------------------------------------

OptionKey = Annotated[str, Meta(min_length=1, max_length=40)]
Choice = Annotated[
    # An empty list is well formed: the poll's own rule then says what is missing ("Rank at
    # least one candidate."), which a decoding error could not.
    Union[OptionKey, Annotated[list[OptionKey], Meta(min_length=0, max_length=50)]],
    refusal(errors.UNKNOWN_CHOICE, "That is not one of the choices in this vote."),
]
VoteKey = Annotated[uuid.UUID, refusal(errors.MALFORMED, 'A vote needs a "key": a UUID made by the phone.')]


class Vote(Message, tag="vote"):
    """A representative's vote; a resend with the same key gets the same receipt."""

    key: VoteKey
    poll: Id
    choice: Choice  # an option's key, or on a pick ballot a list of keys

    def request(self, representative_id: int) -> VoteRequest:
        choice = self.choice if isinstance(self.choice, str) else tuple(self.choice)
        return VoteRequest(representative_id, self.poll, choice, self.key)


# --- The chair and the secretariat: the floor ------------------------------------------------


class Call(Message, tag="call"):
    motion: Id | None = None  # none: clear the floor


PartIds = Annotated[
    list[Id],
    Meta(min_length=2, max_length=50),
    refusal(errors.MALFORMED, '"parts" must be a list of at least two part ids.'),
]
Reason = Annotated[
    str, Meta(max_length=2000), refusal(errors.MALFORMED, '"reason" must be text of at most 2000 characters.')
]


class Open(Message, tag="open"):
    """Open a prepared poll, or put a motion (or one of its parts, or several parts
    together) to the vote; a decided question again only with reput and a reason."""

    poll: Id | None = None
    motion: Id | None = None
    part: Id | None = None
    parts: PartIds | None = None
    countdown: Id | None = None
    allow_change: Flag = False
    secret: Flag = True
    reput: Flag = False
    reason: Reason = ""


class Close(Message, tag="close"):
    poll: Id


class Publish(Message, tag="publish"):
    poll: Id


class Casting(Message, tag="casting"):
    """The chair's casting vote on a tie."""

    poll: Id
    carried: Flag


# --- A live poll made on the spot ----------------------------------------------------------

LiveOptions = Annotated[
    list[Annotated[str, Meta(max_length=200)]],
    Meta(max_length=50),
    refusal(errors.MALFORMED, '"options" must be a list of texts of at most 200 characters.'),
]
ScaleEnd = Annotated[
    str, Meta(max_length=60), refusal(errors.MALFORMED, 'A scale\'s "low" and "high" labels are at most 60 characters.')
]


class LivePoll(Message, tag="live_poll"):
    """Make a live poll on the spot: a question with its own options (2 to 10), or a 1-to-N
    scale with what its ends mean; opened at once unless "open" is false."""

    question: Text
    options: LiveOptions = []
    scale: Id | None = None  # N: the scale runs from 1 to N (2 to 10)
    low: ScaleEnd = ""
    high: ScaleEnd = ""
    open: Flag = True
    countdown: Id | None = None


# --- The agenda --------------------------------------------------------------------------------


class Next(Message, tag="next"):
    pass


class Skip(Message, tag="skip"):
    pass


class Back(Message, tag="back"):
    pass


MotionIds = Annotated[
    list[Id], Meta(max_length=1000), refusal(errors.MALFORMED, '"order" must be a list of motion ids.')
]


class Reorder(Message, tag="reorder"):
    section: Id
    order: MotionIds


class Block(Message, tag="block"):
    """Put the section's A/AR block to one vote."""

    section: Id
    countdown: Id | None = None


class RestoreBlock(Message, tag="restore_block"):
    motion: Id


# --- The motion procedure ----------------------------------------------------------------------


class Amend(Message, tag="amend"):
    motion: Id
    kind: Text
    text: Text
    new_wording: Text = ""
    lmc: Id | None = None
    part: Id | None = None  # "amend part (ii)"


class PutAmendment(Message, tag="put_amendment"):
    amendment: Id
    countdown: Id | None = None


class Procedural(Message, tag="procedural"):
    motion: Id
    kind: Text
    moved_by: Id | None = None
    countdown: Id | None = None
    subject: Text = ""  # the ruling challenged, the order suspended


EmergencyParts = Annotated[
    list[Annotated[str, Meta(max_length=3999)]],
    Meta(max_length=10),
    refusal(errors.MALFORMED, '"parts" must be a list of at most ten texts.'),
]


class AdmitEmergency(Message, tag="admit_emergency"):
    """Admit an emergency motion to the agenda."""

    title: Text
    text: Text
    lmc: Id | None = None
    parts: EmergencyParts = []


class Declare(Message, tag="declare"):
    motion: Id
    outcome: Text


class Correct(Message, tag="correct"):
    motion: Id
    outcome: Text
    reason: Text


class FallGroup(Message, tag="fall_group"):
    motion: Id


# --- The chosen-motions ballot -------------------------------------------------------------------


class OpenChosen(Message, tag="open_chosen"):
    max_choices: Id
    motions: Ids | None = None
    countdown: Id | None = None


class ApplyChosen(Message, tag="apply_chosen"):
    poll: Id
    places: Id
    settle: Ids | None = None


# --- The debate ----------------------------------------------------------------------------------

Role = Annotated[str, Meta(max_length=40), refusal(errors.MALFORMED, '"role" is proposer, speaker or reply.')]


class Speech(Message, tag="speech"):
    """Start a speech: a waiting request's, or a named speaker's."""

    request: Id | None = None
    speaker: Id | None = None
    role: Role = "speaker"


class EndSpeech(Message, tag="end_speech"):
    pass


class Speak(Message, tag="speak"):
    """A representative asks to speak on the motion under debate."""

    side: Text


class Unspeak(Message, tag="unspeak"):
    pass


class DebateRequest(Message, tag="debate_request"):
    """A representative asks for a motion of the A/AR block to be debated."""

    motion: Id
