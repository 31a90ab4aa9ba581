"""One entry per domain change: a vote sent over the websocket and the same vote sent to
the HTTP fallback are read by the same function and get the same answer."""

from __future__ import annotations

import json
import uuid

import pytest
from channels.db import database_sync_to_async as db
from django.test import Client
from django.urls import reverse

from tests.factories import code_for, make_conference, make_rep, make_staff
from tests.ws import connect, receive_until
from voting import actions, put
from voting.models import Ballot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]

LONG_KEY = "k" * 40  # an option key may be 40 characters long


def _open_poll(conf, chair):
    poll = put.new_poll(conf.pk, "Which colour for the lanyards?", options=[(LONG_KEY, "Long"), ("for", "For")])
    return actions.open_poll(poll, chair)


def _signed_in(conf, rep) -> Client:
    client = Client()
    client.get(reverse("join-link", args=[conf.slug, code_for(rep)]))
    return client


def _http_vote(client: Client, conf, body: dict) -> tuple[int, dict]:
    response = client.post(reverse("cast", args=[conf.slug]), data=json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def _bad_votes(poll_id: int) -> list[dict]:
    key = str(uuid.uuid4())
    return [
        # Cut to 40 characters this would be the long option: neither door may count it.
        {"poll": poll_id, "choice": LONG_KEY + "k", "key": key},
        {"poll": poll_id, "choice": ["for", LONG_KEY + "k"], "key": key},
        {"poll": poll_id, "choice": "", "key": key},
        {"poll": poll_id, "choice": ["for", ""], "key": key},
        {"poll": poll_id, "choice": 1, "key": key},
        {"poll": 2**40, "choice": "for", "key": key},
        {"poll": True, "choice": "for", "key": key},
        {"poll": 0, "choice": "for", "key": key},
        {"poll": poll_id, "choice": "for", "key": "not a uuid"},
        {"poll": poll_id, "choice": "for"},
        {"choice": "for", "key": key},
    ]


async def test_the_socket_and_the_http_fallback_refuse_the_same_votes_with_the_same_code():
    conf = await db(make_conference)()
    chair = await db(make_staff)(conf)
    rep = await db(make_rep)(conf)
    poll = await db(_open_poll)(conf, chair)
    ws, _ = await connect(conf, rep)
    http = await db(_signed_in)(conf, rep)
    for body in _bad_votes(poll.pk):
        await ws.send_json_to({"type": "vote", **body})
        refused = await receive_until(ws, "error")
        status, answer = await db(_http_vote)(http, conf, body)
        assert (answer["type"], answer["code"]) == ("error", refused["code"]), body
        assert answer["message"] == refused["message"], body
        assert status == 400, body
    assert not await db(Ballot.objects.filter(poll=poll).exists)()
    # And a good vote is counted by either door.
    status, accepted = await db(_http_vote)(http, conf, {"poll": poll.pk, "choice": LONG_KEY, "key": str(uuid.uuid4())})
    assert (status, accepted["type"], accepted["choice"]) == (200, "vote.accepted", LONG_KEY)
    await ws.disconnect()


async def test_only_a_representative_votes_by_either_door():
    conf = await db(make_conference)()
    chair = await db(make_staff)(conf)
    poll = await db(_open_poll)(conf, chair)
    body = {"poll": poll.pk, "choice": "for", "key": str(uuid.uuid4())}
    ws, _ = await connect(conf, chair)
    await ws.send_json_to({"type": "vote", **body})
    refused = await receive_until(ws, "error")
    status, answer = await db(_http_vote)(await db(_signed_in)(conf, chair), conf, body)
    assert refused["code"] == answer["code"] == "not_eligible" and status == 403
    assert refused["message"] == answer["message"]
    assert not await db(Ballot.objects.filter(poll=poll).exists)()
    await ws.disconnect()
