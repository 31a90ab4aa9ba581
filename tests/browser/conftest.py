"""Browser tests: Debian's Chromium, driven by Playwright, against the app in a real uvicorn.

The server runs as in production (DEBUG off, WhiteNoise serving the collected static
files, uvicorn with wsproto) on a free loopback port, on this session's test database:
SQLite by default, PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set.

Playwright's sync API marks its event loop as running in this thread for as long as it
is started, and Django refuses database work where a loop runs. So Chromium is started
and stopped inside each test, before pytest-django flushes the database, and the tests'
own database work goes through ``support.db``, in a thread of its own.

Without /usr/bin/chromium (or axe-core, for the accessibility test) these tests skip,
except in CI (CI=true), where a missing browser fails them.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from .support import ARTIFACTS, AXE_JS, CHROMIUM, SLUG, db, missing


@pytest.fixture(scope="package")
def app_server(django_db_setup: None) -> Iterator[str]:
    """The app in uvicorn, as `make serve` runs it, on the test database; it dies with this process."""
    if not os.access(CHROMIUM, os.X_OK):
        missing(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    from bench.run import Config, collect_static, server_environment, start_servers
    from tests.live import free_port, server_database_env

    env = server_database_env()
    collect_static(server_environment(env))
    log_dir = ARTIFACTS / "browser"
    log_dir.mkdir(parents=True, exist_ok=True)
    cfg = Config(n=0, port=free_port(), server_env=env, log_dir=str(log_dir), quiet=True)
    (server,) = start_servers(cfg, "ours")
    try:
        yield f"http://127.0.0.1:{cfg.port}"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def demo(app_server: str, transactional_db: None) -> dict[str, Any]:
    """The demo conference in the test database: the chair's login and a few representatives' codes."""

    def load() -> dict[str, Any]:
        from django.core.management import call_command

        from conference.models import Representative
        from desk import demo_data

        with open(os.devnull, "w") as quiet:
            call_command("load_demo", quiet=True, stdout=quiet)
        reps = (
            Representative.objects.filter(
                conference__slug=SLUG, role=Representative.Role.REPRESENTATIVE, is_active=True
            )
            .select_related("lmc")
            .order_by("pk")
        )
        return {
            "chair": {"username": "chair", "password": demo_data.staff_password("chair")},
            # The demo's codes are derived (only their hashes are stored), as load_demo prints them.
            "codes": [demo_data.demo_access_code(SLUG, r.lmc.name if r.lmc else "", r.name) for r in reps[:3]],
        }

    return db(load)


@pytest.fixture
def browser(app_server: str, demo: dict[str, Any]) -> Iterator[Any]:
    """Chromium for one test, closed (and Playwright stopped) before the database is flushed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def axe_js() -> str:
    if not AXE_JS.is_file():
        missing(f"no axe-core at {AXE_JS}: npm install --prefix .cache/axe axe-core")
    return AXE_JS.read_text()
