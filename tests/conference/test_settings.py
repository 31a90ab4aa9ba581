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


def test_a_short_access_code_key_is_refused_with_a_sentence_that_names_it():
    run = start(ACCESS_CODE_KEY="too-short")
    assert run.returncode != 0
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "django.core.exceptions.ImproperlyConfigured: ACCESS_CODE_KEY must be at least 32 characters"
    )
    assert start(ACCESS_CODE_KEY="k" * 48, LOGIN_CARDS_KEEP_MINUTES="15").returncode == 0
    assert "LOGIN_CARDS_KEEP_MINUTES must be at least 1" in start(LOGIN_CARDS_KEEP_MINUTES="0").stderr


def test_the_access_code_hash_depends_on_the_key_and_not_only_on_the_code(settings):
    from conference.codes import code_hash

    settings.ACCESS_CODE_KEY = "a" * 40
    first = code_hash("ABCD-EFGH-2345")
    assert code_hash("abcd efgh 2345") == first  # normalised as the join form does
    settings.ACCESS_CODE_KEY = "b" * 40
    assert code_hash("ABCD-EFGH-2345") != first
