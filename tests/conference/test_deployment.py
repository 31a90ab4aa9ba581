"""Every way we start uvicorn sets its websocket frame limit to the application's own.

uvicorn's default is 16 MiB: without the flag a phone (or anyone) can make the server
buffer a message of megabytes before the application refuses it. The fault test
tests/faults/test_handshake.py shows a real worker closing an 8 MiB frame with 1009.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

import bench.run

ROOT = Path(__file__).resolve().parents[2]


def test_make_serve_sets_the_frame_limit():
    makefile = (ROOT / "Makefile").read_text()
    assert f"WS_MAX_SIZE := {settings.MAX_CLIENT_MESSAGE_BYTES}\n" in makefile
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "--ws-max-size $(WS_MAX_SIZE)" in serve


def test_the_bench_servers_set_the_frame_limit():
    assert bench.run.WS_MAX_SIZE == str(settings.MAX_CLIENT_MESSAGE_BYTES)


def test_the_documented_deployment_sets_the_frame_limit():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"uvicorn conference\.asgi:application[^\n]*(?:\\\n[^\n]*)*", readme)
    assert commands, "README shows how uvicorn is run in production"
    for command in commands:
        assert f"--ws-max-size {settings.MAX_CLIENT_MESSAGE_BYTES}" in command, command
    assert "client_max_body_size" in readme  # the proxy's own limit for HTTP bodies
