"""Websocket consumers: parse, check access, call one action, answer. No rules here.

``HallConsumer`` (ws/c/<slug>/) is for people who signed in: representatives vote,
the chair and the secretariat run the floor, observers watch. ``ScreenConsumer``
(ws/c/<slug>/screen/) is the public, read-only feed of the projector and results page.

Sockets do not get a channel-layer channel each: the process's hub receives every
event once and writes it to its local sockets (see conference.hub).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from asgiref.typing import (
    ASGIReceiveCallable,
    ASGISendCallable,
    WebSocketConnectEvent,
    WebSocketDisconnectEvent,
    WebSocketReceiveEvent,
)
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from conference import close_codes, errors, protocol
from conference.errors import Refused
from conference.events import error
from conference.hub import Hub
from conference.models import Conference, Representative
from conference.presence import Presence
from conference.protocol import ANYONE, REPS, SIGNED_IN, STAFF, Message, command
from conference.ratelimit import Bucket
from conference.wire import FrameWriter, text_frame, writer_for
from motions.agenda import call_motion
from motions.models import Motion, MotionPart

from . import actions, closing, put, results
from .door import Door
from .messages import Call, Casting, Close, Open, Ping, Publish, Sync, Vote
from .models import Poll
from .turnout import SCREEN_AUDIENCE as SCREEN_TURNOUT
from .turnout import ScreenTurnout, TurnoutTicker
from .writer import VoteWriter

log = logging.getLogger(__name__)

# Message types with a rate limit of their own (settings.SOCKET_RATE_LIMITS); the rest share "other".
LIMITED_KINDS = frozenset({"vote", "sync", "ping"})

CLOSE_NOT_LOGGED_IN = close_codes.NOT_SIGNED_IN
CLOSE_UNKNOWN_CONFERENCE = close_codes.UNKNOWN_CONFERENCE


class BaseHallConsumer(AsyncWebsocketConsumer):
    audiences: frozenset[str] = frozenset()
    snapshot_audience = "screen"
    may_send: frozenset[str] = frozenset({ANYONE})  # which messages (conference.protocol.WHO)

    frame_writer: FrameWriter | None = None

    async def __call__(self, scope: Any, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        # Like the base class, minus the per-socket channel (the hub does the fan-out, so no
        # channel_layer and no groups here) and minus await_many_dispatch: with one source to
        # read there is nothing to wait on but ``receive``, so no task and asyncio.wait per
        # message (CPU) or per idle socket (memory).
        self.scope = scope
        self.base_send = send
        # Under uvicorn, frames go straight to the connection (conference.wire).
        self.frame_writer = writer_for(receive)
        try:
            while True:
                await self.dispatch(await receive())  # type: ignore[arg-type]
        except StopConsumer:
            pass
        except OSError:  # the client went away mid-answer (uvicorn's ClientDisconnected), or a restart closed it
            log.info("websocket closed under its consumer", exc_info=True)
        except Exception:  # a bug: end this socket, not the process
            log.exception("websocket consumer failed")
        finally:  # however the socket ends (close, error, cancel at shutdown), it leaves the hub
            self.leave_hub()

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels 4.2+ closes old database connections before every handler, a thread hop
        # per message. Our handlers do their database work in their own calls, which
        # clean up after themselves, so the hop is skipped.
        handler = getattr(self, f"handler_{message['type'].replace('.', '_')}", None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def handler_websocket_connect(self, message: WebSocketConnectEvent) -> None:
        await self.websocket_connect(message)

    async def handler_websocket_receive(self, message: WebSocketReceiveEvent) -> None:
        await self.websocket_receive(message)

    async def handler_websocket_disconnect(self, message: WebSocketDisconnectEvent) -> None:
        await self.disconnect(message.get("code", 1000))
        raise StopConsumer()

    # --- connection --------------------------------------------------------------

    conference: Conference
    representative: Representative | None = None
    joined = False

    async def connect(self) -> None:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        # One batched trip for the conference, the session and the representative (voting.door).
        conference, rep = await Door.current().admit(slug, self.scope.get("session") if self.signed_in else None)
        if conference is None:
            await self.refuse(CLOSE_UNKNOWN_CONFERENCE)
            return
        self.conference = conference
        if not self.authorise(rep):
            await self.refuse(CLOSE_NOT_LOGGED_IN)
            return
        await self.accept()
        # Joined before the snapshot is read, so no event falls between the two; one that
        # arrives meanwhile is held and sent after it, so the snapshot always comes first.
        # (Meanwhile the hub's fast path is off for this socket: its events come to push.)
        writer, self.frame_writer, self._held = self.frame_writer, None, []
        await Hub.current().join(conference.pk, self)
        self.joined = True
        try:
            await self.send_snapshot()
            for text in self._held:
                await self.send(text_data=text)
        finally:
            self._held, self.frame_writer = None, writer

    async def refuse(self, code: int) -> None:
        # Accept, then close: a handshake refused with HTTP 403 reaches the page as a bare
        # 1006, which it cannot tell from a network fault, so it would retry for ever.
        await self.accept()
        await self.close(code)

    signed_in = False  # whether the socket needs a signed-in session

    def authorise(self, representative: Representative | None) -> bool:
        return True

    async def disconnect(self, code: int) -> None:
        self.leave_hub()

    def leave_hub(self) -> None:
        if self.joined:
            self.joined = False
            Hub.current().leave(self.conference.pk, self)

    # --- the hub's side --------------------------------------------------------------

    _held: list[str] | None = None  # events that came before the first snapshot went out

    async def push(self, text: str) -> None:
        if self._held is not None:
            self._held.append(text)
            return
        await self.send(text_data=text)

    async def kick(self, code: int) -> None:
        await self.close(code)

    # --- messages from the client -----------------------------------------------------

    async def send_json(self, event: dict[str, Any]) -> None:
        text = json.dumps(event, separators=(",", ":"))
        if self.frame_writer is not None:
            # Below the session middleware's wrapper and uvicorn's send: an acknowledgement
            # is one frame written to the connection, in order with the hub's frames.
            self.frame_writer.write(text_frame(text))
        else:
            await self.send(text_data=text)

    async def send_snapshot(self) -> None:
        snapshot = await Door.current().snapshot(self.conference, self.representative, self.snapshot_audience)
        await self.send_json(snapshot)

    buckets: dict[str, Bucket]
    flooded = False

    def bucket(self, kind: str) -> Bucket:
        # Made when a kind is first used: most phones only ever vote (and ping).
        if not hasattr(self, "buckets"):
            self.buckets = {}
        rules = settings.SOCKET_RATE_LIMITS
        name = kind if kind in rules else "other"
        found = self.buckets.get(name)
        if found is None:
            found = self.buckets[name] = Bucket(*rules[name])
        return found

    def within_limit(self, kind: str) -> bool:
        return self.bucket(kind).take()

    async def rate_limited(self, ref: Any, kind: str = "other") -> None:
        """Refuse one message over the limit; a socket that keeps on is closed (4429: reconnect later)."""
        if not self.within_limit("refused"):
            self.flooded = True
            await self.close(close_codes.RATE_LIMITED)
            return
        await self.send_json(
            error(
                errors.RATE_LIMITED,
                "Too many messages from this device. Wait a few seconds and try again.",
                ref=ref if isinstance(ref, (str, int)) else None,
            )
        )
        # Read this socket's next message only when it may be served: a refusal costs next to
        # nothing, so without the pause a flooder is read as fast as it can write, and parsing
        # its frames takes the process from everyone else. Paused, TCP holds the flooder back.
        await asyncio.sleep(min(self.bucket(kind).wait(), 0.5))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.flooded:  # closed for flooding: what was already on the wire is dropped unread
            return
        try:
            found, message = self.read(text_data, bytes_data)
        except Refused as refused:
            kind = protocol.type_of(text_data) if text_data is not None else None
            if not self.within_limit(kind if kind in LIMITED_KINDS else "other"):
                await self.rate_limited(protocol.ref_of(text_data, or_key=True) if text_data else None)
            else:
                await self.send_json(error(refused.code, refused.message, ref=protocol.ref_of(text_data or "")))
            return
        kind = found.type if found.type in LIMITED_KINDS else "other"
        if not self.within_limit(kind):
            key = getattr(message, "key", None)
            await self.rate_limited(message.answer_ref if message.ref is not None else key and str(key), kind)
            return
        await self.handle(found, message)

    def read(self, text_data: str | None, bytes_data: bytes | None) -> tuple[protocol.Command, Message]:
        """The message declared for its type (conference.protocol), or Refused."""
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > settings.MAX_CLIENT_MESSAGE_BYTES:
            raise Refused(errors.TOO_LARGE, "That message is too large.")
        if text_data is None:
            raise Refused(errors.MALFORMED, "Send JSON text, not binary.")
        return protocol.decode(text_data, self.may_send, self.signed_in)

    async def handle(self, found: protocol.Command, message: Message) -> None:
        try:
            extra: dict[str, Any] | None
            if found.in_thread:
                extra = await database_sync_to_async(found.handler)(self, message)
            else:
                extra = await found.handler(self, message)
            if found.answers_ok:
                await self.send_json({"type": "ok", "of": found.type, "ref": message.answer_ref, **(extra or {})})
        except Refused as refused:
            await self.send_json(error(refused.code, refused.message, ref=message.answer_ref))
        except OSError:  # the socket is gone (uvicorn's ClientDisconnected): nobody to answer
            raise
        except Exception:  # the socket stays usable for the next good message
            log.exception("websocket handler failed for %s", found.type)
            await self.send_json(
                error(
                    "server_error",
                    "Something went wrong on the server. Check the state and try again.",
                    ref=message.answer_ref,
                )
            )


@command(Sync, who=ANYONE, answers_ok=False)
async def on_sync(client: BaseHallConsumer, message: Sync) -> None:
    await client.send_snapshot()


@command(Ping, who=ANYONE, answers_ok=False)
async def on_ping(client: BaseHallConsumer, message: Ping) -> None:
    await client.send_json({"type": "pong"})


class ScreenConsumer(BaseHallConsumer):
    """The projector and the public results page: no sign-in, nothing to send but sync.

    Its turnout comes paced, on a fixed clock (voting.turnout.ScreenTurnout)."""

    audiences = frozenset({"all", "screen", SCREEN_TURNOUT})
    snapshot_audience = "screen"
    watching = False

    async def connect(self) -> None:
        await super().connect()
        if self.joined:
            await ScreenTurnout.current().watch(self.conference.pk)
            self.watching = True

    def leave_hub(self) -> None:
        if self.watching:
            self.watching = False
            ScreenTurnout.current().unwatch(self.conference.pk)
        super().leave_hub()


class HallConsumer(BaseHallConsumer):
    """Signed-in people: representatives, chair, secretariat, observers."""

    signed_in = True

    present = False  # counted in the turnout's "present" (conference.presence) while open

    async def connect(self) -> None:
        await super().connect()
        rep = self.representative
        if self.joined and rep is not None and rep.role == Representative.Role.REPRESENTATIVE:
            Presence.current().arrive(self.conference.pk, rep.pk)
            self.present = True

    def leave_hub(self) -> None:
        if self.present and self.representative is not None:
            self.present = False
            Presence.current().leave(self.conference.pk, self.representative.pk)
        super().leave_hub()

    def authorise(self, representative: Representative | None) -> bool:
        if representative is None:
            return False
        rep = self.representative = representative
        if rep.is_staff_role:
            self.audiences = frozenset({"all", "staff", "turnout", f"rep:{rep.pk}"})
            self.snapshot_audience = "staff"
            self.may_send = frozenset({ANYONE, SIGNED_IN, STAFF})
        else:
            self.audiences = frozenset({"all", "reps", f"rep:{rep.pk}"})
            self.snapshot_audience = "reps"
            self.may_send = frozenset({ANYONE, SIGNED_IN, REPS})
        return True


# --- The messages' handlers (registered in conference.protocol; voting.apps imports this) ---


@command(Vote, who=SIGNED_IN, answers_ok=False)
async def on_vote(client: HallConsumer, vote: Vote) -> None:
    """Whether the sender may vote is the writer's to say (Representative.may_vote)."""
    rep = client.representative
    assert rep is not None
    outcome = await VoteWriter.current().submit(vote.request(rep.pk))
    await client.send_json(outcome.as_event())
    if outcome.ok and not outcome.changed:
        TurnoutTicker.current().mark(client.conference.pk, vote.poll)


