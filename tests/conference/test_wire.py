"""The fan-out's pre-built frames: what a websocket client reads from them."""

from __future__ import annotations

import pytest
from wsproto.connection import Connection, ConnectionType
from wsproto.events import TextMessage

from conference.wire import text_frame, writer_for


@pytest.mark.parametrize(
    "text", ["", "x" * 125, "é" * 63, "y" * 126, "z" * 65535, "w" * 65536, '{"type":"poll.opened"}']
)
def test_a_client_reads_the_frame_as_one_text_message(text):
    client = Connection(ConnectionType.CLIENT)  # a client expects unmasked frames from the server

    client.receive_data(text_frame(text) + text_frame("next"))

    messages = list(client.events())
    assert all(isinstance(m, TextMessage) and m.message_finished for m in messages)
    assert [m.data for m in messages] == [text, "next"]


def test_only_uvicorns_own_protocols_get_the_fast_path():
    async def receive():  # a plain ASGI receive, as Channels' test communicator passes
        return {}

    assert writer_for(receive) is None
