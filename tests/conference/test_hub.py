"""The per-process hub: one channel per process, fan-out to local sockets by audience."""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import get_channel_layer

from conference import hub as hub_module
from conference.hub import Hub, abroadcast, group_name


class FakeSocket:
    frame_writer = None

    def __init__(self, *audiences: str) -> None:
        self.audiences = frozenset(audiences)
        self.received: list[str] = []
        self.closed: int | None = None

    async def push(self, text: str) -> None:
        self.received.append(text)

    async def kick(self, code: int) -> None:
        self.closed = code


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0.01)


@pytest.mark.usefixtures("hall")
async def test_an_event_reaches_only_the_sockets_of_its_audience_once_each():
    hub = Hub.current()
    rep, chair, screen = FakeSocket("all", "reps"), FakeSocket("all", "staff"), FakeSocket("all", "screen")
    for s in (rep, chair, screen):
        await hub.join(1, s)
    await abroadcast(1, {"type": "poll.result"}, audience="staff")
    await abroadcast(1, {"type": "item.called"})
    await abroadcast(2, {"type": "other conference"})
    await settle()
    assert chair.received == ['{"type":"poll.result"}', '{"type":"item.called"}']
    assert rep.received == screen.received == ['{"type":"item.called"}']


@pytest.mark.usefixtures("hall")
async def test_the_hub_rejoins_its_groups_after_the_layer_forgot_them(monkeypatch):
    monkeypatch.setattr(hub_module, "GROUP_REFRESH_SECONDS", 0.05)
    hub = Hub.current()
    socket = FakeSocket("all")
    await hub.join(7, socket)
    await get_channel_layer().group_discard(group_name(7), hub.channel)  # as a Redis restart would
    await asyncio.sleep(0.2)
    await abroadcast(7, {"type": "still here"})
    await settle()
    assert socket.received == ['{"type":"still here"}']


class LayerThatTurnsACancelIntoAnError:
    """As channels-redis does when its read task had failed: a cancelled receive raises that error."""

    async def new_channel(self, prefix: str = "hub") -> str:
        return f"{prefix}.test!1"

    async def group_add(self, group: str, channel: str) -> None:
        pass

    async def receive(self, channel: str) -> dict:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            raise ConnectionError("the read failed") from None
        return {}


async def test_the_hub_stops_even_when_the_layer_turns_the_cancel_into_an_error():
    hub = Hub()
    hub.layer = LayerThatTurnsACancelIntoAnError()
    await hub._ensure_listening()
    await asyncio.sleep(0.01)  # the listener is waiting in receive
    listener = hub._listener
    await hub.stop()
    try:
        assert listener.done(), "the hub's listener swallowed its cancel and kept running"
    finally:
        listener.cancel()


class RecordingWriter:
    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def write(self, frame: bytes) -> None:
        self.writes.append(frame)


@pytest.mark.usefixtures("hall")
async def test_events_sent_together_reach_each_socket_in_one_write_in_order():
    from conference.hub import abroadcast_many
    from conference.wire import text_frame

    hub = Hub.current()
    fast, slow = FakeSocket("all"), FakeSocket("all")
    fast.frame_writer = RecordingWriter()  # type: ignore[assignment]
    for s in (fast, slow):
        await hub.join(3, s)
    await abroadcast_many(3, [{"type": "result.published"}, {"type": "motion.updated"}])
    await settle()
    assert fast.frame_writer.writes == [  # type: ignore[attr-defined]
        text_frame('{"type":"result.published"}') + text_frame('{"type":"motion.updated"}')
    ]
    assert slow.received == ['{"type":"result.published"}', '{"type":"motion.updated"}']
