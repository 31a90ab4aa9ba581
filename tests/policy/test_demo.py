"""The demo's policy book: the 2025 England conference, decided and published; a second load changes nothing."""

from __future__ import annotations

import pytest

from policy.demo import load_policy_demo
from policy.models import PolicyBody, PolicyEntry
from tests.factories import make_conference

pytestmark = pytest.mark.django_db


def test_the_demo_loads_the_2025_resolutions_once_and_gives_the_2026_conference_the_book():
    conference = make_conference(slug="england-2026", name="Conference of England LMCs 2026")

    first = load_policy_demo()
    second = load_policy_demo()

    assert len(first.created) == PolicyEntry.objects.count() == 15
    assert (second.created, second.changed, second.statuses) == ([], [], [])
    titles = set(PolicyEntry.objects.filter(year=2025, body__code="ENG").values_list("title", flat=True))
    assert {"Seniority payments", "Out-of-area registration", "Indemnity for all NHS work",
            "The DDRB award for 2025/26", "A safe limit on daily patient contacts"} <= titles  # fmt: skip
    england = PolicyBody.objects.get(code="ENG")
    assert list(england.conferences.all()) == [conference] and england.lapse_years == 5
    assert PolicyEntry.objects.get(reference="2025/ENG/3").tabled_wording  # amended in the hall
