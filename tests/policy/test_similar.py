"""The existing policy a new motion restates: found by the likeness of wording, not by the same words."""

from __future__ import annotations

import pytest

from desk import demo_data
from policy.demo import load_policy_demo
from policy.similar import similar_policy, stem
from tests.factories import make_conference
from tests.policy.conftest import make_body, make_entry

pytestmark = pytest.mark.django_db


def motion_2026(number: int) -> dict:
    return next(m for m in demo_data.MOTIONS if m["number"] == number)


def test_the_2025_seniority_pay_entry_is_found_for_the_2026_seniority_pay_motion_above_unrelated_entries():
    load_policy_demo()
    motion = motion_2026(17)  # "Restore seniority pay": other words than the 2025 resolution's
    assert "restored" not in motion["text"] and "seniority payments be restored" not in motion["text"]

    found = similar_policy(motion["text"], motion["title"])

    references = [s.entry.reference for s in found]
    assert "2025/ENG/9" in references
    # Only seniority-pay policy ranks above it: the 2021 resolution it reaffirmed.
    above = references[: references.index("2025/ENG/9")]
    assert set(above) <= {"2021/ENG/32"}
    unrelated = [s for s in found if "eniority" not in s.entry.title]
    assert all(s.score < found[references.index("2025/ENG/9")].score for s in unrelated)


@pytest.mark.parametrize(("number", "expected"), [(18, "2025/ENG/10"), (2, "2025/ENG/1(i)"), (12, "2025/ENG/3")])
def test_other_2026_motions_find_the_2025_policy_they_restate(number, expected):
    load_policy_demo()
    motion = motion_2026(number)
    found = similar_policy(motion["text"], motion["title"], limit=3)
    assert expected in [s.entry.reference for s in found], [(s.entry.reference, s.score) for s in found]


def test_the_motions_own_conference_is_left_out_and_nothing_in_common_finds_nothing():
    conference = make_conference()
    body = make_body("ENG", conference)
    own = make_entry(body, year=2026, conference=conference, title="Seniority pay", wording="Restore seniority pay.")
    old = make_entry(body, year=2020, title="Seniority pay", wording="Seniority payments restored.")

    found = similar_policy("That seniority pay be restored.", "Seniority pay", exclude_conference=conference)

    assert [s.entry for s in found] == [old]
    assert own in [s.entry for s in similar_policy("That seniority pay be restored.", "Seniority pay")]
    assert similar_policy("That conference calls upon GPC England.", "") == []
    assert similar_policy("Xylophones and zithers.", "Music") == []


def test_the_stemmer_brings_a_words_forms_together():
    assert {stem(w) for w in ("restore", "restored", "restoration", "restores")} == {"restor"}
    assert stem("payments") == stem("pay") == "pay"
    assert stem("seniority") == "senior"
