"""The chair makes a live poll on the spot over the socket (issue 14): a question with its
own options or a 1-to-N scale with its end labels, opened at once; each mistake is refused
in words and leaves nothing behind; only the chair and the secretariat may."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async as db

from conference.models import AuditEntry, Representative
from tests.factories import make_conference, make_rep, make_staff
from tests.ws import connect, receive_until
from voting.models import Poll

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]


@pytest.fixture
async def hall_people():
    conf = await db(make_conference)()
    chair = await db(make_staff)(conf)
    rep = await db(make_rep)(conf)
    return conf, chair, rep


async def ask(ws, **message) -> dict:
    await ws.send_json_to({"type": "live_poll", "ref": "lp", **message})
    while True:
        answer = await ws.receive_json_from(timeout=5)
        if answer.get("ref") == "lp":
            return answer


async def test_the_chair_makes_an_options_poll_and_the_phones_see_it_open(hall_people):
    conf, chair, rep = hall_people
    chair_ws, _ = await connect(conf, chair)
    rep_ws, _ = await connect(conf, rep)
    ok = await ask(chair_ws, question="Which first?", options=["Premises", "Liability", " "], countdown=60)
    assert ok["type"] == "ok" and ok["of"] == "live_poll" and ok["opened"] is True
    opened = await receive_until(rep_ws, "poll.opened")
    assert opened["poll"]["id"] == ok["poll_id"]
    assert opened["poll"]["kind"] == "live" and opened["poll"]["question"] == "Which first?"
    assert [(o["key"], o["label"]) for o in opened["poll"]["options"]] == [("o1", "Premises"), ("o2", "Liability")]
    assert opened["poll"]["closes_at"] is not None
    entry = await db(lambda: AuditEntry.objects.filter(action="poll.created").get())()
    assert entry.actor_id == chair.pk
    for ws in (chair_ws, rep_ws):
        await ws.disconnect()


async def test_a_scale_carries_its_end_labels_to_the_phone(hall_people):
    conf, chair, rep = hall_people
    chair_ws, _ = await connect(conf, chair)
    rep_ws, _ = await connect(conf, rep)
    ok = await ask(chair_ws, question="How confident?", scale=5, low="Not at all", high="Completely")
    opened = await receive_until(rep_ws, "poll.opened")
    assert opened["poll"]["id"] == ok["poll_id"] and opened["poll"]["kind"] == "scale"
    assert [o["key"] for o in opened["poll"]["options"]] == ["1", "2", "3", "4", "5"]
    assert opened["poll"]["scale_labels"] == ["Not at all", "Completely"]
    for ws in (chair_ws, rep_ws):
        await ws.disconnect()


async def test_a_poll_kept_as_a_draft_is_not_opened(hall_people):
    conf, chair, _ = hall_people
    chair_ws, _ = await connect(conf, chair)
    ok = await ask(chair_ws, question="Later?", options=["Yes", "No"], open=False)
    assert ok["opened"] is False
    assert await db(lambda: Poll.objects.get(pk=ok["poll_id"]).status)() == Poll.Status.DRAFT
    await chair_ws.disconnect()


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ({"question": "No options?"}, "at least two different options"),
        ({"question": "One?", "options": ["Only"]}, "at least two different options"),
        ({"question": "Eleven?", "options": [f"Option {i}" for i in range(11)]}, "at most ten options"),
        ({"question": "  ", "options": ["A", "B"]}, "needs a question"),
        ({"question": "Labels?", "options": ["A", "B"], "low": "Low"}, "End labels belong to a scale"),
        ({"question": "Both?", "options": ["A", "B"], "scale": 5}, "not both"),
        ({"question": "Too long a scale?", "scale": 11}, "between 2 and 10"),
        ({"question": "Long label?", "scale": 5, "high": "x" * 61}, "at most 60 characters"),
    ],
)
async def test_a_bad_live_poll_is_refused_in_words_and_leaves_nothing(hall_people, message, words):
    conf, chair, _ = hall_people
    chair_ws, _ = await connect(conf, chair)
    refused = await ask(chair_ws, **message)
    assert refused["type"] == "error" and refused["code"] == "malformed", refused
    assert words in refused["message"]
    assert await db(lambda: Poll.objects.count())() == 0
    await chair_ws.disconnect()


async def test_while_another_vote_is_open_nothing_is_left_behind(hall_people):
    conf, chair, _ = hall_people
    chair_ws, _ = await connect(conf, chair)
    assert (await ask(chair_ws, question="First?", options=["A", "B"]))["type"] == "ok"
    refused = await ask(chair_ws, question="Second?", options=["A", "B"])
    assert refused["code"] == "invalid_state" and "Another vote is open" in refused["message"]
    assert await db(lambda: list(Poll.objects.values_list("question", flat=True)))() == ["First?"]
    await chair_ws.disconnect()


async def test_a_representative_an_observer_and_the_screen_may_not(hall_people):
    conf, _, rep = hall_people
    observer = await db(make_rep)(conf, role=Representative.Role.OBSERVER)
    for who in (rep, observer):
        ws, _ = await connect(conf, who)
        refused = await ask(ws, question="Mine?", options=["A", "B"])
        assert refused["code"] == "forbidden"
        await ws.disconnect()
    screen, _ = await connect(conf, screen=True)
    assert (await ask(screen, question="Mine?", options=["A", "B"]))["code"] == "malformed"
    await screen.disconnect()
    assert await db(lambda: Poll.objects.count())() == 0
