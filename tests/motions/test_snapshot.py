"""The procedure in snapshots: a snapshot plus the events that follow equals a fresh one."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async as db

from motions import debate, procedure
from motions.agenda import call_motion
from tests.factories import make_conference, make_motion, make_rep, make_section, make_staff
from tests.ws import connect, drain
from voting import put

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]


async def test_the_projector_state_from_events_equals_a_fresh_snapshot():
    @db
    def setup():
        conf = make_conference()
        section = make_section(conf, minutes=15)
        return (
            conf,
            make_staff(conf),
            make_rep(conf),
            make_motion(conf, section=section, text="Original."),
            make_motion(conf, section=section, category="AR"),
        )

    conf, chair, rep, motion, ar = await setup()
    screen_ws, state = await connect(conf, screen=True)
    assert state["timer"]["section_id"] is None and state["speech"] is None and "speakers" not in state

    @db
    def session():
        call_motion(conf, motion, chair)
        amendment = procedure.propose_amendment(motion, "amendment", "Replace", chair, new_wording="Amended.")
        put.request_debate(ar, rep)
        debate.start_speech(conf, chair, role="proposer", speaker=rep)
        return amendment

    await session()
    for event in await drain(screen_ws):
        if "seq" in event:
            assert event["seq"] == state["seq"] + 1
            state["seq"] = event["seq"]
        if event["type"] in {"item.called", "motion.updated"} and event["item"]["id"] == motion.pk:
            state["item"] = event["item"]
        if event["type"] == "item.called":
            state["timer"], state["block"] = event["timer"], event["block"]
        elif event["type"] == "motion.updated":
            state["block"] = [
                b | ({"pulled": event["item"]["pulled_from_block"]} if b["id"] == event["item"]["id"] else {})
                for b in state["block"]
            ]
        elif event["type"] == "speech":
            state["speech"] = event["speech"]
        assert event["type"] != "speakers"  # the queue is for the chair only
    fresh_ws, fresh = await connect(conf, screen=True)
    assert state["seq"] == fresh["seq"]
    assert state["item"] == fresh["item"] and fresh["item"]["amendments"][0]["new_wording"] == "Amended."
    assert state["speech"] == fresh["speech"] and fresh["speech"]["role"] == "proposer"
    assert (
        state["block"]
        == fresh["block"]
        == [{"id": ar.pk, "number": ar.number, "title": ar.title, "category": "AR", "pulled": True}]
    )
    assert {k: state["timer"][k] for k in ("section_id", "allocated", "running_since")} == {
        k: fresh["timer"][k] for k in ("section_id", "allocated", "running_since")
    }
    for ws in (screen_ws, fresh_ws):
        await ws.disconnect()


async def test_the_chair_sees_the_queue_and_a_representative_does_not():
    conf = await db(make_conference)()
    chair, rep = await db(make_staff)(conf), await db(make_rep)(conf)
    motion = await db(make_motion)(conf)
    await db(call_motion)(conf, motion, chair)
    await db(debate.ask_to_speak)(rep, "for")
    chair_ws, staff_view = await connect(conf, chair)
    rep_ws, rep_view = await connect(conf, rep)
    assert [q["representative_id"] for q in staff_view["speakers"]] == [rep.pk]
    assert "speakers" not in rep_view
    for ws in (chair_ws, rep_ws):
        await ws.disconnect()
