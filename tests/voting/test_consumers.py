"""The live loop over websockets: representatives, chair and projector together."""

from __future__ import annotations

import uuid

import pytest
from channels.db import database_sync_to_async as db
from channels.testing import WebsocketCommunicator

from conference.asgi import application
from tests import ballots as stored_ballots
from tests.factories import make_conference, make_motion, make_rep, make_staff
from tests.ws import connect, drain, receive_until, refusal, session_cookie
from voting.models import Ballot, Participation, Poll

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]


@pytest.fixture
async def floor():
    conf = await db(make_conference)()
    motion = await db(make_motion)(conf, title="Restore seniority pay")
    chair = await db(make_staff)(conf)
    reps = [await db(make_rep)(conf) for _ in range(3)]
    return conf, motion, chair, reps


async def open_vote(chair_ws: WebsocketCommunicator, motion, **kw) -> int:
    await chair_ws.send_json_to({"type": "open", "motion": motion.pk, **kw})
    ok = await receive_until(chair_ws, "ok", of="open")
    return ok["poll_id"]


async def test_the_whole_loop_call_open_vote_turnout_close_publish(floor):
    conf, motion, chair, reps = floor
    chair_ws, chair_snap = await connect(conf, chair)
    rep_ws, rep_snap = await connect(conf, reps[0])
    screen_ws, _ = await connect(conf, screen=True)
    assert chair_snap["item"] is None and rep_snap["me"]["can_vote"] is True

    await chair_ws.send_json_to({"type": "call", "motion": motion.pk})
    called = await receive_until(rep_ws, "item.called")
    assert called["item"]["title"] == "Restore seniority pay"
    assert (await receive_until(screen_ws, "item.called"))["seq"] == called["seq"]

    poll_id = await open_vote(chair_ws, motion)
    opened = await receive_until(rep_ws, "poll.opened")
    assert opened["poll"]["id"] == poll_id
    assert [o["key"] for o in opened["poll"]["options"]] == ["for", "against", "abstain"]
    assert opened["seq"] == called["seq"] + 1

    key = str(uuid.uuid4())
    await rep_ws.send_json_to({"type": "vote", "poll": poll_id, "choice": "for", "key": key})
    accepted = await receive_until(rep_ws, "vote.accepted")
    assert accepted["key"] == key and accepted["choice"] == "for" and len(accepted["receipt"]) == 9

    turnout = await receive_until(chair_ws, "turnout")
    while turnout["voted"] == 0:  # the one sent at opening
        turnout = await receive_until(chair_ws, "turnout")
    # Present: checked in or connected (only the voter's phone is); registered: all three.
    assert (turnout["voted"], turnout["present"], turnout["registered"]) == (1, 1, 3)
    assert (await receive_until(screen_ws, "turnout"))["poll_id"] == poll_id

    await chair_ws.send_json_to({"type": "close", "poll": poll_id})
    assert (await receive_until(rep_ws, "poll.closed"))["poll_id"] == poll_id
    declared = await receive_until(chair_ws, "poll.result")
    assert declared["result"]["outcome"] == "carried"
    # The hall does not see the tally until it is published.
    assert all(e["type"] != "poll.result" for e in await drain(rep_ws) + await drain(screen_ws))

    await chair_ws.send_json_to({"type": "publish", "poll": poll_id})
    for ws in (rep_ws, screen_ws, chair_ws):
        published = await receive_until(ws, "result.published")
        assert published["result"]["outcome"] == "carried"
        assert {c["key"]: c["count"] for c in published["result"]["counts"]}["for"] == 1
    for ws in (chair_ws, rep_ws, screen_ws):
        await ws.disconnect()


async def test_a_second_vote_is_refused_and_the_socket_still_works(floor):
    conf, motion, chair, reps = floor
    chair_ws, _ = await connect(conf, chair)
    rep_ws, _ = await connect(conf, reps[0])
    poll_id = await open_vote(chair_ws, motion)
    await rep_ws.send_json_to({"type": "vote", "poll": poll_id, "choice": "for", "key": str(uuid.uuid4())})
    await receive_until(rep_ws, "vote.accepted")
    await rep_ws.send_json_to({"type": "vote", "poll": poll_id, "choice": "against", "key": str(uuid.uuid4())})
    refused = await receive_until(rep_ws, "error")
    assert refused["code"] == "already_voted"
    await rep_ws.send_json_to({"type": "ping"})
    assert (await receive_until(rep_ws, "pong"))["type"] == "pong"
    assert [c.choice for c in await db(stored_ballots.stored)(poll_id)] == ["for"]
    await rep_ws.disconnect()
    await chair_ws.disconnect()


