"""The policy-search benchmark in small, so that it keeps running: build a book, time every query once."""

from __future__ import annotations

import pytest

from bench import policy_search
from policy.models import PolicyBody, PolicyEntry

pytestmark = pytest.mark.django_db


def test_the_benchmark_builds_its_book_and_times_every_query():
    policy_search.build(500)
    assert PolicyEntry.objects.count() == 500
    assert PolicyEntry.objects.values("body").distinct().count() == len(policy_search.BODIES)

    figures = policy_search.time_queries(runs=1)

    assert len(figures) == len(policy_search.SEARCHES) + 1
    assert all(f.median_ms >= 0 and f.p95_ms >= f.median_ms for f in figures)
    assert next(f for f in figures if f.label.startswith("a word:")).hits > 0


def test_the_benchmark_refuses_a_book_that_is_not_its_own():
    PolicyBody.objects.create(code="ENG", name="Conference of England LMCs")
    with pytest.raises(SystemExit):
        policy_search.build(10)
