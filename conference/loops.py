"""One instance per running event loop: the hub, the door, the vote writer, the turnout ticker,
and the database thread the vote writer and the turnout ticker share.

An ASGI process runs one loop, so each is a per-process singleton; tests run a loop per test
and get fresh ones (tests/conftest.py's ``hall`` fixture stops them).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import close_old_connections, connections

T = TypeVar("T", bound="PerLoop")
R = TypeVar("R")


class PerLoop:
    _by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._by_loop = weakref.WeakKeyDictionary()

    @classmethod
    def current(cls: type[T]) -> T:
        loop = asyncio.get_running_loop()
        instance = cls._by_loop.get(loop)
        if instance is None:
            instance = cls._by_loop[loop] = cls()
        return instance


class DbThread(PerLoop):
    """One database thread of the process's own, apart from the web requests' thread, so a
    burst of votes and the turnout counts do not queue behind page loads (or the reverse)."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vote-writer")

    async def run(self, fn: Callable[..., R], *args: Any) -> R:
        return await asyncio.get_running_loop().run_in_executor(self.executor, with_fresh_connection, fn, *args)

    async def stop(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self.executor, connections.close_all)
        self.executor.shutdown(wait=True)
        type(self)._by_loop.pop(asyncio.get_running_loop(), None)


def with_fresh_connection(fn: Callable[..., R], *args: Any) -> R:
    close_old_connections()  # drop a connection the database closed (a restart) before using it
    return fn(*args)
