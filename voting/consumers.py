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
import uuid
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

from conference import close_codes, errors
from conference.errors import Refused, whole_number
from conference.events import error
from conference.hub import Hub
from conference.models import Conference, Representative
from conference.ratelimit import Bucket
from conference.wire import FrameWriter, text_frame, writer_for
from motions.agenda import call_motion
from motions.models import Motion, MotionPart

from . import actions, closing, put, results
from .actions import VoteRequest
from .commands import ProcedureCommands
from .door import Door
from .models import Poll
from .turnout import SCREEN_AUDIENCE as SCREEN_TURNOUT
from .turnout import ScreenTurnout, TurnoutTicker
from .writer import VoteWriter

log = logging.getLogger(__name__)

# Message types with a rate limit of their own (settings.SOCKET_RATE_LIMITS); the rest share "other".
LIMITED_KINDS = frozenset({"vote", "sync", "ping"})

CLOSE_NOT_LOGGED_IN = close_codes.NOT_SIGNED_IN
CLOSE_UNKNOWN_CONFERENCE = close_codes.UNKNOWN_CONFERENCE


def parse(text_data: str | None, bytes_data: bytes | None) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(the message, None), or (the message if it is an object, the error event to answer)."""
    size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
    if size > settings.MAX_CLIENT_MESSAGE_BYTES:
        return None, error(errors.TOO_LARGE, "That message is too large.")
    if text_data is None:
        return None, error(errors.MALFORMED, "Send JSON text, not binary.")
    try:
        message = json.loads(text_data)
    except (ValueError, RecursionError):  # RecursionError: nested a thousand levels deep
        return None, error(errors.MALFORMED, "That message is not valid JSON.")
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return None, error(errors.MALFORMED, 'A message is a JSON object with a "type".')
    return message, None


def _parts(message: dict[str, Any], motion: Motion) -> list[MotionPart]:
    """The parts a vote takes together, from "parts": a list of part ids of this motion."""
    ids = message.get("parts")
    if ids is None:
        return []
    if (
        not isinstance(ids, list)
        or not 2 <= len(ids) <= 50
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
    ):
        raise Refused(errors.MALFORMED, '"parts" must be a list of at least two part ids.')
    found = {p.pk: p for p in MotionPart.objects.filter(pk__in=ids, motion=motion)}
    if len(found) != len(set(ids)):
        raise Refused(errors.MALFORMED, "That motion has no such part.")
    return [found[i] for i in ids]


class BaseHallConsumer(AsyncWebsocketConsumer):
    audiences: frozenset[str] = frozenset()
    snapshot_audience = "screen"

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
        await Hub.current().join(conference.pk, self)
        self.joined = True
        await self.send_snapshot()

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

    async def push(self, text: str) -> None:
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
        if not hasattr(self, "buckets"):
            self.buckets = {name: Bucket(*rule) for name, rule in settings.SOCKET_RATE_LIMITS.items()}
        return self.buckets.get(kind, self.buckets["other"])

    def within_limit(self, kind: str) -> bool:
        return self.bucket(kind).take()

    async def rate_limited(self, message: Any, kind: str = "other") -> None:
        """Refuse one message over the limit; a socket that keeps on is closed (4429: reconnect later)."""
        if not self.within_limit("refused"):
            self.flooded = True
            await self.close(close_codes.RATE_LIMITED)
            return
        ref = message.get("ref", message.get("key")) if isinstance(message, dict) else None
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
        message, problem = parse(text_data, bytes_data)
        kind = message.get("type") if message is not None else None
        kind = kind if kind in LIMITED_KINDS else "other"
        if not self.within_limit(kind):
            await self.rate_limited(message, kind)
        elif problem is not None:
            await self.send_json(problem)
        else:
            assert message is not None
            await self.handle(message)

    async def handle(self, message: dict[str, Any]) -> None:
        # The messages a phone sends most are looked up on their own: the whole table
        # (handlers()) builds a closure per staff command, which was 6.5 % of the server's
        # samples in a 5,000-phone vote burst (bench/README.md).
        method = self.every_role_handlers.get(message["type"])
        handler = getattr(self, method) if method else self.handlers().get(message["type"])
        if handler is None:
            await self.send_json(error(errors.MALFORMED, f"Unknown message type {message['type'][:40]!r}."))
            return
        ref = message.get("ref") if isinstance(message.get("ref"), (str, int)) else None
        try:
            await handler(message)
        except Refused as refused:
            await self.send_json(error(refused.code, refused.message, ref=ref))
        except OSError:  # the socket is gone (uvicorn's ClientDisconnected): nobody to answer
            raise
        except Exception:  # the socket stays usable for the next good message
            log.exception("websocket handler failed for %s", message["type"])
            await self.send_json(
                error("server_error", "Something went wrong on the server. Check the state and try again.", ref=ref)
            )

    # Message type -> method, the same for every role (each method checks what it must).
    every_role_handlers: dict[str, str] = {"sync": "on_sync", "ping": "on_ping"}

    def handlers(self) -> dict[str, Any]:
        return {kind: getattr(self, method) for kind, method in self.every_role_handlers.items()}

    async def on_sync(self, message: dict[str, Any]) -> None:
        await self.send_snapshot()

    async def on_ping(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})


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


class HallConsumer(ProcedureCommands, BaseHallConsumer):
    """Signed-in people: representatives, chair, secretariat, observers."""

    signed_in = True

    def authorise(self, representative: Representative | None) -> bool:
        if representative is None:
            return False
        rep = self.representative = representative
        if rep.is_staff_role:
            self.audiences = frozenset({"all", "staff", "turnout", f"rep:{rep.pk}"})
            self.snapshot_audience = "staff"
        else:
            self.audiences = frozenset({"all", "reps", f"rep:{rep.pk}"})
            self.snapshot_audience = "reps"
        return True

    every_role_handlers = BaseHallConsumer.every_role_handlers | {"vote": "on_vote"}

    def handlers(self) -> dict[str, Any]:
        handlers = super().handlers()
        if self.representative is not None and self.representative.is_staff_role:
            handlers |= {
                "call": self.on_call,
                "open": self.on_open,
                "close": self.on_close,
                "publish": self.on_publish,
                "casting": self.on_casting,
            }
        else:
            handlers |= {t: self.on_forbidden for t in ("call", "open", "close", "publish", "casting")}
        return handlers | self.procedure_handlers(self.representative is not None and self.representative.is_staff_role)

    async def on_forbidden(self, message: dict[str, Any]) -> None:
        raise Refused(errors.FORBIDDEN, "Only the chair or the secretariat can do that.")

    # --- representatives -----------------------------------------------------------------

    async def on_vote(self, message: dict[str, Any]) -> None:
        rep = self.representative
        assert rep is not None
        raw_key = message.get("key")
        try:
            key = uuid.UUID(raw_key) if isinstance(raw_key, str) and len(raw_key) <= 40 else None
        except ValueError:
            key = None
        if key is None:
            raise Refused(errors.MALFORMED, 'A vote needs a "key": a UUID made by the phone.')
        poll_id = whole_number(message, "poll")
        assert poll_id is not None
        choice = message.get("choice")
        if (
            isinstance(choice, list)
            and 0 < len(choice) <= 50
            and all(isinstance(c, str) and 0 < len(c) <= 40 for c in choice)
        ):
            choice = tuple(choice)  # a pick ballot: several options
        elif not isinstance(choice, str) or not 0 < len(choice) <= 40:
            raise Refused(errors.UNKNOWN_CHOICE, "That is not one of the choices in this vote.")
        if rep.role != Representative.Role.REPRESENTATIVE:
            raise Refused(errors.NOT_ELIGIBLE, "Only representatives vote.")
        outcome = await VoteWriter.current().submit(VoteRequest(rep.pk, poll_id, choice, key))
        await self.send_json(outcome.as_event())
        if outcome.ok and not outcome.changed:
            TurnoutTicker.current().mark(self.conference.pk, poll_id)

    # --- chair and secretariat ---------------------------------------------------------

    async def _poll(self, message: dict[str, Any]) -> Poll:
        poll_id = whole_number(message, "poll")
        poll = await database_sync_to_async(Poll.objects.filter(pk=poll_id, conference=self.conference).first)()
        if poll is None:
            raise Refused(errors.UNKNOWN_POLL, "There is no such poll at this conference.")
        return poll

    async def _ok(self, message: dict[str, Any], **extra: Any) -> None:
        ref = message.get("ref") if isinstance(message.get("ref"), (str, int)) else None
        await self.send_json({"type": "ok", "of": message["type"], "ref": ref, **extra})

    async def on_call(self, message: dict[str, Any]) -> None:
        motion_id = whole_number(message, "motion", optional=True)

        def call() -> None:
            motion = None
            if motion_id is not None:
                motion = Motion.objects.filter(pk=motion_id, conference=self.conference).first()
                if motion is None:
                    raise Refused(errors.MALFORMED, "There is no such motion on this agenda.")
            call_motion(self.conference, motion, self.representative)

        await database_sync_to_async(call)()
        await self._ok(message)

    async def on_open(self, message: dict[str, Any]) -> None:
        """Open a prepared poll ("poll"), or put a motion or one of its parts ("motion", "part")."""
        countdown = whole_number(message, "countdown", optional=True)
        allow_change = message.get("allow_change", False) is True
        secret = message.get("secret", True) is not False

        def open_() -> int:
            if message.get("poll") is not None:
                poll = Poll.objects.filter(pk=whole_number(message, "poll"), conference=self.conference).first()
                if poll is None:
                    raise Refused(errors.UNKNOWN_POLL, "There is no such poll at this conference.")
            else:
                motion = Motion.objects.filter(pk=whole_number(message, "motion"), conference=self.conference).first()
                if motion is None:
                    raise Refused(errors.MALFORMED, "There is no such motion on this agenda.")
                part = None
                part_id = whole_number(message, "part", optional=True)
                if part_id is not None:
                    part = MotionPart.objects.filter(pk=part_id, motion=motion).first()
                    if part is None:
                        raise Refused(errors.MALFORMED, "That motion has no such part.")
                # Parts taken together: "parts": [id, id]; a decided question again: "reput" + "reason".
                parts = _parts(message, motion)
                reason = message.get("reason", "")
                if not isinstance(reason, str) or len(reason) > 2000:
                    raise Refused(errors.MALFORMED, '"reason" must be text of at most 2000 characters.')
                return put.put_motion(
                    motion,
                    part,
                    self.representative,
                    countdown=countdown,
                    allow_change=allow_change,
                    secret=secret,
                    parts=parts,
                    reput=message.get("reput") is True,
                    reason=reason,
                ).pk
            return actions.open_poll(poll, self.representative, countdown).pk

        poll_id = await database_sync_to_async(open_)()
        await self._ok(message, poll_id=poll_id)

    async def on_close(self, message: dict[str, Any]) -> None:
        poll = await self._poll(message)
        if poll.status == Poll.Status.DRAFT:  # closing again is harmless; closing what never opened is a mistake
            raise Refused(errors.INVALID_STATE, "That vote has not been opened.")
        closed = await database_sync_to_async(closing.close_poll)(poll.pk, self.representative)
        # "no_ballots": nobody voted; the console warns the chair before it is published.
        no_ballots = bool(closed and closed.result and closed.result.get("no_ballots"))
        await self._ok(message, poll_id=poll.pk, no_ballots=no_ballots)

    async def on_publish(self, message: dict[str, Any]) -> None:
        poll = await self._poll(message)
        await database_sync_to_async(results.publish_result)(poll, self.representative)
        await self._ok(message, poll_id=poll.pk)

    async def on_casting(self, message: dict[str, Any]) -> None:
        poll = await self._poll(message)
        carried = message.get("carried")
        if not isinstance(carried, bool):
            raise Refused(errors.MALFORMED, '"carried" must be true or false.')
        assert self.representative is not None  # on_casting is a staff handler
        await database_sync_to_async(closing.resolve_tie)(poll, carried, self.representative)
        await self._ok(message, poll_id=poll.pk)
