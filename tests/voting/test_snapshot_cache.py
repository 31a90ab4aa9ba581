"""The shared part of a snapshot is built once per conference, seq and audience."""

from __future__ import annotations

import pytest

from motions.agenda import call_motion
from tests.factories import make_conference, make_motion, make_rep
from voting.snapshot import build_snapshot

pytestmark = pytest.mark.django_db


def test_a_second_phone_at_the_same_seq_costs_one_query_not_a_full_build(settings, django_assert_num_queries):
    settings.SNAPSHOT_CACHE_SECONDS = 60
    conference = make_conference()
    call_motion(conference, make_motion(conference), None)
    rep, other = make_rep(conference), make_rep(conference)
    build_snapshot(conference, rep, "reps")

    # The seq, and the speaker queue's order (it changes without a seq, so it is never
    # cached); no open poll, so no "my_vote".
    with django_assert_num_queries(2):
        snapshot = build_snapshot(conference, other, "reps")

    assert snapshot["item"]["title"] and snapshot["me"]["id"] == other.pk


def test_a_new_seq_rebuilds_the_shared_part(settings):
    settings.SNAPSHOT_CACHE_SECONDS = 60
    conference = make_conference()
    motion = make_motion(conference)
    before = build_snapshot(conference, None, "screen")

    call_motion(conference, motion, None)
    after = build_snapshot(conference, None, "screen")

    assert before["item"] is None
    assert after["item"]["id"] == motion.pk and after["seq"] == before["seq"] + 1
