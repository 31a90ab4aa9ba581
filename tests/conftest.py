from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
from channels.layers import channel_layers
from django.conf import settings


def pytest_configure(config: pytest.Config) -> None:
    # Threads (the vote writer, asgiref's) each hold a connection: don't keep them open
    # between calls, or the test database cannot be dropped at the end.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


def pytest_sessionstart(session: pytest.Session) -> None:
    # CI points us at the real services: if they are not there, fail loudly, never fall back.
    if settings.REDIS_URL:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()


@pytest.fixture(autouse=True)
def plain_http(settings) -> None:
    """Production settings redirect to HTTPS and want collected static files; the tests
    speak plain HTTP to the app and find static files where they are."""
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def own_cache_namespace(settings) -> None:
    """Rate-limit counters start at zero in every test (without flushing a shared Redis)."""
    import uuid

    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"}}


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> Iterator[None]:
    """Each test gets its own channel layer object (and so its own event-loop bindings)."""
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.fixture(autouse=True)
def fresh_snapshot_cache() -> Iterator[None]:
    """Row ids come back after a rolled-back test on SQLite: never serve the last test's part."""
    from voting.snapshot import _shared_cache

    _shared_cache.clear()
    yield
    _shared_cache.clear()


@pytest.fixture
async def hall() -> AsyncIterator[None]:
    """For websocket tests: stop this loop's hub and vote writer (and its DB connection) after."""
    yield
    import asyncio

    from conference.hub import Hub
    from voting.writer import VoteWriter

    loop = asyncio.get_running_loop()
    writer = VoteWriter._by_loop.pop(loop, None)
    if writer is not None:
        await writer.stop()
    from voting.turnout import TurnoutTicker

    ticker = TurnoutTicker._by_loop.pop(loop, None)
    if ticker is not None and ticker.flushing is not None:
        ticker.flushing.cancel()
    from voting.turnout import ScreenTurnout

    screens = ScreenTurnout._by_loop.pop(loop, None)
    for pacer in screens.pacers.values() if screens is not None else ():
        pacer.stop()
    from conference.presence import Presence

    presence = Presence._by_loop.pop(loop, None)
    if presence is not None:
        presence.stop()
    hub = Hub._by_loop.pop(loop, None)
    if hub is not None:
        await hub.stop()
    from conference.loops import DbThread

    db_thread = DbThread._by_loop.get(loop)
    if db_thread is not None:
        await db_thread.stop()
    from channels.db import database_sync_to_async
    from django.db import connections

    await database_sync_to_async(connections.close_all)()


def using_postgres() -> bool:
    return bool(os.environ.get("DATABASE_URL"))
