"""The websocket protocol: every message a client may send, declared once (docs/protocol.md).

A message is a msgspec ``Struct`` tagged by its ``"type"``; its fields carry their types and
limits, and the refusal a client gets when a field is wrong. A handler is registered for it
with ``@command(TheMessage, who=...)``. Adding a message type is three things, one each:

1. the declaration: ``class Speak(Message, tag="speak"): side: Text`` (in the app's ``messages.py``);
2. the handler: ``@command(Speak, who=REPS)`` on a function ``(client, message) -> dict | None``
   (sync functions run in a database thread; what they return is added to the ``ok`` answer);
3. its entry in docs/protocol.md (tests/conference/test_protocol_doc.py holds the two together).

An app above voting (elections, policy) registers its commands the same way from its
``AppConfig.ready``: the consumer asks this registry, it never imports the app.

``decode`` reads and checks a whole message in one pass: a vote in 9.9 µs against 42 µs for
the ``json.loads`` and hand-written checks it replaced (timeit, best of 5 x 200,000, on the
shared 2-core machine at load 8.8). Only a message that fails is read again (58 µs) to say
which field is wrong, so a refusal names the field as the hand-written checks did.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Protocol, TypeVar, Union, get_args, get_origin

import msgspec
from msgspec import Meta

from . import errors
from .errors import Refused

if TYPE_CHECKING:
    from .models import Conference, Representative

MAX_TEXT = 4000

# Who may send a message. The screen socket (ws/c/<slug>/screen/) is ANYONE's; a signed-in
# socket is SIGNED_IN plus STAFF (the chair and the secretariat) or REPS (everyone else:
# representatives and observers; the action itself says whether an observer may).
ANYONE = "anyone"
SIGNED_IN = "signed_in"
STAFF = "staff"
REPS = "reps"
WHO = (ANYONE, SIGNED_IN, STAFF, REPS)


def refusal(code: str, message: str) -> Meta:
    """A field's refusal; ``{name}`` in the message is the field's name."""
    return Meta(extra={"refusal": (code, message)})


# The field types the messages share. A message's own field can declare its own refusal.
Id = Annotated[int, Meta(ge=1, lt=2**31), refusal(errors.MALFORMED, '"{name}" must be a positive whole number.')]
Ids = Annotated[list[Id], Meta(max_length=200), refusal(errors.MALFORMED, '"{name}" must be a list of ids.')]
TEXT_REFUSAL = f'"{{name}}" must be text of at most {MAX_TEXT} characters.'
Text = Annotated[str, Meta(max_length=MAX_TEXT), refusal(errors.MALFORMED, TEXT_REFUSAL)]
Flag = Annotated[bool, refusal(errors.MALFORMED, '"{name}" must be true or false.')]
Ref = Union[str, int, None]


class Message(msgspec.Struct, tag_field="type", kw_only=True):
    """What every message has: its ``type`` (the tag) and an optional ``ref`` echoed in the
    answer (text or a number; anything else is ignored, never refused)."""

    ref: Any = None

    @property
    def answer_ref(self) -> Ref:
        return _clean_ref(self.ref)

    @classmethod
    def type_name(cls) -> str:
        tag = cls.__struct_config__.tag
        assert isinstance(tag, str), f"{cls.__name__} has no tag"
        return tag


M = TypeVar("M", bound=Message)


class Client(Protocol):
    """What a handler may use of the socket that sent the message."""

    conference: Conference
    representative: Representative | None

    async def send_json(self, event: dict[str, Any]) -> None: ...


# (client, message) -> the ok answer's extra fields, or None; sync (run in a database thread) or async.
Handler = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Command:
    message: type[Message]
    handler: Handler
    who: str
    answers_ok: bool  # False: the handler sends its own answer (a vote's receipt, the snapshot, pong)

    @property
    def type(self) -> str:
        return self.message.type_name()

    @property
    def in_thread(self) -> bool:
        return not inspect.iscoroutinefunction(self.handler)


COMMANDS: dict[str, Command] = {}


def command(message: type[M], *, who: str, answers_ok: bool = True) -> Callable[[Handler], Handler]:
    """Register the handler of a message type: the one place the consumers look."""
    if who not in WHO:
        raise ValueError(f"who must be one of {WHO}")

    def register(handler: Handler) -> Handler:
        name = message.type_name()
        if name in COMMANDS and COMMANDS[name].handler is not handler:
            raise ValueError(f"message type {name!r} already has a handler")
        COMMANDS[name] = Command(message, handler, who, answers_ok)
        _decoder.cache_clear()
        return handler

    return register


@cache
def _decoder() -> msgspec.json.Decoder[Any]:
    types = tuple(c.message for c in COMMANDS.values())
    return msgspec.json.Decoder(Union[types] if len(types) > 1 else types[0])


def decode(text: str | bytes, may_send: frozenset[str], signed_in: bool) -> tuple[Command, Message]:
    """A client's message read and checked, or Refused with the code and sentence it gets."""
    try:
        message = _decoder().decode(text)
    except msgspec.ValidationError:
        raise _why(text, may_send, signed_in) from None
    except msgspec.DecodeError:
        raise Refused(errors.MALFORMED, "That message is not valid JSON.") from None
    found = COMMANDS[message.type_name()]
    _check_who(found, may_send, signed_in)
    return found, message


