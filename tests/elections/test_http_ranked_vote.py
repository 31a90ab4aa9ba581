"""The phone's HTTP fallback for a ranked ballot (POST /c/<slug>/vote/cast/, as phone.js sends it
when the socket is down): accepted with a receipt and stored in order; a resend is the same; bad
ranked ballots (an unknown candidate, a candidate twice, an empty ranking, a ballot on a closed
election) get a clear error and change nothing, neither their own sender's earlier vote nor anyone
else's; and the count holds exactly the ballots accepted."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from elections import actions as election_actions
from tests import ballots as stored_ballots
from tests.factories import code_for, make_conference, make_rep, make_staff
from voting import actions, closing
from voting.models import Ballot, Participation

pytestmark = pytest.mark.django_db

NAMES = ["Dr Ada Adams", "Dr Bo Brown", "Dr Cy Clarke", "Dr Di Dutt"]


@pytest.fixture
def election():
    conf = make_conference()
    chair = make_staff(conf)
    election = election_actions.create_election(conf, "Agenda committee", 2, allow_change=False)
    keys = [election_actions.save_candidate(election, n).key for n in NAMES]
    actions.open_poll(election.poll, chair)
    return conf, chair, election, keys


def signed_in(conf, rep) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("join-link", args=[conf.slug, code_for(rep)]))
    client.get(reverse("phone", args=[conf.slug]))  # sets the CSRF cookie
    return client


def post(client: Client, conf, poll_id: int, choice: object, key: str | None = None) -> tuple[int, dict]:
    body = {"poll": poll_id, "choice": choice, "key": key or str(uuid.uuid4())}  # phone.js's body
    response = client.post(
        reverse("cast", args=[conf.slug]),
        data=json.dumps(body),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    return response.status_code, response.json()


def test_a_ranked_ballot_over_http_is_accepted_in_order_with_a_receipt_and_a_resend_is_the_same(election):
    conf, _, election, keys = election
    client = signed_in(conf, make_rep(conf))
    ranking = [keys[2], keys[0], keys[3]]
    key = str(uuid.uuid4())
    status, event = post(client, conf, election.poll_id, ranking, key)
    assert status == 200 and event["type"] == "vote.accepted" and event["choice"] == ranking and event["receipt"]
    status, again = post(client, conf, election.poll_id, ranking, key)
    assert status == 200 and again["receipt"] == event["receipt"]
    assert stored_ballots.choices(election.poll_id) == [tuple(ranking)]
    assert Participation.objects.filter(poll_id=election.poll_id).count() == 1


BAD = [
    pytest.param(["X9"], 409, "unknown_choice", "not one of the candidates", id="an unknown candidate"),
    pytest.param("twice", 409, "unknown_choice", "at most once", id="a candidate twice"),
    pytest.param([], 409, "unknown_choice", "rank at least one candidate", id="an empty ranking"),
    pytest.param(None, 400, "unknown_choice", "not one of the choices", id="no ranking at all"),
    pytest.param([1, 2], 400, "unknown_choice", "not one of the choices", id="numbers, not keys"),
]


@pytest.mark.parametrize("choice, status, code, words", BAD)
def test_a_bad_ranked_ballot_over_http_gets_a_clear_error_and_changes_nothing(election, choice, status, code, words):
    conf, _, election, keys = election
    first = signed_in(conf, make_rep(conf))
    post(first, conf, election.poll_id, [keys[1], keys[0]])  # someone else's vote, already in
    client = signed_in(conf, make_rep(conf))
    if choice == "twice":
        choice = [keys[0], keys[1], keys[0]]
    got, event = post(client, conf, election.poll_id, choice)
    assert (got, event["type"], event["code"]) == (status, "error", code)
    assert words.lower() in event["message"].lower() and event["message"].endswith(".")
    assert stored_ballots.choices(election.poll_id) == [(keys[1], keys[0])]
    assert Participation.objects.filter(poll_id=election.poll_id).count() == 1
    # The refusal cost the representative nothing: a good ballot goes in afterwards.
    got, event = post(client, conf, election.poll_id, [keys[3]])
    assert got == 200 and event["type"] == "vote.accepted"
    assert stored_ballots.choices(election.poll_id) == sorted([(keys[1], keys[0]), (keys[3],)], key=str)


def test_a_second_different_ranking_is_refused_where_the_election_does_not_allow_a_change(election):
    conf, _, election, keys = election
    client = signed_in(conf, make_rep(conf))
    post(client, conf, election.poll_id, [keys[0]])
    got, event = post(client, conf, election.poll_id, [keys[1], keys[0]])
    assert (got, event["code"]) == (409, "already_voted")
    assert stored_ballots.choices(election.poll_id) == [(keys[0],)]


def test_a_ranked_ballot_on_a_closed_election_is_refused_and_the_count_holds_the_ballots_accepted(election):
    conf, chair, election, keys = election
    early = signed_in(conf, make_rep(conf))
    post(early, conf, election.poll_id, [keys[0], keys[2]])
    late = signed_in(conf, make_rep(conf))
    closing.close_poll(election.poll_id, chair)
    got, event = post(late, conf, election.poll_id, [keys[1]])
    assert got == 409 and event["type"] == "error" and event["code"] == "poll_not_open"
    assert "closed" in event["message"].lower()
    assert Ballot.objects.filter(poll_id=election.poll_id).count() == 1
    election.refresh_from_db()
    assert election.poll.result["sheet"]["valid"] == 1
    assert election.poll.result["sheet"]["stages"][0]["totals"][NAMES[0]].startswith("1.")


def test_an_outsider_cannot_post_a_ranked_ballot(election):
    conf, _, election, keys = election
    other = make_conference()
    stranger = signed_in(other, make_rep(other))
    response = stranger.post(
        reverse("cast", args=[conf.slug]),
        data=json.dumps({"poll": election.poll_id, "choice": [keys[0]], "key": str(uuid.uuid4())}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=stranger.cookies["csrftoken"].value,
    )
    assert response.status_code == 401 and response.json()["code"] == "not_logged_in"
    assert not Ballot.objects.filter(poll_id=election.poll_id).exists()