async def test_a_resend_with_the_same_key_gets_the_same_receipt(floor):
    conf, motion, chair, reps = floor
    chair_ws, _ = await connect(conf, chair)
    rep_ws, _ = await connect(conf, reps[0])
    poll_id = await open_vote(chair_ws, motion)
    message = {"type": "vote", "poll": poll_id, "choice": "against", "key": str(uuid.uuid4())}
    await rep_ws.send_json_to(message)
    first = await receive_until(rep_ws, "vote.accepted")
    await rep_ws.send_json_to(message)
    second = await receive_until(rep_ws, "vote.accepted")
    assert first["receipt"] == second["receipt"]
    assert await db(Participation.objects.filter(poll_id=poll_id).count)() == 1
    await rep_ws.disconnect()
    await chair_ws.disconnect()


async def test_a_vote_after_close_is_refused(floor):
    conf, motion, chair, reps = floor
    chair_ws, _ = await connect(conf, chair)
    rep_ws, _ = await connect(conf, reps[0])
    poll_id = await open_vote(chair_ws, motion)
    await chair_ws.send_json_to({"type": "close", "poll": poll_id})
    await receive_until(rep_ws, "poll.closed")
    await rep_ws.send_json_to({"type": "vote", "poll": poll_id, "choice": "for", "key": str(uuid.uuid4())})
    refused = await receive_until(rep_ws, "error")
    assert refused["code"] == "poll_not_open" and "Not counted" in refused["message"]
    assert not await db(Ballot.objects.exists)()
    await rep_ws.disconnect()
    await chair_ws.disconnect()


@pytest.mark.parametrize(
    "raw, code",
    [
        ("not json", "malformed"),
        ("[1, 2]", "malformed"),
        ('{"type": 7}', "malformed"),
        ('{"type": "teleport"}', "malformed"),
        ('{"type": "vote", "poll": "1", "choice": "for", "key": "%s"}' % uuid.uuid4(), "malformed"),
        ('{"type": "vote", "poll": 1, "choice": "for", "key": "not-a-uuid"}', "malformed"),
        ('{"type": "vote", "poll": 1, "choice": "for"}', "malformed"),
        ('{"type": "vote", "poll": 1, "choice": {"for": 1}, "key": "%s"}' % uuid.uuid4(), "unknown_choice"),
        ('{"type": "vote", "poll": 999999, "choice": "for", "key": "%s"}' % uuid.uuid4(), "unknown_poll"),
        ('{"type": "vote", "poll": true, "choice": "for", "key": "%s"}' % uuid.uuid4(), "malformed"),
        ('{"type": "close", "poll": 1}', "forbidden"),
        ('{"type": "open", "motion": 1}', "forbidden"),
        ('{"type": "publish", "poll": 1}', "forbidden"),
        ('{"type": "call", "motion": 1}', "forbidden"),
        ('{"type": "vote", "pad": "%s"}' % ("x" * 5000), "too_large"),
    ],
)
async def test_a_forged_or_malformed_message_is_refused_and_changes_nothing(floor, raw, code):
    conf, motion, chair, reps = floor
    rep_ws, _ = await connect(conf, reps[0])
    seq_before = await db(lambda: type(conf).objects.get(pk=conf.pk).event_seq)()
    await rep_ws.send_to(text_data=raw)
    refused = await receive_until(rep_ws, "error")
    assert refused["code"] == code
    assert await db(lambda: type(conf).objects.get(pk=conf.pk).event_seq)() == seq_before
    assert not await db(Poll.objects.exists)()
    await rep_ws.send_json_to({"type": "sync"})
    assert (await receive_until(rep_ws, "snapshot"))["seq"] == seq_before
    await rep_ws.disconnect()


async def test_a_binary_frame_is_refused(floor):
    conf, motion, chair, reps = floor
    rep_ws, _ = await connect(conf, reps[0])
    await rep_ws.send_to(bytes_data=b"\x00\x01")
    assert (await receive_until(rep_ws, "error"))["code"] == "malformed"
    await rep_ws.disconnect()


async def test_an_anonymous_socket_is_rejected(floor):
    conf, *_ = floor
    ws = WebsocketCommunicator(application, f"/ws/c/{conf.slug}/", headers=[(b"origin", b"http://testserver")])
    assert await refusal(ws) == 4401


async def test_a_cross_site_socket_is_rejected(floor):
    conf, motion, chair, reps = floor
    cookie = (b"cookie", await session_cookie(reps[0]))
    ws = WebsocketCommunicator(
        application, f"/ws/c/{conf.slug}/", headers=[(b"origin", b"https://evil.example"), cookie]
    )
    assert await refusal(ws) == 4403


async def test_the_screen_cannot_vote_or_chair(floor):
    conf, motion, chair, reps = floor
    screen_ws, snapshot = await connect(conf, screen=True)
    assert "me" not in snapshot
    await screen_ws.send_json_to({"type": "vote", "poll": 1, "choice": "for", "key": str(uuid.uuid4())})
    assert (await receive_until(screen_ws, "error"))["code"] == "malformed"
    await screen_ws.send_json_to({"type": "open", "motion": motion.pk})
    assert (await receive_until(screen_ws, "error"))["code"] == "malformed"
    assert not await db(Poll.objects.exists)()
    await screen_ws.disconnect()


