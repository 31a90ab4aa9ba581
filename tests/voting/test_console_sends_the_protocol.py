"""The chair's console can send every staff message docs/protocol.md declares, with every
field: a field the protocol offers and no button sends is a procedure the chair cannot
use (issue 12: emergency motions, parts together, a procedural motion's subject). The few
left out are listed with the reason. A field is looked for anywhere in the console's
scripts (``msg.part =`` or ``part: ``), so a name two messages share counts for both."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

from conference.protocol import COMMANDS, STAFF

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = [
    ROOT / "voting/static/voting/console.js",
    ROOT / "voting/static/voting/floor.js",
    ROOT / "voting/static/voting/live_poll_form.js",  # the console's "New live poll" form
    ROOT / "templates/voting/console.html",
]
# (message, field): why the console does not send it.
NOT_SENT = {
    ("speech", "speaker"): "a named speaker without a request: the console has no roll to pick from",
    ("open_chosen", "motions"): "the ballot's motions default to the grey section's; the desk sets others",
}
# Staff messages the console does not send at all, and why.
NOT_ON_THE_CONSOLE: dict[str, str] = {}


def _console_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in CONSOLE)


def _sends_type(text: str, name: str) -> bool:
    patterns = [f'type: "{name}"', f'data-proc="{name}"', f'proc: "{name}"']
    return any(p in text for p in patterns)


def _sends_field(text: str, field: str) -> bool:
    return bool(re.search(rf"(msg\.{field}\s*=|[{{,]\s*{field}:\s)", text))


def test_every_staff_message_and_field_can_be_sent_from_the_console():
    text = _console_text()
    missing = []
    for name, command in sorted(COMMANDS.items()):
        if command.who != STAFF or name in NOT_ON_THE_CONSOLE:
            continue
        if not _sends_type(text, name):
            missing.append(name)
            continue
        for field in msgspec.structs.fields(command.message):
            if (name, field.name) not in NOT_SENT and not _sends_field(text, field.name):
                missing.append(f"{name}.{field.name}")
    assert missing == [], f"docs/protocol.md declares what the console cannot send: {missing}"