def decode_as(message_type: type[M], body: str | bytes) -> M:
    """One message of a known type (its "type" may be left out): the HTTP vote's body."""
    try:
        return msgspec.json.decode(body, type=message_type)
    except msgspec.ValidationError:
        raw = _loads(body)
        raise _field_refusal(message_type, raw) from None
    except msgspec.DecodeError:
        raise Refused(errors.MALFORMED, "That message is not valid JSON.") from None


def _raw(text: str | bytes) -> dict[str, Any]:
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested a thousand levels deep
        return {}
    return raw if isinstance(raw, dict) else {}


def ref_of(text: str | bytes, *, or_key: bool = False) -> str | int | None:
    """The ``ref`` of a message that was refused, if it can be read: the error carries it
    (or_key: a vote's key when it has no ref, as a vote's answers do)."""
    raw = _raw(text)
    return _clean_ref(raw.get("ref", raw.get("key")) if or_key else raw.get("ref"))


def type_of(text: str | bytes) -> str | None:
    """The ``type`` of a message that was refused, if it can be read (its rate limit's kind)."""
    kind = _raw(text).get("type")
    return kind if isinstance(kind, str) else None


def _clean_ref(ref: Any) -> Ref:
    return ref if isinstance(ref, (str, int)) and not isinstance(ref, bool) else None


# --- Saying what is wrong (only for a message that failed) ------------------------------


def _loads(text: str | bytes) -> dict[str, Any]:
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested a thousand levels deep
        raise Refused(errors.MALFORMED, "That message is not valid JSON.") from None
    if not isinstance(raw, dict):
        raise Refused(errors.MALFORMED, 'A message is a JSON object with a "type".')
    return raw


def _why(text: str | bytes, may_send: frozenset[str], signed_in: bool) -> Refused:
    raw = _loads(text)
    kind = raw.get("type")
    if not isinstance(kind, str):
        return Refused(errors.MALFORMED, 'A message is a JSON object with a "type".')
    found = COMMANDS.get(kind)
    if found is None:
        return _unknown(kind)
    _check_who(found, may_send, signed_in)
    return _field_refusal(found.message, raw)


def _unknown(kind: str) -> Refused:
    return Refused(errors.MALFORMED, f"Unknown message type {kind[:40]!r}.")


def _check_who(found: Command, may_send: frozenset[str], signed_in: bool) -> None:
    if found.who in may_send:
        return
    if not signed_in:
        raise _unknown(found.type)  # the public screen socket sends nothing but sync and ping
    if found.who == STAFF:
        raise Refused(errors.FORBIDDEN, "Only the chair or the secretariat can do that.")
    raise Refused(errors.NOT_ELIGIBLE, "Only representatives do that.")


def _field_refusal(message_type: type[Message], raw: dict[str, Any]) -> Refused:
    """The first field, in declaration order, that is missing or wrong: its refusal."""
    for field, decoder in _field_decoders(message_type):
        if field.encode_name not in raw:
            if field.required:
                return _refusal_of(field)
            continue
        try:
            decoder.decode(msgspec.json.encode(raw[field.encode_name]))
        except msgspec.ValidationError:
            return _refusal_of(field)
    return Refused(errors.MALFORMED, "That message is not in the right form.")


@cache
def _field_decoders(
    message_type: type[Message],
) -> list[tuple[msgspec.structs.FieldInfo, msgspec.json.Decoder[Any]]]:
    return [(field, msgspec.json.Decoder(field.type)) for field in msgspec.structs.fields(message_type)]


def _refusal_of(field: msgspec.structs.FieldInfo) -> Refused:
    code, message = _declared_refusal(field.type) or (errors.MALFORMED, '"{name}" is missing or not right.')
    return Refused(code, message.format(name=field.encode_name))


def _declared_refusal(annotation: Any) -> tuple[str, str] | None:
    if get_origin(annotation) is Annotated:
        for meta in reversed(annotation.__metadata__):
            if isinstance(meta, Meta) and meta.extra and "refusal" in meta.extra:
                return meta.extra["refusal"]
        return _declared_refusal(get_args(annotation)[0])
    for member in get_args(annotation):  # Optional[...] and other unions: the first that says
        found = _declared_refusal(member)
        if found is not None:
            return found
    return None
