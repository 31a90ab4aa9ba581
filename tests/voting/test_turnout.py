"""Turnout says what it is of: who voted, of those present, and of those registered."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import make_conference, make_motion, make_rep, make_staff
from voting import actions, put
from voting.turnout import count_turnout

pytestmark = pytest.mark.django_db


def test_turnout_counts_voted_of_present_and_of_registered():
    conf = make_conference(require_check_in=True)
    chair = make_staff(conf)
    present = [make_rep(conf, checked_in=True) for _ in range(3)]
    make_rep(conf)  # registered, not checked in
    make_rep(conf, is_active=False)  # withdrawn: not registered any more
    poll = put.put_motion(make_motion(conf), None, chair)
    actions.cast_vote(present[0], poll.pk, "for", uuid.uuid4())
    turnout = count_turnout(poll.pk)
    assert turnout is not None
    assert (turnout["voted"], turnout["present"], turnout["registered"]) == (1, 3, 4)