# --- chair and secretariat ---------------------------------------------------------


def _poll(client: HallConsumer, poll_id: int) -> Poll:
    poll = Poll.objects.filter(pk=poll_id, conference=client.conference).first()
    if poll is None:
        raise Refused(errors.UNKNOWN_POLL, "There is no such poll at this conference.")
    return poll


@command(Call, who=STAFF)
def on_call(client: HallConsumer, m: Call) -> None:
    motion = None
    if m.motion is not None:
        motion = Motion.objects.filter(pk=m.motion, conference=client.conference).first()
        if motion is None:
            raise Refused(errors.MALFORMED, "There is no such motion on this agenda.")
    call_motion(client.conference, motion, client.representative)


@command(Open, who=STAFF)
def on_open(client: HallConsumer, m: Open) -> dict[str, Any]:
    """Open a prepared poll ("poll"), or put a motion or one of its parts ("motion", "part")."""
    if m.poll is not None:
        return {"poll_id": actions.open_poll(_poll(client, m.poll), client.representative, m.countdown).pk}
    if m.motion is None:
        raise Refused(errors.MALFORMED, '"motion" must be a positive whole number.')
    motion = Motion.objects.filter(pk=m.motion, conference=client.conference).first()
    if motion is None:
        raise Refused(errors.MALFORMED, "There is no such motion on this agenda.")
    part = None
    if m.part is not None:
        part = MotionPart.objects.filter(pk=m.part, motion=motion).first()
        if part is None:
            raise Refused(errors.MALFORMED, "That motion has no such part.")
    poll = put.put_motion(
        motion,
        part,
        client.representative,
        countdown=m.countdown,
        allow_change=m.allow_change,
        secret=m.secret,
        parts=_parts(m.parts, motion),
        reput=m.reput,
        reason=m.reason,
    )
    return {"poll_id": poll.pk}


