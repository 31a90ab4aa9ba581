"""Pages and the HTTP fallback of the vote path."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests import ballots as stored_ballots
from tests.factories import code_for, make_conference, make_motion, make_rep, make_staff
from voting import actions, closing, put, results
from voting.models import Ballot

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_poll():
    conf = make_conference()
    chair = make_staff(conf)
    motion = make_motion(conf, title="Cap of 1,500 patients per GP")
    poll = actions.open_poll(put.create_motion_poll(motion), chair)
    return conf, chair, poll


def signed_in(conf, rep) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("join-link", args=[conf.slug, code_for(rep)]))
    client.get(reverse("phone", args=[conf.slug]))  # sets the CSRF cookie
    return client


def post_vote(client: Client, conf, body) -> tuple[int, dict]:
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("cast", args=[conf.slug]),
        data=json.dumps(body) if not isinstance(body, str) else body,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    return response.status_code, response.json()


def test_http_fallback_vote_is_counted_with_a_receipt_and_a_resend_is_the_same(open_poll):
    conf, chair, poll = open_poll
    client = signed_in(conf, make_rep(conf))
    body = {"poll": poll.pk, "choice": "for", "key": str(uuid.uuid4())}
    status, event = post_vote(client, conf, body)
    assert status == 200 and event["type"] == "vote.accepted"
    status, again = post_vote(client, conf, body)
    assert status == 200 and again["receipt"] == event["receipt"]
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_http_fallback_refuses_a_second_vote_and_bad_input_clearly(open_poll):
    conf, chair, poll = open_poll
    client = signed_in(conf, make_rep(conf))
    post_vote(client, conf, {"poll": poll.pk, "choice": "for", "key": str(uuid.uuid4())})
    status, event = post_vote(client, conf, {"poll": poll.pk, "choice": "against", "key": str(uuid.uuid4())})
    assert (status, event["code"]) == (409, "already_voted")
    for bad in ["{", "[]", {"poll": "x", "choice": "for", "key": str(uuid.uuid4())}, {"poll": poll.pk}]:
        status, event = post_vote(client, conf, bad)
        assert (status, event["code"]) == (400, "malformed")
    assert stored_ballots.only(poll).choice == "for"


def test_http_fallback_needs_sign_in_and_csrf(open_poll):
    conf, chair, poll = open_poll
    anonymous = Client(enforce_csrf_checks=False)
    response = anonymous.post(reverse("cast", args=[conf.slug]), data="{}", content_type="application/json")
    assert response.status_code == 401 and response.json()["code"] == "not_logged_in"
    client = signed_in(conf, make_rep(conf))
    response = client.post(
        reverse("cast", args=[conf.slug]),
        data=json.dumps({"poll": poll.pk, "choice": "for", "key": str(uuid.uuid4())}),
        content_type="application/json",
    )
    assert response.status_code == 403  # no CSRF token
    assert not Ballot.objects.exists()


def test_console_is_for_the_chair_and_secretariat_only(open_poll, client):
    conf, chair, poll = open_poll
    url = reverse("console", args=[conf.slug])
    assert client.get(url).status_code == 302  # to the staff login
    client.force_login(chair.user)
    page = client.get(url)
    assert page.status_code == 200 and "Cap of 1,500 patients per GP" in page.content.decode()
    outsider = make_staff(make_conference())  # chair of another conference
    other = Client()
    other.force_login(outsider.user)
    assert other.get(url).status_code == 403
    rep_client = signed_in(conf, make_rep(conf))
    assert rep_client.get(url).status_code == 302


def test_projector_and_results_pages_are_public_and_show_only_published_results(open_poll, client):
    conf, chair, poll = open_poll
    assert client.get(reverse("screen", args=[conf.slug])).status_code == 200
    actions.cast_vote(make_rep(conf), poll.pk, "for", uuid.uuid4())
    closing.close_poll(poll.pk)
    assert "Cap of 1,500" not in client.get(reverse("results", args=[conf.slug])).content.decode()
    assert client.get(reverse("poll-result", args=[conf.slug, poll.pk])).status_code == 404
    results.publish_result(poll, chair)
    page = client.get(reverse("results", args=[conf.slug])).content.decode()
    assert "Cap of 1,500" in page and "Carried" in page.title() or "carried" in page
    receipt = Ballot.objects.get(poll=poll).receipt
    detail = client.get(reverse("poll-result", args=[conf.slug, poll.pk])).content.decode()
    assert receipt in detail


def test_the_console_agenda_shows_each_session_above_its_sections(client):
    import datetime

    from django.utils import timezone

    from conference.models import Session
    from motions.models import Section

    conf = make_conference()
    start = datetime.datetime(2026, 11, 12, 9, 30, tzinfo=timezone.get_current_timezone())
    morning = Session.objects.create(
        conference=conf, title="Thursday morning", order=1, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    make_motion(
        conf,
        title="Restore seniority pay",
        section=Section.objects.create(conference=conf, title="Pay", order=1, session=morning),
    )
    client.force_login(make_staff(conf).user)
    page = client.get(reverse("console", args=[conf.slug])).content.decode()
    assert page.index("Thursday morning") < page.index("Pay") < page.index("Restore seniority pay")
    assert "Thu 12 Nov, 09:30–12:30" in page
