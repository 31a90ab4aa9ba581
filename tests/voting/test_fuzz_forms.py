"""Hostile and broken input at the forms and the HTTP vote fallback, generated: never a
server error, a clear error back, no data changed, and the next good request works."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conference.auth import SESSION_REP
from tests.factories import issue_code, make_conference, make_motion, make_rep, make_staff
from tests.voting.test_fuzz_consumers import database_state, json_value
from tests.voting.test_views import post_vote, signed_in
from voting import actions, put

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def hall(settings):
    # Generous limits: this test is about bad input, the limits have tests of their own.
    settings.RATE_LIMITS = {k: (10**6, 60) for k in settings.RATE_LIMITS}
    conf = make_conference()
    chair = make_staff(conf)
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair)
    voted, fresh = make_rep(conf), make_rep(conf)
    assert actions.cast_vote(voted, poll.pk, "for", uuid.uuid4()).ok  # no change allowed: any vote is refused
    return conf, poll, voted, fresh


vote_bodies = st.one_of(
    st.binary(max_size=3000).map(lambda b: b.decode("latin-1")),
    json_value.map(json.dumps),
    st.fixed_dictionaries(
        {}, optional={"poll": json_value, "choice": json_value, "key": st.uuids().map(str) | json_value}
    ).map(json.dumps),
    st.integers(2049, 10_000).map(lambda n: json.dumps({"poll": 1, "choice": "x" * n, "key": str(uuid.uuid4())})),
)


@FUZZ
@given(body=vote_bodies)
def test_the_http_vote_fallback_refuses_anything_bad_clearly(hall, body):
    conf, poll, voted, fresh = hall
    client = signed_in(conf, voted)
    before = database_state(conf)
    status, answer = post_vote(client, conf, body)
    assert status in {400, 409, 413} and answer["type"] == "error" and answer["message"], (body, answer)
    assert database_state(conf) == before
    status, answer = post_vote(client, conf, {"poll": poll.pk, "choice": "for", "key": str(uuid.uuid4())})
    assert (status, answer["code"]) == (409, "already_voted")  # the next request is still answered properly


codes = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="ABCDEFGHJKMNPQRSTUVWXYZ23456789-", min_size=1, max_size=40),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
)


@FUZZ
@given(code=codes, via_link=st.booleans())
def test_the_join_form_refuses_any_wrong_code_with_a_message(hall, code, via_link):
    conf, poll, voted, fresh = hall
    client = Client()
    before = database_state(conf)
    if via_link:
        safe = "".join(c for c in code if c.isalnum())[:40] or "X"
        response = client.get(reverse("join-link", args=[conf.slug, safe]))
    else:
        response = client.post(reverse("join", args=[conf.slug]), {"code": code})
    assert response.status_code in {200, 400}, code
    if response.status_code == 400:
        assert "not recognised" in response.content.decode()
    assert SESSION_REP not in client.session
    assert database_state(conf) == before
    assert client.post(reverse("join", args=[conf.slug]), {"code": issue_code(fresh)}).status_code == 302


def test_a_nul_byte_or_a_huge_code_is_a_wrong_code_not_a_crash(client, hall):
    conf, *_ = hall
    for code in ("ABCD\x00EFGH", "A" * 100_000, "\ud800"[:0] + "É" * 50):
        assert client.post(reverse("join", args=[conf.slug]), {"code": code}).status_code == 400
