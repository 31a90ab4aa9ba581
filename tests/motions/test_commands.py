"""The chair runs a session from the console over websockets, and outsiders cannot."""

from __future__ import annotations

import uuid

import pytest
from channels.db import database_sync_to_async as db

from conference.models import AuditEntry
from motions.models import Amendment, Motion, Outcome, ProceduralMotion
from tests.factories import make_conference, make_lmc, make_motion, make_rep, make_section, make_staff
from tests.ws import connect, drain, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]


@pytest.mark.parametrize(
    "message",
    [
        {"type": "next"},
        {"type": "skip"},
        {"type": "back"},
        {"type": "reorder", "section": 1, "order": []},
        {"type": "amend", "motion": 1, "kind": "rider", "text": "x"},
        {"type": "put_amendment", "amendment": 1},
        {"type": "procedural", "motion": 1, "kind": "closure"},
        {"type": "declare", "motion": 1, "outcome": "fell"},
        {"type": "correct", "motion": 1, "outcome": "lost", "reason": "x"},
        {"type": "fall_group", "motion": 1},
        {"type": "block", "section": 1},
        {"type": "restore_block", "motion": 1},
        {"type": "speech", "request": 1},
        {"type": "end_speech"},
    ],
)
async def test_a_representative_cannot_run_the_agenda(message):
    conf = await db(make_conference)()
    rep = await db(make_rep)(conf)
    ws, _ = await connect(conf, rep)
    await ws.send_json_to(message)
    assert (await receive_until(ws, "error"))["code"] == "forbidden"
    assert not await db(AuditEntry.objects.exists)()
    await ws.disconnect()


async def test_the_screen_cannot_ask_to_speak_and_the_chair_is_not_a_speaker():
    conf = await db(make_conference)()
    chair = await db(make_staff)(conf)
    screen_ws, _ = await connect(conf, screen=True)
    chair_ws, _ = await connect(conf, chair)
    await screen_ws.send_json_to({"type": "speak", "side": "for"})
    assert (await receive_until(screen_ws, "error"))["code"] == "malformed"
    await chair_ws.send_json_to({"type": "speak", "side": "for"})
    assert (await receive_until(chair_ws, "error"))["code"] == "not_eligible"
    await screen_ws.disconnect()
    await chair_ws.disconnect()


async def test_a_motion_of_another_conference_is_refused():
    conf, other = await db(make_conference)(), await db(make_conference)()
    chair = await db(make_staff)(conf)
    foreign = await db(make_motion)(other)
    ws, _ = await connect(conf, chair)
    await ws.send_json_to({"type": "declare", "motion": foreign.pk, "outcome": "fell", "ref": 7})
    error = await receive_until(ws, "error")
    assert error["code"] == "malformed" and error["ref"] == 7
    assert await db(lambda: Motion.objects.get(pk=foreign.pk).outcome)() == ""
    await ws.disconnect()


async def command(ws, message: dict) -> dict:
    await ws.send_json_to(message)
    return await receive_until(ws, "ok", of=message["type"])


async def vote(chair_ws, rep_sockets, poll_id: int, choices: list[str]) -> dict:
    for ws, choice in zip(rep_sockets, choices, strict=True):
        await ws.send_json_to({"type": "vote", "poll": poll_id, "choice": choice, "key": str(uuid.uuid4())})
        answer = await ws.receive_json_from(timeout=5)
        while answer["type"] not in {"vote.accepted", "error"}:
            answer = await ws.receive_json_from(timeout=5)
        assert answer["type"] == "vote.accepted", answer
    await chair_ws.send_json_to({"type": "close", "poll": poll_id})
    seen: dict[str, dict] = {}
    while not {"ok", "poll.result"} <= set(seen):  # the result may come before or after the ok
        event = await chair_ws.receive_json_from(timeout=5)
        if event["type"] in {"ok", "poll.result"}:
            seen[event["type"]] = event
    result = seen["poll.result"]
    await command(chair_ws, {"type": "publish", "poll": poll_id})
    return result["result"]


