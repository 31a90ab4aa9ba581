"""The console's floor card and the phone's motion card show the existing policy a motion
restates (issue 16): the payload of the motion under debate carries the top entries, reference,
title and permalink; motions never imports policy (a hook policy registers); the answer is
computed once per motion, not per phone, and computed again when the book changes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from motions.payloads import _extras, load_motion, motion_payload
from policy import existing
from policy.demo import load_policy_demo
from policy.models import PolicyEntry
from tests.factories import make_conference, make_motion, make_rep
from tests.policy.conftest import make_body, make_entry
from voting.snapshot import build_snapshots

pytestmark = pytest.mark.django_db

SENIORITY = "That conference demands that seniority payments, withdrawn from GPs, be restored in full."


@pytest.fixture
def floor():
    body = make_body("ENG")
    entry = make_entry(body, title="Seniority payments", wording=SENIORITY, year=2025, motion_number="9")
    make_entry(body, title="Premises leases", wording="That conference demands fair premises leases for practices.")
    conference = make_conference()
    motion = make_motion(
        conference, title="Restore seniority pay", text="That conference insists that seniority pay is restored."
    )
    conference.current_motion = motion
    conference.save(update_fields=["current_motion"])
    return conference, motion, entry


def test_the_motion_under_debate_carries_its_existing_policy_with_permalinks(floor):
    conference, motion, entry = floor
    payload = motion_payload(load_motion(motion.pk))
    assert payload["existing_policy"][0] == {
        "reference": "2025/ENG/9",
        "title": "Seniority payments",
        "status": "policy",
        "status_label": "Policy",
        "url": "/policy/2025/ENG/9/",
    }
    assert all(link["reference"] != "2025/ENG/2" for link in payload["existing_policy"][:1])
    snapshot = build_snapshots([(conference, make_rep(conference), "reps")])[0]
    assert snapshot["item"]["existing_policy"][0]["reference"] == "2025/ENG/9"


def test_a_motion_with_nothing_like_it_in_the_book_carries_an_empty_list():
    conference = make_conference()
    motion = make_motion(conference, title="Car parking at conference", text="That conference wants more parking.")
    assert motion_payload(load_motion(motion.pk))["existing_policy"] == []


def test_the_existing_policy_is_computed_once_for_a_hall_of_phones_not_per_phone(floor, monkeypatch):
    conference, motion, _ = floor
    calls = []
    real = existing._compute
    monkeypatch.setattr(existing, "_compute", lambda m: calls.append(m.pk) or real(m))
    phones = [(conference, make_rep(conference), "reps") for _ in range(20)]
    build_snapshots(phones)
    build_snapshots([(conference, None, "screen"), (conference, None, "staff")])
    motion_payload(load_motion(motion.pk))  # a motion.updated event's payload
    assert calls == [motion.pk]


def test_a_change_to_the_book_is_shown_at_the_next_payload(floor, django_capture_on_commit_callbacks):
    conference, motion, entry = floor
    assert motion_payload(load_motion(motion.pk))["existing_policy"][0]["status"] == "policy"
    with django_capture_on_commit_callbacks(execute=True):
        entry.status = PolicyEntry.Status.LAPSED
        entry.save(update_fields=["status"])
    link = motion_payload(load_motion(motion.pk))["existing_policy"][0]
    assert (link["status"], link["status_label"]) == ("lapsed", "Lapsed")
    with django_capture_on_commit_callbacks(execute=True):
        entry.delete()
    assert all(x["reference"] != "2025/ENG/9" for x in motion_payload(load_motion(motion.pk))["existing_policy"])


def test_a_changed_wording_is_looked_up_again(floor):
    conference, motion, _ = floor
    assert motion_payload(load_motion(motion.pk))["existing_policy"]
    motion.title, motion.text = "Car parking", "That conference wants more car parking."
    motion.save(update_fields=["title", "text"])
    assert motion_payload(load_motion(motion.pk))["existing_policy"] == []


def test_the_demo_2026_seniority_motion_shows_the_2025_entry_on_the_floor():
    from desk import demo_data

    load_policy_demo()
    conference = make_conference()
    spec = next(m for m in demo_data.MOTIONS if m["number"] == 17)
    motion = make_motion(conference, title=spec["title"], text=spec["text"])
    references = [x["reference"] for x in motion_payload(load_motion(motion.pk))["existing_policy"]]
    assert "2025/ENG/9" in references and len(references) <= existing.SHOWN


def test_motions_does_not_import_policy_the_hook_is_registered_from_policy():
    assert existing.existing_policy in _extras
    root = Path(__file__).resolve().parents[2] / "motions"
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] in {"policy", "voting", "elections", "desk"} for n in names), path
