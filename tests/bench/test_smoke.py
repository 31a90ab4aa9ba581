"""The benchmark in small (N=200, one real uvicorn process) as a check of the whole path.

Phones sign in with their codes, the chair opens a poll, every phone votes, the chair
closes and publishes; the stored ballots must equal the acknowledged votes exactly.
No timing assertions: the figures belong to bench/README.md.
"""

from __future__ import annotations

import socket

import pytest

from bench.run import Config, run
from tests.live import server_database_env

PORTS = range(8166, 8170)  # this branch's range, clear of a benchmark run on 8160-8165


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port for the benchmark server")


@pytest.mark.django_db(transaction=True)
def test_a_hall_of_200_phones_loses_and_doubles_no_vote(tmp_path) -> None:
    server_env = {**server_database_env(), "DEBUG": "true"}  # static files straight from the apps
    cfg = Config(
        n=200, workers=1, window=2.0, port=free_port(), server_env=server_env, log_dir=str(tmp_path), quiet=True
    )

    out = run(cfg, ("ours",))["ours"]

    assert out["connected"] == 200, out["connect_errors"]
    assert out["opened_missing"] == 0
    assert out["no_poll"] == 0 and out["unanswered"] == 0 and not out["refused"]
    assert len(out["acked"]) == 200
    assert out["lost"] == 0
    assert out["doubled"] == 0
    assert out["wrong_choice"] == 0
    assert out["tally_matches"] is True
    assert out["published_missing"] == 0
