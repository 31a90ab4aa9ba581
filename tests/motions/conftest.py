"""Shared helpers for the procedure tests: a hall of representatives and a quick vote."""

from __future__ import annotations

import uuid

import pytest

from conference.models import Conference, Representative
from tests.factories import make_conference, make_rep, make_staff
from voting import actions, closing, results
from voting.models import Poll


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    """The chair signs in with a password: hashing it properly costs a second a test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def conf() -> Conference:
    return make_conference()


@pytest.fixture
def chair(conf: Conference) -> Representative:
    return make_staff(conf)


@pytest.fixture
def reps(conf: Conference) -> list[Representative]:
    return [make_rep(conf) for _ in range(6)]


def vote_and_publish(
    poll: Poll, chair: Representative, reps: list[Representative], votes_for: int, votes_against: int
) -> Poll:
    """Cast For and Against from the first representatives, close and publish."""
    for i, rep in enumerate(reps[: votes_for + votes_against]):
        assert actions.cast_vote(rep, poll.pk, "for" if i < votes_for else "against", uuid.uuid4()).ok
    closing.close_poll(poll.pk, chair)
    return results.publish_result(Poll.objects.get(pk=poll.pk), chair)
