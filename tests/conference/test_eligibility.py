"""Who may vote is one rule: the turnout's count, the snapshot's can_vote and the vote
writer all follow Representative.voting_rule."""

from __future__ import annotations

import itertools
import uuid

import pytest

from conference.models import Representative
from tests.factories import make_conference, make_motion, make_rep, make_staff
from voting import actions, put

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("require_check_in", [False, True])
def test_the_count_the_flag_and_the_writer_agree_on_who_may_vote(require_check_in):
    conf = make_conference()
    conf.require_check_in = require_check_in
    conf.save()
    chair = make_staff(conf)
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair)
    people = []
    for role, active, checked_in in itertools.product(
        [Representative.Role.REPRESENTATIVE, Representative.Role.OBSERVER], [True, False], [True, False]
    ):
        rep = make_rep(conf)
        rep.role, rep.is_active, rep.checked_in = role, active, checked_in
        rep.save()
        people.append(rep)
    members = set(conf.voting_members().values_list("pk", flat=True))
    for rep in people:
        rep.refresh_from_db()
        counted = actions.cast_vote(rep, poll.pk, "for", uuid.uuid4()).ok
        assert (rep.pk in members) == rep.can_vote == counted, (rep.role, rep.is_active, rep.checked_in)
    assert len(members) == (1 if require_check_in else 2)
