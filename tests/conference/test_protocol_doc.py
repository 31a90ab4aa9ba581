"""docs/protocol.md and the code agree: every message type a consumer accepts is
documented, with its fields and who may send it, and the document lists nothing that no
consumer handles; every event type the apps declare is documented too."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import msgspec
from django.apps import apps

from conference.protocol import ANYONE, COMMANDS, REPS, SIGNED_IN, STAFF

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
WHO_WORDS = {"anyone": ANYONE, "signed in": SIGNED_IN, "staff": STAFF, "reps": REPS}


def _sections(title: str) -> dict[str, str]:
    """The ``### `type``` sections under a ``## title`` heading: type -> its text."""
    text = DOC.read_text()
    part = text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
    found: dict[str, str] = {}
    for chunk in re.split(r"\n### ", "\n" + part)[1:]:
        heading, _, body = chunk.partition("\n")
        match = re.fullmatch(r"`([a-z_.]+)`", heading.strip())
        assert match, f"a heading that is not a message type: {heading!r}"
        assert match.group(1) not in found, f"{match.group(1)} is documented twice"
        found[match.group(1)] = body
    return found


def test_every_message_a_consumer_accepts_is_documented():
    documented = _sections("Messages a client sends")
    assert set(COMMANDS) - set(documented) == set(), "accepted by a consumer but not in docs/protocol.md"


def test_the_document_lists_no_message_that_no_consumer_handles():
    documented = _sections("Messages a client sends")
    assert set(documented) - set(COMMANDS) == set(), "in docs/protocol.md but no consumer handles it"


def test_each_documented_message_has_its_fields_who_and_an_example():
    for name, body in _sections("Messages a client sends").items():
        command = COMMANDS[name]
        who = re.search(r"^\*\*Who:\*\* (.+)$", body, re.MULTILINE)
        assert who and WHO_WORDS.get(who.group(1).strip()) == command.who, name
        fields = set(re.findall(r"^\| `([a-z_]+)` \|", body, re.MULTILINE))
        declared = {f.encode_name for f in msgspec.structs.fields(command.message)} - {"ref"}
        assert fields == declared, name
        assert f'{{"type": "{name}"' in body, f"{name} has no example"


def test_every_event_the_apps_send_is_documented():
    documented = set(_sections("Events a client receives"))
    declared = {"snapshot", "error", "ok", "pong"}
    for config in apps.get_app_configs():
        if not (Path(config.path) / "events.py").exists() or config.name == "conference":
            continue
        module = importlib.import_module(f"{config.name}.events")
        declared |= {v for k, v in vars(module).items() if k.isupper() and isinstance(v, str) and k != "EVERYONE"}
    assert declared - documented == set(), "events sent but not in docs/protocol.md"
