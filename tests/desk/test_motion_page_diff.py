"""The public motion page marks what each amendment changes (issue 14): its insertions and
deletions against the wording it was moved on, as the console, phone and projector do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motions import procedure
from tests.desk.test_record_wording import decide_amendment
from tests.factories import make_conference, make_motion, make_staff

pytestmark = pytest.mark.django_db


def test_the_motion_page_marks_each_amendments_insertions_and_deletions(client):
    conf = make_conference()
    chair = make_staff(conf)
    motion = make_motion(conf, number=4, text="That conference demands all funding now.")
    first = procedure.propose_amendment(
        motion,
        "amendment",
        "Replace 'all' with 'recurrent'",
        chair,
        new_wording="That conference demands recurrent funding now.",
    )
    decide_amendment(first, chair, 3, 1)
    # The second is moved on the wording as amended by the first.
    second = procedure.propose_amendment(
        motion, "amendment", "Delete 'now'", chair, new_wording="That conference demands recurrent funding."
    )
    decide_amendment(second, chair, 1, 3)
    page = client.get(reverse("motion-result", args=[conf.slug, 4])).content.decode()
    assert page.count('data-testid="amendment-diff"') == 2
    assert "<del>all </del><ins>recurrent </ins>funding now." in page
    assert "That conference demands recurrent funding<del> now</del>." in page
    assert "added words are underlined" in page


def test_a_motion_without_amendments_shows_no_diff(client):
    conf = make_conference()
    make_motion(conf, number=1)
    page = client.get(reverse("motion-result", args=[conf.slug, 1])).content.decode()
    assert "amendment-diff" not in page and "added words are underlined" not in page