def _parts(ids: list[int] | None, motion: Motion) -> list[MotionPart]:
    """The parts a vote takes together: part ids of this motion."""
    if ids is None:
        return []
    found = {p.pk: p for p in MotionPart.objects.filter(pk__in=ids, motion=motion)}
    if len(found) != len(set(ids)):
        raise Refused(errors.MALFORMED, "That motion has no such part.")
    return [found[i] for i in ids]


@command(Close, who=STAFF)
def on_close(client: HallConsumer, m: Close) -> dict[str, Any]:
    poll = _poll(client, m.poll)
    if poll.status == Poll.Status.DRAFT:  # closing again is harmless; closing what never opened is a mistake
        raise Refused(errors.INVALID_STATE, "That vote has not been opened.")
    closed = closing.close_poll(poll.pk, client.representative)
    # "no_ballots": nobody voted; the console warns the chair before it is published.
    no_ballots = bool(closed and closed.result and closed.result.get("no_ballots"))
    return {"poll_id": poll.pk, "no_ballots": no_ballots}


@command(Publish, who=STAFF)
def on_publish(client: HallConsumer, m: Publish) -> dict[str, Any]:
    poll = _poll(client, m.poll)
    results.publish_result(poll, client.representative)
    return {"poll_id": poll.pk}


@command(Casting, who=STAFF)
def on_casting(client: HallConsumer, m: Casting) -> dict[str, Any]:
    poll = _poll(client, m.poll)
    assert client.representative is not None  # a staff command comes from a signed-in socket
    closing.resolve_tie(poll, m.carried, client.representative)
    return {"poll_id": poll.pk}
