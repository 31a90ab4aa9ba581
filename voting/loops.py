"""One instance per running event loop: the hub, the door, the vote writer, the turnout ticker.

An ASGI process runs one loop, so each is a per-process singleton; tests run a loop per test
and get fresh ones (tests/conftest.py's ``hall`` fixture stops them).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any, TypeVar

T = TypeVar("T", bound="PerLoop")


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
