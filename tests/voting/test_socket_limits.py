"""Per-socket rate limits: a flooding socket is told, then closed with 4429; nobody else notices."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from channels.db import database_sync_to_async as db

from tests.factories import make_conference, make_motion, make_rep, make_staff
from tests.ws import connect, receive_until
from voting import actions, put
from voting.models import Participation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]


@pytest.fixture
def tight_limits(settings):
    settings.SOCKET_RATE_LIMITS = {
        "vote": (2, 30),
        "sync": (3, 1),
        "ping": (3, 1),
        "other": (3, 30),
        "refused": (3, 30),
    }


@pytest.fixture
async def two_phones():
    def build():
        conf = make_conference()
        chair = make_staff(conf)
        poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair)
        return conf, poll.pk, make_rep(conf), make_rep(conf)

    return await db(build)()


async def test_a_flood_of_syncs_is_refused_then_closed_with_4429(tight_limits, two_phones):
    conf, _, flooder, _ = two_phones
    ws, _ = await connect(conf, flooder)
    for _ in range(30):
        await ws.send_json_to({"type": "sync", "ref": "s"})
    answers = []
    while True:
        output = await ws.receive_output(timeout=10)
        if output["type"] == "websocket.close":
            break
        answers.append(json.loads(output["text"]))
    assert output == {"type": "websocket.close", "code": 4429}
    snapshots = [a for a in answers if a["type"] == "snapshot"]
    refusals = [a for a in answers if a["type"] == "error"]
    assert len(snapshots) >= 3  # the burst a phone may use, then what the rate allows
    assert len(refusals) == 3 and len(answers) < 30  # told three times, then closed: the rest unread
    assert all(r["code"] == "rate_limited" and r["ref"] == "s" for r in refusals)
    assert "Wait a few seconds" in refusals[0]["message"]


async def test_a_socket_under_its_limit_again_is_served_again(tight_limits, two_phones):
    conf, _, rep, _ = two_phones
    ws, _ = await connect(conf, rep)
    for _ in range(4):
        await ws.send_json_to({"type": "ping"})
    assert [(await ws.receive_json_from(timeout=5))["type"] for _ in range(4)] == ["pong"] * 3 + ["error"]
    await asyncio.sleep(0.5)  # 3 a second: one more is due
    await ws.send_json_to({"type": "ping"})
    assert (await ws.receive_json_from(timeout=5))["type"] == "pong"
    await ws.disconnect()


async def test_a_vote_over_the_limit_is_refused_with_its_key_and_not_counted(tight_limits, two_phones):
    conf, poll_id, rep, _ = two_phones
    ws, _ = await connect(conf, rep)
    keys = [str(uuid.uuid4()) for _ in range(3)]
    for _ in range(2):  # a vote and its resend
        await ws.send_json_to({"type": "vote", "poll": poll_id, "choice": "for", "key": keys[0]})
    for _ in range(2):
        assert (await receive_until(ws, "vote.accepted"))["key"] == keys[0]
    await ws.send_json_to({"type": "vote", "poll": poll_id, "choice": "against", "key": keys[2]})
    refused = await receive_until(ws, "error")
    assert (refused["code"], refused["ref"]) == ("rate_limited", keys[2])
    assert await db(Participation.objects.filter(poll_id=poll_id).count)() == 1
    await ws.disconnect()


async def test_malformed_and_oversized_messages_count_too(tight_limits, two_phones):
    conf, _, rep, _ = two_phones
    ws, _ = await connect(conf, rep)
    for raw in ["nonsense", "[1]", '{"type": "teleport"}']:
        await ws.send_to(text_data=raw)
        assert (await ws.receive_json_from(timeout=5))["code"] == "malformed"
    await ws.send_to(text_data="x" * 5000)
    assert (await ws.receive_json_from(timeout=5))["code"] == "rate_limited"
    await ws.send_to(bytes_data=b"\x00")
    assert (await ws.receive_json_from(timeout=5))["code"] == "rate_limited"
    await ws.disconnect()


async def test_the_rest_of_the_hall_is_unaffected_by_a_flooder(tight_limits, two_phones):
    conf, poll_id, flooder, other = two_phones
    flooding, _ = await connect(conf, flooder)
    calm, _ = await connect(conf, other)
    for _ in range(10):
        await flooding.send_json_to({"type": "sync"})
    assert (await receive_until(flooding, "error"))["code"] == "rate_limited"
    await calm.send_json_to({"type": "vote", "poll": poll_id, "choice": "for", "key": str(uuid.uuid4())})
    assert (await receive_until(calm, "vote.accepted"))["choice"] == "for"
    await calm.send_json_to({"type": "ping"})
    assert (await receive_until(calm, "pong"))["type"] == "pong"
    await calm.disconnect()
    await flooding.disconnect()


def test_the_default_limits_leave_room_for_a_real_phone(settings):
    limits = settings.SOCKET_RATE_LIMITS
    # A phone pings every 25 s and on waking, votes once a poll plus resends after a reconnect.
    assert limits["ping"][0] >= 5 and limits["vote"][0] >= 10 and limits["sync"][0] >= 3
    # A sync builds a snapshot: the hardest limit.
    assert limits["sync"][0] / limits["sync"][1] <= min(
        v[0] / v[1] for k, v in limits.items() if k not in {"sync", "refused"}
    )
