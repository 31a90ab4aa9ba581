"""One hub per process: the bridge between the channel layer and this process's sockets.

Each process joins a conference's group once, with one channel of its own, and writes
every event it receives to its local sockets itself. A broadcast is serialised once by
the sender and once per process, never once per socket, and the channel layer carries
one message per process instead of one per phone (the in-memory layer's group_send is
O(members) and the Redis layer lists every member in each group message).

Audiences: every socket has a set of tags ("all", "reps", "staff", "screen",
"rep:<id>"); an event is written to the local sockets that carry its tag.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Protocol, cast

from channels.layers import get_channel_layer
from django.core.exceptions import ImproperlyConfigured

from . import close_codes
from .loops import PerLoop
from .presence import Presence
from .wire import FrameWriter, text_frame

log = logging.getLogger(__name__)

# Re-join every conference group this often: channels-redis forgets members after a day,
# and a Redis restart (it keeps nothing on disk) forgets them at once.
GROUP_REFRESH_SECONDS = 20
STOP_TIMEOUT_SECONDS = 5


def group_name(conference_id: int) -> str:
    return f"conference.{conference_id}"


class Layer(Protocol):
    """What the hub uses of a channel layer: the in-memory and the Redis layer both have it."""

    async def new_channel(self, prefix: str = ...) -> str: ...

    async def group_add(self, group: str, channel: str) -> None: ...

    async def receive(self, channel: str) -> dict[str, Any]: ...

    async def group_send(self, group: str, message: dict[str, Any]) -> None: ...


def channel_layer() -> Layer:
    layer = get_channel_layer()
    if layer is None:
        raise ImproperlyConfigured("CHANNEL_LAYERS has no default layer: the hub needs one.")
    # channels' BaseChannelLayer declares new_channel() without the prefix both real layers take.
    return cast(Layer, layer)


class Socket(Protocol):
    audiences: frozenset[str]
    # Set when the socket's connection takes pre-built frames (conference.wire); None: push.
    frame_writer: FrameWriter | None

    async def push(self, text: str) -> None: ...

    async def kick(self, code: int) -> None: ...


class Hub(PerLoop):
    def __init__(self) -> None:
        self.layer = channel_layer()
        self.sockets: dict[int, set[Socket]] = {}
        self.channel: str | None = None
        self._joined: dict[int, float] = {}
        self._listener: asyncio.Task[None] | None = None
        self._refresher: asyncio.Task[None] | None = None
        self._start_lock = asyncio.Lock()

    async def join(self, conference_id: int, socket: Socket) -> None:
        await self._ensure_listening()
        self.sockets.setdefault(conference_id, set()).add(socket)
        try:
            await self._ensure_group(conference_id)
        except Exception:
            # Redis is down: the socket still works (votes go to the database, a snapshot
            # is sent); the group is joined again when Redis is back (see _rejoin_all).
            self._joined.pop(conference_id, None)
            log.warning("hub: joining conference %s failed; will retry", conference_id, exc_info=True)

    def leave(self, conference_id: int, socket: Socket) -> None:
        self.sockets.get(conference_id, set()).discard(socket)

    def local_count(self, conference_id: int | None = None) -> int:
        if conference_id is not None:
            return len(self.sockets.get(conference_id, ()))
        return sum(len(s) for s in self.sockets.values())

    async def _ensure_listening(self) -> None:
        if self._listener is not None and not self._listener.done():
            return
        async with self._start_lock:
            if self._listener is not None and not self._listener.done():
                return
            self.channel = await self.layer.new_channel(prefix="hub")
            self._joined.clear()
            loop = asyncio.get_running_loop()
            self._listener = loop.create_task(self._listen())
            self._refresher = loop.create_task(self._refresh_groups())

    async def _ensure_group(self, conference_id: int) -> None:
        joined = self._joined.get(conference_id)
        if joined is not None and time.monotonic() - joined < GROUP_REFRESH_SECONDS:
            return
        self._joined[conference_id] = time.monotonic()
        assert self.channel is not None
        await self.layer.group_add(group_name(conference_id), self.channel)

    async def _refresh_groups(self) -> None:
        while True:
            await asyncio.sleep(GROUP_REFRESH_SECONDS)
            await self._rejoin_all()

    async def _rejoin_all(self) -> None:
        for conference_id, sockets in list(self.sockets.items()):
            if not sockets:
                continue
            try:
                self._joined.pop(conference_id, None)
                await self._ensure_group(conference_id)
            except Exception as exc:
                _raise_if_cancelling(exc)
                log.warning("hub: re-joining conference %s failed; will retry", conference_id, exc_info=True)

    async def _listen(self) -> None:
        assert self.channel is not None
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _raise_if_cancelling(exc)
                if type(exc).__name__ == "TimeoutError":
                    # redis-py's read timed out on a busy host (its 5 s socket timeout races
                    # the layer's 5 s blocking pop): Redis is there, so read again at once.
                    log.info("hub: channel layer read timed out; reading again")
                    continue
                # Redis gone for a moment: the clients resync when it is back
                log.warning("hub: channel layer receive failed; retrying", exc_info=True)
                await asyncio.sleep(1)
                # A restarted Redis has forgotten our groups, and who is connected: join again
                # and write the presence keys again now, not at the next refresh.
                await self._rejoin_all()
                Presence.current().republish()
                continue
            await self.deliver(message)

    async def deliver(self, message: dict[str, Any]) -> None:
        targets = [s for s in self.sockets.get(message["conference"], ()) if message["audience"] in s.audiences]
        if not targets:
            return
        if message["type"] == "hub.kick":
            code = message.get("code", close_codes.SIGNED_OUT)
            await asyncio.gather(*(s.kick(code) for s in targets), return_exceptions=True)
            return
        texts = [message["text"], *message.get("more", ())]
        # The fast path: the event's frames built once, the same bytes written to every socket
        # that takes them, one write each, in one synchronous loop (no task or coroutine per
        # socket). The rest (tests' communicators, another server) send through their
        # consumer as before, the events in order.
        frame: bytes | None = None
        slow: list[Socket] = []
        for s in targets:
            writer = s.frame_writer
            if writer is None:
                slow.append(s)
                continue
            if frame is None:
                frame = b"".join(text_frame(text) for text in texts)
            try:
                writer.write(frame)
            except Exception:  # one broken connection must not stop the others' copies
                log.debug("hub: writing to a socket failed", exc_info=True)
        if slow:
            await asyncio.gather(*(_push_all(s, texts) for s in slow), return_exceptions=True)

    async def stop(self) -> None:
        tasks = [t for t in (self._listener, self._refresher) if t is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            # Bounded: a layer call that swallows the cancellation must not hang a shutdown.
            _, pending = await asyncio.wait(tasks, timeout=STOP_TIMEOUT_SECONDS)
            if pending:
                log.warning("hub: %d task(s) still running %s s after stop", len(pending), STOP_TIMEOUT_SECONDS)
        self._listener = self._refresher = None


async def _push_all(socket: Socket, texts: list[str]) -> None:
    for text in texts:
        await socket.push(text)


def _raise_if_cancelling(exc: Exception) -> None:
    """A cancellation the layer turned into another error is still a cancellation.

    channels-redis's receive, cancelled while its read task had failed, raises that task's
    error instead of CancelledError; retrying then would swallow the cancel and the hub's
    task would never stop (a test run hung in teardown on it).
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError from exc


