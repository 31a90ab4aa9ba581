"""Helpers for the secretariat's tests: a signed-in desk, a decided motion."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from conference.models import Conference, Representative
from motions.models import Motion
from tests.factories import make_conference, make_rep, make_staff
from voting import actions, closing, put, results
from voting.models import Poll


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    """Staff users are made in most tests here: a slow password hash would dominate them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def staff_client(rep: Representative) -> Client:
    client = Client()
    client.force_login(rep.user)
    return client


@pytest.fixture
def desk() -> tuple[Conference, Representative, Client]:
    """A conference, its secretariat and a client signed in as it."""
    conf = make_conference()
    secretariat = make_staff(conf, role=Representative.Role.SECRETARIAT)
    return conf, secretariat, staff_client(secretariat)


def decide(
    motion: Motion, by: Representative, votes: dict[str, int], *, part=None, publish: bool = True, secret: bool = True
) -> Poll:
    """Put a motion (or part) to the hall, vote, close and (by default) publish."""
    poll = actions.open_poll(put.create_motion_poll(motion, part, secret=secret), by)
    for choice, n in votes.items():
        for _ in range(n):
            assert actions.cast_vote(make_rep(motion.conference), poll.pk, choice, uuid.uuid4()).ok
    poll = closing.close_poll(poll.pk, by)
    if publish:
        poll = results.publish_result(poll, by)
    return poll
