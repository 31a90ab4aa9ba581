"""The ASGI lifespan: what a process does when it is told to stop (a rolling restart).

On SIGTERM uvicorn stops accepting connections, closes every open socket with 1012
(service restart: socket.js reconnects, spread over a few seconds, to another process,
resyncs from a snapshot and resends by key any vote not yet acknowledged), and waits for
the sockets' tasks, each of which finishes the vote it is waiting on, up to
``--timeout-graceful-shutdown``. Then it sends ``lifespan.shutdown``: here the vote writer
writes whatever it still holds (a vote taken is a vote written, acknowledged or not), and
the hub and the database thread are stopped, before the process exits.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from conference.hub import Hub
from conference.loops import DbThread

from .turnout import ScreenTurnout
from .writer import VoteWriter

log = logging.getLogger(__name__)

DRAIN_SECONDS = 30


async def stop_this_process() -> None:
    loop = asyncio.get_running_loop()
    writer = VoteWriter._by_loop.get(loop)
    if writer is not None:
        await writer.drain(DRAIN_SECONDS)
        if writer.unwritten:
            log.error("shutdown: %d vote(s) still unwritten after %s s", writer.unwritten, DRAIN_SECONDS)
        await writer.stop()
    screens = ScreenTurnout._by_loop.get(loop)
    for pacer in screens.pacers.values() if screens is not None else ():
        pacer.stop()
    hub = Hub._by_loop.get(loop)
    if hub is not None:
        await hub.stop()
    db_thread = DbThread._by_loop.get(loop)
    if db_thread is not None:
        await db_thread.stop()


async def lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            try:
                await stop_this_process()
            except Exception:
                log.exception("shutdown: stopping the vote writer or the hub failed")
            await send({"type": "lifespan.shutdown.complete"})
            return