async def test_an_observer_cannot_vote(floor):
    conf, motion, chair, reps = floor
    from conference.models import Representative

    observer = await db(make_rep)(conf, role=Representative.Role.OBSERVER)
    chair_ws, _ = await connect(conf, chair)
    obs_ws, snap = await connect(conf, observer)
    assert snap["me"]["can_vote"] is False
    poll_id = await open_vote(chair_ws, motion)
    await obs_ws.send_json_to({"type": "vote", "poll": poll_id, "choice": "for", "key": str(uuid.uuid4())})
    assert (await receive_until(obs_ws, "error"))["code"] == "not_eligible"
    await obs_ws.disconnect()
    await chair_ws.disconnect()


async def test_a_representative_cannot_vote_in_another_conference(floor):
    conf, motion, chair, reps = floor
    chair_ws, _ = await connect(conf, chair)
    poll_id = await open_vote(chair_ws, motion)
    other = await db(make_conference)()
    stranger = await db(make_rep)(other)
    stranger_ws, _ = await connect(other, stranger)
    await stranger_ws.send_json_to({"type": "vote", "poll": poll_id, "choice": "for", "key": str(uuid.uuid4())})
    assert (await receive_until(stranger_ws, "error"))["code"] == "unknown_poll"
    # and signing in to the first conference with the other one's session fails
    ws = WebsocketCommunicator(
        application,
        f"/ws/c/{conf.slug}/",
        headers=[(b"origin", b"http://testserver"), (b"cookie", stranger_ws.scope["headers"][1][1])],
    )
    assert await refusal(ws) == 4401
    await stranger_ws.disconnect()
    await chair_ws.disconnect()


async def test_a_reconnect_gets_a_snapshot_with_the_open_poll_and_my_vote(floor):
    conf, motion, chair, reps = floor
    chair_ws, _ = await connect(conf, chair)
    await chair_ws.send_json_to({"type": "call", "motion": motion.pk})
    poll_id = await open_vote(chair_ws, motion)
    rep_ws, _ = await connect(conf, reps[0])
    await rep_ws.send_json_to({"type": "vote", "poll": poll_id, "choice": "abstain", "key": str(uuid.uuid4())})
    accepted = await receive_until(rep_ws, "vote.accepted")
    await rep_ws.disconnect()

    # Back after a Wi-Fi drop, or on a second phone with the same code: the same state.
    again, snapshot = await connect(conf, reps[0])
    assert snapshot["item"]["id"] == motion.pk
    assert snapshot["poll"]["id"] == poll_id and snapshot["poll"]["status"] == "open"
    assert snapshot["my_vote"] == {
        "poll_id": poll_id,
        "choice": "abstain",
        "receipt": accepted["receipt"],
        "key": accepted["key"],
    }
    chair_snapshot = await connect(conf, chair)
    assert chair_snapshot[1]["turnout"]["voted"] == 1
    await chair_snapshot[0].disconnect()
    await again.disconnect()
    await chair_ws.disconnect()


async def test_snapshot_plus_events_equals_a_fresh_snapshot(floor):
    conf, motion, chair, reps = floor
    chair_ws, _ = await connect(conf, chair)
    screen_ws, state = await connect(conf, screen=True)

    await chair_ws.send_json_to({"type": "call", "motion": motion.pk})
    poll_id = await open_vote(chair_ws, motion)
    await chair_ws.send_json_to({"type": "close", "poll": poll_id})
    await receive_until(chair_ws, "ok", of="close")
    await chair_ws.send_json_to({"type": "publish", "poll": poll_id})
    await receive_until(chair_ws, "ok", of="publish")

    # Apply the events as a client does.
    for event in await drain(screen_ws):
        if "seq" in event:
            assert event["seq"] == state["seq"] + 1 or event["seq"] == state["seq"]
            state["seq"] = event["seq"]
        if event["type"] == "item.called":
            state["item"] = event["item"]
        elif event["type"] == "poll.opened":
            state["poll"] = event["poll"]
        elif event["type"] == "poll.closed":
            state["poll"] = None
        elif event["type"] == "result.published":
            state["published"] = [{k: event[k] for k in ("poll_id", "poll", "result", "published_at")}] + state[
                "published"
            ]
        elif event["type"] == "turnout":
            state["turnout"] = event
    fresh_ws, fresh = await connect(conf, screen=True)
    state.pop("turnout", None)
    fresh.pop("turnout", None)
    # The item's status moved on (it was called); the published poll's status too.
    assert state["seq"] == fresh["seq"]
    assert state["poll"] == fresh["poll"] is None
    assert state["item"]["id"] == fresh["item"]["id"]
    assert [p["poll_id"] for p in state["published"]] == [p["poll_id"] for p in fresh["published"]]
    assert state["published"][0]["result"] == fresh["published"][0]["result"]
    for ws in (chair_ws, screen_ws, fresh_ws):
        await ws.disconnect()


async def test_a_socket_for_an_unknown_conference_is_closed(floor):
    ws = WebsocketCommunicator(
        application, "/ws/c/no-such-conference/screen/", headers=[(b"origin", b"http://testserver")]
    )
    assert await refusal(ws) == 4404
