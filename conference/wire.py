"""Websocket frames built once and written straight to each connection (the fan-out's fast path).

A broadcast to a hall of 5,000 phones used to go, per phone, through Channels' consumer
``send``, the session middleware's per-message wrapper (which asks the session whether it
changed), uvicorn's ASGI ``send`` and wsproto's framing: about 40 µs of Python each, 200 ms
of one core per event (bench/README.md). A server's frames are not masked (RFC 6455 §5.1),
so the same bytes suit every socket: the hub frames an event once and writes those bytes to
each socket's transport, as ``websockets.broadcast`` does in the baseline.

This trades clarity for speed: it reaches below the ASGI interface into uvicorn's protocol
object (its transport and its close state). ``writer_for`` recognises that object
and nothing else; anywhere else (Channels' test communicator, another server, another
uvicorn websocket implementation) it returns None and the socket sends through ASGI as
before. Like ``websockets.broadcast`` the fast path does not wait for a slow client's
buffer to drain; uvicorn's pings close a client that stops reading.
"""

from __future__ import annotations

import struct
from typing import Any

_FIN_TEXT = 0x81  # FIN bit + opcode 1 (text)


def text_frame(text: str) -> bytes:
    """One complete, unmasked websocket text frame carrying ``text``."""
    payload = text.encode()
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", _FIN_TEXT, n)
    elif n < 1 << 16:
        header = struct.pack("!BBH", _FIN_TEXT, 126, n)
    else:
        header = struct.pack("!BBQ", _FIN_TEXT, 127, n)
    return header + payload


class FrameWriter:
    """Writes whole frames to one uvicorn wsproto connection, as its own ``send`` would."""

    __slots__ = ("protocol",)

    def __init__(self, protocol: Any) -> None:
        self.protocol = protocol

    def write(self, frame: bytes) -> None:
        protocol = self.protocol
        # uvicorn's send: nothing once a close was sent or the connection is going. Our
        # frames are always whole messages, so wsproto's own state is never mid-message.
        if protocol.close_sent or not protocol.handshake_complete or protocol.transport.is_closing():
            return
        protocol.transport.write(frame)


# uvicorn's two sans-I/O websocket protocols (``--ws wsproto``, ``--ws websockets-sansio``):
# both write each frame with ``transport.write`` as soon as ``send`` is called and keep the
# same two flags. Its legacy ``--ws websockets`` protocol completes the handshake later, in
# a task of its own, so it is not one of them.
_PROTOCOLS = {
    ("uvicorn.protocols.websockets.wsproto_impl", "WSProtocol"),
    ("uvicorn.protocols.websockets.websockets_sansio_impl", "WebSocketsSansIOProtocol"),
}


def writer_for(receive: Any) -> FrameWriter | None:
    """The frame writer of the uvicorn connection behind an ASGI ``receive``, or None."""
    protocol = getattr(receive, "__self__", None)
    if (type(protocol).__module__, type(protocol).__name__) in _PROTOCOLS:
        return FrameWriter(protocol)
    return None
