"""Numbers and switches from the environment: a bad value stops the start with a sentence
that names the variable, never a traceback from int()."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOAD = "import django; django.setup()"


def start(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in env}
    return subprocess.run(
        [sys.executable, "-c", LOAD],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "conference.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "name,value,says",
    [
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be a whole number, not 'twenty-five'"),
        ("TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT must be at least 0, not -1"),
        ("JOIN_ATTEMPTS_PER_CODE", "0", "JOIN_ATTEMPTS_PER_CODE must be at least 1, not 0"),
        ("DATABASE_POOL_TIMEOUT", "soon", "DATABASE_POOL_TIMEOUT must be a number, not 'soon'"),
        ("EMAIL_USE_TLS", "maybe", "EMAIL_USE_TLS must be true or false, not 'maybe'"),
    ],
)
def test_a_bad_number_or_switch_is_named(name, value, says):
    # The pool's settings are read only for PostgreSQL (nothing connects at start).
    postgres = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "DEBUG": "true"} if "POOL" in name else {}
    run = start(**{name: value}, **postgres)
    assert run.returncode != 0
    last = run.stderr.strip().splitlines()[-1]
    assert last == f"django.core.exceptions.ImproperlyConfigured: {says}", run.stderr
    assert "ValueError" not in run.stderr


def test_good_values_start():
    assert start(EMAIL_PORT="587", TRUSTED_PROXY_COUNT="1", EMAIL_USE_TLS="yes").returncode == 0


def test_settings_read_no_number_without_the_helper():
    source = (ROOT / "conference" / "settings.py").read_text()
    for bare in ("int(env_str(", "float(env_str(", "int(os.environ", "float(os.environ"):
        assert bare not in source
