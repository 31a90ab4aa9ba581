"""Helpers for the policy book's tests: bodies, entries, decided-motion records, keepers."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.test import Client

from conference.models import Conference, Representative
from policy import actions
from policy.models import PolicyBody, PolicyEntry
from tests.factories import make_conference, make_staff

_n = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_body(code: str = "ENG", conference: Conference | None = None, **kw: Any) -> PolicyBody:
    kw.setdefault("name", f"Conference of {code} LMCs")
    body = PolicyBody.objects.create(code=code, **kw)
    if conference is not None:
        body.conferences.add(conference)
    return body


def make_entry(body: PolicyBody, **kw: Any) -> PolicyEntry:
    """An entry written directly (the search index follows by itself on both databases)."""
    kw.setdefault("year", 2025)
    kw.setdefault("date", datetime.date(kw["year"], 11, 13))
    kw.setdefault("motion_number", str(next(_n)))
    kw.setdefault("title", f"Motion {kw['motion_number']}")
    kw.setdefault("wording", "That conference resolves a thing.")
    kw.setdefault("conference_name", f"{body.name} {kw['year']}")
    part = kw.get("part", "")
    kw.setdefault("reference", f"{kw['year']}/{body.code}/{kw['motion_number']}" + (f"({part})" if part else ""))
    return PolicyEntry.objects.create(body=body, **kw)


def motion_record(number: int, title: str, text: str, outcome: str = "carried", **kw: Any) -> dict[str, Any]:
    """A decided motion as the resolutions JSON carries it."""
    return {
        "number": number,
        "title": title,
        "text": text,
        "proposer": kw.pop("proposer", "Devon LMC"),
        "section": kw.pop("section", "Pay"),
        "outcome": outcome,
        "parts": kw.pop("parts", []),
        "decided_at": "2026-11-12T15:30:00+00:00",
        **kw,
    }


def keeper(conference: Conference) -> Representative:
    return make_staff(conference, role=Representative.Role.SECRETARIAT)


def signed_in(rep: Representative) -> Client:
    client = Client()
    client.force_login(rep.user)
    return client


@pytest.fixture
def book() -> tuple[Conference, PolicyBody, Representative]:
    """A conference, the body whose policy it makes, and its secretariat."""
    conference = make_conference(name="Conference of England LMCs 2026", starts_on=datetime.date(2026, 11, 12))
    body = make_body("ENG", conference, lapse_years=5)
    return conference, body, keeper(conference)


def record(conference: Conference, body: PolicyBody, *motions: dict[str, Any], **kw: Any) -> actions.Recorded:
    return actions.record_entries(conference, body, list(motions), **kw)