async def abroadcast(conference_id: int, event: dict[str, Any], audience: str = "all") -> None:
    """Send an event to every socket of the conference with that audience, in every process."""
    await abroadcast_many(conference_id, [event], audience)


async def abroadcast_many(conference_id: int, events: list[dict[str, Any]], audience: str = "all") -> None:
    """Several events, in order, in one channel-layer message: each socket gets them in one write."""
    texts = [json.dumps(event, separators=(",", ":")) for event in events]
    message: dict[str, Any] = {"type": "hub.event", "conference": conference_id, "audience": audience, "text": texts[0]}
    if len(texts) > 1:
        message["more"] = texts[1:]
    await _group_send(group_name(conference_id), message)


async def _group_send(group: str, message: dict[str, Any]) -> None:
    layer = channel_layer()
    try:
        await layer.group_send(group, message)
    except (asyncio.CancelledError, TypeError, ValueError):
        raise
    except Exception:
        # After a Redis restart each pooled connection fails once ("closed by server");
        # the retry takes a fresh one. If Redis is really down, it fails fast again.
        await layer.group_send(group, message)


async def akick(conference_id: int, audience: str, code: int = close_codes.SIGNED_OUT) -> None:
    """Close the sockets of an audience (for example "rep:12" when a code is reissued)."""
    await _group_send(
        group_name(conference_id),
        {"type": "hub.kick", "conference": conference_id, "audience": audience, "code": code},
    )
