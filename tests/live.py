"""Helpers for tests that run the app in a real server process (uvicorn) on this machine."""

from __future__ import annotations

import socket

from django.conf import settings


def server_database_env() -> dict[str, str]:
    """The environment that points a server subprocess at the test database this process uses,
    with this process's keys (the server seals ballots the test reads, and the reverse)."""
    keys = {"SECRET_KEY": settings.SECRET_KEY, "BALLOT_KEY": settings.BALLOT_KEY}
    if settings.ACCESS_CODE_KEY != settings.SECRET_KEY:  # set on its own: the server must hash codes alike
        keys["ACCESS_CODE_KEY"] = settings.ACCESS_CODE_KEY
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return {"DATABASE_URL": "", "SQLITE_PATH": str(db["NAME"])} | keys
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return {"DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"} | keys


def free_port() -> int:
    """A port nothing listens on now (the kernel's pick: no clash with another checkout's run)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
