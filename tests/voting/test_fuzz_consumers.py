"""Hostile and broken clients, generated: random, oversized, wrongly typed and
out-of-order messages at every websocket consumer. Each gets a clear answer (an error,
or the harmless reply a ping or sync deserves), nothing in the database changes, and
the next good message on the same socket still works."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from channels.db import database_sync_to_async as db
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conference.asgi import application
from conference.models import AuditEntry, Conference
from tests.factories import make_conference, make_motion, make_rep, make_staff
from tests.ws import ORIGIN, session_cookie
from voting import actions, closing, put, results
from voting.commands import REP_COMMANDS, STAFF_COMMANDS
from voting.models import Ballot, Participation, Poll

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MAX_BYTES = 2048
HARMLESS_REPLY = {"ping": "pong", "sync": "snapshot"}

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=60),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
# Ids nobody here owns: out of range, the wrong type, or simply not there.
bad_id = st.one_of(
    st.integers(max_value=0),
    st.integers(min_value=2**31, max_value=2**70),
    st.integers(1_500_000_000, 2**31 - 1),
    st.booleans(),
    st.text(max_size=20),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
# The agenda and debate commands (voting.commands) may legitimately succeed on a random
# message (for example "next" needs no fields): their "ok" is accepted, and then the
# data may change. Every other message must change nothing.
PROCEDURE = frozenset(STAFF_COMMANDS + REP_COMMANDS)
ALL_TYPES = ["vote", "sync", "ping", "call", "open", "close", "publish", "casting", *sorted(PROCEDURE)]
REPLIES = {"error", "ok", "pong", "snapshot", "vote.accepted"}


@pytest.fixture(autouse=True)
def roomy_socket_limits(request):
    """This file sends many messages at once on purpose; the per-socket rate limits have
    their own tests (tests/voting/test_socket_limits.py)."""
    django_settings = request.getfixturevalue("settings")
    django_settings.SOCKET_RATE_LIMITS = {k: (100_000, 1) for k in django_settings.SOCKET_RATE_LIMITS}


@dataclass
class Floor:
    conference: Conference
    chair_cookie: bytes
    rep_cookie: bytes
    draft: int
    open: int
    closed: int
    published: int
    motion: int
    foreign_poll: int
    foreign_motion: int


@pytest.fixture
async def floor() -> Floor:
    def build() -> tuple[Conference, Any, Any, dict[str, int]]:
        conf, other = make_conference(), make_conference()
        chair = make_staff(conf)
        rep = make_rep(conf)
        ids: dict[str, int] = {}
        for state in ("published", "closed"):
            poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair)
            actions.cast_vote(rep, poll.pk, "for", uuid.uuid4())
            closing.close_poll(poll.pk, chair)
            if state == "published":
                results.publish_result(poll, chair)
            ids[state] = poll.pk
        motion = make_motion(conf)
        ids["draft"] = put.create_motion_poll(motion).pk
        ids["motion"] = motion.pk
        open_poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair)
        # The representative has voted on the open poll (no changes allowed), so even a
        # well-formed vote among the random ones changes nothing.
        assert actions.cast_vote(rep, open_poll.pk, "against", uuid.uuid4()).ok
        ids["open"] = open_poll.pk
        ids["foreign_motion"] = make_motion(other).pk
        ids["foreign_poll"] = put.create_motion_poll(make_motion(other)).pk
        return conf, chair, rep, ids

    conf, chair, rep, ids = await db(build)()
    return Floor(conf, await session_cookie(chair), await session_cookie(rep), **ids)


def database_state(conference: Conference) -> tuple[Any, ...]:
    conf = Conference.objects.get(pk=conference.pk)
    return (
        conf.event_seq,
        conf.current_motion_id,
        sorted(Poll.objects.values_list("pk", "status", "result")),
        sorted(Ballot.objects.values_list("pk", "option_id", "key", "sealed")),
        Participation.objects.count(),
        AuditEntry.objects.count(),
    )


def frames(floor: Floor, *, chair: bool) -> st.SearchStrategy[tuple[str, Any]]:
    """(kind, payload): kind is "text" or "bytes"."""
    poll_ids = [floor.draft, floor.open, floor.closed, floor.published, floor.foreign_poll]
    any_id = bad_id | st.sampled_from(poll_ids)
    typed = st.fixed_dictionaries(
        {"type": st.sampled_from(ALL_TYPES) | st.text(max_size=30)},
        optional={
            "poll": any_id,
            "choice": json_value,
            "key": st.uuids().map(str) | json_value,
            "motion": bad_id | st.just(floor.foreign_motion),
            "part": bad_id,
            "countdown": json_value,
            "carried": json_value,
            "ref": json_value,
            "allow_change": json_value,
            "secret": json_value,
        },
    )
    # Out of order for the chair: each of these is refused, or repeats what is done.
    out_of_order = st.sampled_from(
        [
            {"type": "open", "poll": floor.open},
            {"type": "open", "poll": floor.closed},
            {"type": "open", "poll": floor.draft},
            {"type": "open", "motion": floor.motion},
            {"type": "close", "poll": floor.draft},
            {"type": "close", "poll": floor.closed},
            {"type": "publish", "poll": floor.draft},
            {"type": "publish", "poll": floor.open},
            {"type": "publish", "poll": floor.published},
            {"type": "casting", "poll": floor.closed, "carried": True},
            {"type": "casting", "poll": floor.open, "carried": False},
            {"type": "vote", "poll": floor.closed, "choice": "for"},
            {"type": "vote", "poll": floor.draft, "choice": "for"},
            {"type": "vote", "poll": floor.open, "choice": "for"},
            {"type": "vote", "poll": floor.foreign_poll, "choice": "for"},
            {"type": "call", "motion": floor.foreign_motion},
        ]
    ).map(lambda m: {**m, "key": str(uuid.uuid4())} if m["type"] == "vote" else m)
    if not chair:
        out_of_order = out_of_order | st.sampled_from(
            [{"type": t, "poll": floor.closed} for t in ("open", "close", "publish", "casting", "call")]
        )
    text = st.one_of(
        typed.map(json.dumps),
        out_of_order.map(json.dumps),
        json_value.map(json.dumps),
        st.text(max_size=200),  # mostly not JSON at all
        st.integers(MAX_BYTES + 1, 20_000).map(lambda n: json.dumps({"type": "vote", "pad": "x" * n})),
    )
    return st.one_of(text.map(lambda t: ("text", t)), st.binary(max_size=3000).map(lambda b: ("bytes", b)))


def expected_reply(kind: str, payload: Any, staff: bool = False) -> set[str]:
    if kind == "text" and len(payload.encode()) <= MAX_BYTES:
        try:
            message = json.loads(payload)
        except ValueError:
            return {"error"}
        if isinstance(message, dict) and message.get("type") in HARMLESS_REPLY:
            return {HARMLESS_REPLY[message["type"]]}
        if isinstance(message, dict) and message.get("type") in PROCEDURE | {"close", "publish"}:
            return {"error", "ok"}  # closing or publishing again is harmless: ok, nothing changes
        if staff and isinstance(message, dict) and message.get("type") == "call":
            return {"error", "ok"}  # a call with no motion is the chair clearing the floor: a real change
    return {"error"}


async def throw(
    floor: Floor,
    cookie: bytes,
    path: str,
    batch: list[tuple[str, Any]],
    *,
    sync_reply: bool = True,
    staff: bool = False,
) -> None:
    before = await db(database_state)(floor.conference)
    ws = WebsocketCommunicator(application, path, headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await ws.connect()
    assert connected
    assert (await ws.receive_json_from(timeout=5))["type"] == "snapshot"
    procedure_done = False

    async def reply() -> dict[str, Any]:
        while True:  # broadcasts of a successful procedure command may come in between
            event = await ws.receive_json_from(timeout=5)
            if event["type"] in REPLIES:
                return event

    try:
        for kind, payload in batch:
            # send_input, not send_to: empty frames are frames too.
            await ws.send_input({"type": "websocket.receive", kind: payload})
            answer = await reply()
            assert answer["type"] in expected_reply(kind, payload, staff), (payload, answer)
            if answer["type"] == "error":
                assert answer["code"] != "server_error" and answer["message"], (payload, answer)
            procedure_done |= answer["type"] == "ok" and answer.get("of") in PROCEDURE | {"call"}
        # The next good message still works on the same socket.
        await ws.send_json_to({"type": "ping"})
        assert (await reply())["type"] == "pong"
        await ws.send_json_to({"type": "sync"})
        assert (await reply())["type"] == "snapshot"
    finally:
        await ws.disconnect()
    if not procedure_done:
        assert await db(database_state)(floor.conference) == before


@FUZZ
@given(data=st.data())
async def test_representative_socket_survives_anything(floor, data):
    batch = data.draw(st.lists(frames(floor, chair=False), min_size=1, max_size=6))
    await throw(floor, floor.rep_cookie, f"/ws/c/{floor.conference.slug}/", batch)


@FUZZ
@given(data=st.data())
async def test_chair_socket_survives_anything(floor, data):
    batch = data.draw(st.lists(frames(floor, chair=True), min_size=1, max_size=6))
    await throw(floor, floor.chair_cookie, f"/ws/c/{floor.conference.slug}/", batch, staff=True)


@FUZZ
@given(data=st.data())
async def test_screen_socket_survives_anything(floor, data):
    batch = data.draw(st.lists(frames(floor, chair=True), min_size=1, max_size=6))
    await throw(floor, b"", f"/ws/c/{floor.conference.slug}/screen/", batch)


# What the generated messages found, kept as plain examples.


async def test_a_refused_open_of_a_motion_leaves_no_stray_draft_poll(floor):
    await throw(
        floor,
        floor.chair_cookie,
        f"/ws/c/{floor.conference.slug}/",
        [("text", json.dumps({"type": "open", "motion": floor.motion}))],
    )


async def test_closing_a_poll_that_never_opened_is_refused(floor):
    ws = WebsocketCommunicator(
        application, f"/ws/c/{floor.conference.slug}/", headers=[ORIGIN, (b"cookie", floor.chair_cookie)]
    )
    assert (await ws.connect())[0]
    await ws.receive_json_from(timeout=5)
    await ws.send_json_to({"type": "close", "poll": floor.draft})
    reply = await ws.receive_json_from(timeout=5)
    assert (reply["type"], reply["code"]) == ("error", "invalid_state")
    await ws.disconnect()


async def test_a_call_with_no_motion_clears_the_floor_and_is_not_an_error(floor):
    """Hypothesis found that a bare {"type": "call"} from the chair answers "ok": it is the
    console's "Clear the floor", a real command, so the fuzz expects "ok" from staff for it."""
    ws = WebsocketCommunicator(
        application, f"/ws/c/{floor.conference.slug}/", headers=[ORIGIN, (b"cookie", floor.chair_cookie)]
    )
    assert (await ws.connect())[0]
    await ws.receive_json_from(timeout=5)
    await ws.send_json_to({"type": "call", "ref": "c1"})
    while (reply := await ws.receive_json_from(timeout=5))["type"] not in REPLIES:
        pass
    assert (reply["type"], reply.get("of"), reply.get("ref")) == ("ok", "call", "c1")
    await ws.disconnect()
