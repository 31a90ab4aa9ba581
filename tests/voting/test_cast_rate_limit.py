"""The HTTP vote fallback is rate-limited per representative: a clear 429, nothing stored."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import make_conference, make_motion, make_rep, make_staff
from tests.voting.test_views import post_vote, signed_in
from voting import actions, put
from voting.models import Ballot

pytestmark = pytest.mark.django_db


def test_too_many_fallback_votes_are_refused_with_429_and_nothing_is_stored(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote-http": (3, 60)}
    conf = make_conference()
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), make_staff(conf))
    rep, other = make_rep(conf), make_rep(conf)
    client = signed_in(conf, rep)
    for _ in range(3):
        status, body = post_vote(client, conf, {"poll": poll.pk, "choice": "nonsense", "key": str(uuid.uuid4())})
        assert status == 409
    status, body = post_vote(client, conf, {"poll": poll.pk, "choice": "for", "key": str(uuid.uuid4())})
    assert status == 429 and body["code"] == "rate_limited" and "Wait" in body["message"]
    assert not Ballot.objects.filter(poll=poll).exists()
    # Another representative (the same hall address) is not affected.
    status, body = post_vote(signed_in(conf, other), conf, {"poll": poll.pk, "choice": "for", "key": str(uuid.uuid4())})
    assert status == 200 and body["type"] == "vote.accepted"