async def test_a_demo_session_runs_from_the_console_and_the_record_shows_it_in_order():
    @db
    def agenda():
        conf = make_conference()
        chair = make_staff(conf)
        kent = make_lmc(conf, name="Kent LMC")
        reps = [make_rep(conf, lmc=kent)] + [make_rep(conf) for _ in range(2)]
        section = make_section(conf, title="Workload", minutes=20)
        in_parts = make_motion(
            conf, section=section, order=0, text="That conference:", parts=["demands safe limits", "rejects the cap"]
        )
        debated = make_motion(conf, section=section, order=1)
        a = make_motion(conf, section=section, order=2, category="A")
        ar = make_motion(conf, section=section, order=3, category="AR")
        pulled = make_motion(conf, section=section, order=4, category="AR")
        return conf, chair, reps, section, in_parts, debated, a, ar, pulled

    conf, chair, reps, section, in_parts, debated, a, ar, pulled = await agenda()
    chair_ws, _ = await connect(conf, chair)
    rep_sockets = [(await connect(conf, rep))[0] for rep in reps]
    screen_ws, screen_snapshot = await connect(conf, screen=True)

    # The first item; a representative asks to speak; the chair gives the proposer, then them, the floor.
    assert (await command(chair_ws, {"type": "next"}))["motion"] == in_parts.pk
    called = await receive_until(screen_ws, "item.called")
    assert called["timer"]["section_id"] == section.pk and called["timer"]["allocated"] == 1200
    request = await command(rep_sockets[1], {"type": "speak", "side": "against"})
    queue = await receive_until(chair_ws, "speakers")
    while not queue["queue"]:
        queue = await receive_until(chair_ws, "speakers")
    assert queue["queue"][0]["id"] == request["request_id"] and queue["queue"][0]["spoken_today"] is False
    await command(chair_ws, {"type": "speech", "role": "proposer", "speaker": reps[0].pk})
    speech = await receive_until(screen_ws, "speech")
    assert speech["speech"]["lmc"] == "Kent LMC" and speech["speech"]["seconds"] == 180
    await command(chair_ws, {"type": "speech", "request": request["request_id"]})
    assert (await receive_until(screen_ws, "speech"))["speech"]["side"] == "against"

    # A rider, voted before the motion; the motion cannot be put first.
    amended = await command(
        chair_ws,
        {
            "type": "amend",
            "motion": in_parts.pk,
            "kind": "rider",
            "text": "and calls for funding.",
            "lmc": reps[0].lmc_id,
        },
    )
    await chair_ws.send_json_to({"type": "open", "motion": in_parts.pk, "part": called["item"]["parts"][0]["id"]})
    assert (await receive_until(chair_ws, "error"))["code"] == "invalid_state"
    poll = await command(chair_ws, {"type": "put_amendment", "amendment": amended["amendment_id"]})
    assert (await vote(chair_ws, rep_sockets, poll["poll_id"], ["for", "for", "against"]))["outcome"] == "carried"
    updated = await receive_until(screen_ws, "motion.updated")
    while not updated["item"]["amended"]:
        updated = await receive_until(screen_ws, "motion.updated")
    assert updated["item"]["text"] == "That conference:\nand calls for funding."

    # The motion in parts.
    part_ids = [p["id"] for p in updated["item"]["parts"]]
    for part_id, choices in zip(part_ids, [["for", "for", "for"], ["against", "against", "for"]], strict=True):
        opened = await command(chair_ws, {"type": "open", "motion": in_parts.pk, "part": part_id})
        await vote(chair_ws, rep_sockets, opened["poll_id"], choices)
    await command(chair_ws, {"type": "next"})

    # A procedural motion from the floor: next business, carried by two-thirds; the agenda moves on.
    moved = await command(
        chair_ws, {"type": "procedural", "motion": debated.pk, "kind": "next_business", "moved_by": reps[2].pk}
    )
    await vote(chair_ws, rep_sockets, moved["poll_id"], ["for", "for", "against"])

    # A representative pulls an AR motion out of the block; the block is put.
    await command(rep_sockets[2], {"type": "debate_request", "motion": pulled.pk})
    assert (await receive_until(chair_ws, "debate.requested"))["motion_id"] == pulled.pk
    block = await command(chair_ws, {"type": "block", "section": section.pk})
    await vote(chair_ws, rep_sockets, block["poll_id"], ["for", "for", "abstain"])

    @db
    def record():
        return (
            {m.pk: m.outcome for m in Motion.objects.all()},
            [(e.action, e.details.get("motion_id"), e.details.get("outcome")) for e in AuditEntry.objects.all()],
            Motion.objects.get(pk=pulled.pk).pulled_from_block,
            conf.__class__.objects.get(pk=conf.pk).current_motion_id,
            Amendment.objects.get().outcome,
            ProceduralMotion.objects.get().moved_by_id,
        )

    outcomes, log, still_pulled, floor, amendment_outcome, mover = await record()
    assert outcomes == {
        in_parts.pk: Outcome.CARRIED_IN_PART,
        debated.pk: Outcome.MOVED_TO_NEXT_BUSINESS,
        a.pk: Outcome.CARRIED,
        ar.pk: Outcome.CARRIED_AS_REFERENCE,
        pulled.pk: "",
    }
    assert still_pulled and floor is None  # next business moved on: nothing else was to be debated then
    assert amendment_outcome == Outcome.CARRIED and mover == reps[2].pk
    # The record: every vote and every outcome, in the order they happened.
    votes_and_outcomes = [
        entry
        for entry in log
        if entry[0]
        in {
            "item.called",
            "amendment.proposed",
            "amendment.decided",
            "poll.opened",
            "result.published",
            "motion.outcome",
            "procedural.moved",
            "procedural.decided",
            "block.debate_requested",
            "block.put",
        }
    ]
    assert [(action, outcome) for action, _, outcome in votes_and_outcomes] == [
        ("item.called", None),
        ("amendment.proposed", None),
        ("poll.opened", None),
        ("result.published", "carried"),
        ("amendment.decided", "carried"),
        ("poll.opened", None),
        ("result.published", "carried"),
        ("poll.opened", None),
        ("result.published", "lost"),
        ("motion.outcome", "carried_in_part"),
        ("item.called", None),
        ("procedural.moved", None),
        ("poll.opened", None),
        ("result.published", "carried"),
        ("procedural.decided", "carried"),
        ("motion.outcome", "next_business"),
        ("item.called", None),
        ("block.debate_requested", None),
        ("block.put", None),
        ("poll.opened", None),
        ("result.published", "carried"),
        ("motion.outcome", "carried"),
        ("motion.outcome", "carried_as_reference"),
    ]
    # The projector saw every public change in sequence, with no gap.
    seqs = [e["seq"] for e in await drain(screen_ws) if "seq" in e]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    for ws in [chair_ws, screen_ws, *rep_sockets]:
        await ws.disconnect()
