"""Done when: a session run from the console's websocket messages gives the published
resolutions JSON a person would write by hand (issue 12)."""

from __future__ import annotations

import uuid

import pytest
from channels.db import database_sync_to_async as db
from django.test import Client
from django.urls import reverse

from desk import actions
from motions.models import MotionPart
from tests.factories import make_conference, make_lmc, make_motion, make_rep, make_section, make_staff
from tests.motions.test_commands import command, vote
from tests.ws import connect, receive_until
from voting.models import Poll

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]


@db
def agenda():
    conf = make_conference(name="LMC Conference 2027", chair_casting_vote=True)
    chair = make_staff(conf)
    secretariat = make_staff(conf, role="secretariat")
    kent = make_lmc(conf, name="Kent LMC", seats=4)
    reps = [make_rep(conf, lmc=kent) for _ in range(4)]
    workload = make_section(conf, title="Workload", order=1)
    m1 = make_motion(
        conf, number=1, section=workload, order=0, title="Safe working", text="That conference demands:",
        parts=["safe limits", "an end to the cap", "funding"], proposer=kent,
    )  # fmt: skip
    m2 = make_motion(conf, number=2, section=workload, order=1, title="Premises", text="That premises be funded.")
    m3 = make_motion(conf, number=3, section=workload, order=2, title="A", text="That A.", category="A")
    m4 = make_motion(conf, number=4, section=workload, order=3, title="AR", text="That AR.", category="AR")
    m5 = make_motion(conf, number=5, section=workload, order=4, title="Pulled", text="That pulled.", category="AR")
    return conf, chair, secretariat, reps, workload, m1, m2, m3, m4, m5


async def test_a_session_from_the_console_publishes_the_record_a_person_would_write():
    conf, chair, secretariat, reps, workload, m1, m2, m3, m4, m5 = await agenda()
    chair_ws, _ = await connect(conf, chair)
    phones = [(await connect(conf, rep))[0] for rep in reps]
    parts = await db(lambda: {p.label: p.pk for p in MotionPart.objects.filter(motion=m1)})()

    # Motion 1, in parts: an amendment to part (ii), annulled and re-run; a rider.
    await command(chair_ws, {"type": "call", "motion": m1.pk})
    amendment = await command(
        chair_ws, {"type": "amend", "motion": m1.pk, "part": parts["ii"], "kind": "amendment",
                   "text": "Delete 'an end to', insert 'a review of'", "new_wording": "a review of the cap"},
    )  # fmt: skip
    poll = await command(chair_ws, {"type": "put_amendment", "amendment": amendment["amendment_id"]})
    await vote(chair_ws, phones, poll["poll_id"], ["for", "for", "for", "against"])
    first = await db(Poll.objects.get)(pk=poll["poll_id"])
    rerun = await db(actions.annul_and_rerun)(first, "Two phones could not vote", secretariat)
    await command(chair_ws, {"type": "open", "poll": rerun.pk})
    await vote(chair_ws, phones, rerun.pk, ["for", "for", "for", "abstain"])
    rider = await command(
        chair_ws, {"type": "amend", "motion": m1.pk, "kind": "rider", "text": "It calls for funding."}
    )
    poll = await command(chair_ws, {"type": "put_amendment", "amendment": rider["amendment_id"]})
    await vote(chair_ws, phones, poll["poll_id"], ["for", "for", "for", "for"])
    # Parts (i) and (iii) together, then (ii), as amended.
    poll = await command(chair_ws, {"type": "open", "motion": m1.pk, "parts": [parts["i"], parts["iii"]]})
    await vote(chair_ws, phones, poll["poll_id"], ["for", "for", "for", "for"])
    poll = await command(chair_ws, {"type": "open", "motion": m1.pk, "part": parts["ii"]})
    await vote(chair_ws, phones, poll["poll_id"], ["for", "against", "against", "against"])

    # Motion 2: the closure, the proposer's reply, then a tie on the chair's casting vote.
    await command(chair_ws, {"type": "call", "motion": m2.pk})
    closure = await command(chair_ws, {"type": "procedural", "motion": m2.pk, "kind": "closure"})
    await vote(chair_ws, phones, closure["poll_id"], ["for", "for", "for", "for"])
    await command(chair_ws, {"type": "speech", "role": "reply", "speaker": reps[0].pk})
    opened = await command(chair_ws, {"type": "end_speech"})
    assert opened["poll_id"] is not None
    for ws, choice in zip(phones, ["for", "for", "against", "against"], strict=True):
        await ws.send_json_to({"type": "vote", "poll": opened["poll_id"], "choice": choice, "key": str(uuid.uuid4())})
        await receive_until(ws, "vote.accepted")
    await command(chair_ws, {"type": "close", "poll": opened["poll_id"]})
    await command(chair_ws, {"type": "casting", "poll": opened["poll_id"], "carried": True})
    await command(chair_ws, {"type": "publish", "poll": opened["poll_id"]})

    # The A/AR block, with motion 5 pulled out to be debated; it is lost, then corrected.
    await command(phones[3], {"type": "debate_request", "motion": m5.pk})
    block = await command(chair_ws, {"type": "block", "section": workload.pk})
    await vote(chair_ws, phones, block["poll_id"], ["for", "for", "for", "abstain"])
    await command(chair_ws, {"type": "call", "motion": m5.pk})
    poll = await command(chair_ws, {"type": "open", "motion": m5.pk})
    await vote(chair_ws, phones, poll["poll_id"], ["for", "against", "against", "against"])
    await command(chair_ws, {"type": "correct", "motion": m5.pk, "outcome": "carried_as_reference",
                             "reason": "The proposer accepted it as a reference before the vote."})  # fmt: skip

    # An emergency motion, admitted late.
    emergency = await command(
        chair_ws,
        {"type": "admit_emergency", "title": "Flooding", "text": "That conference supports flooded practices."},
    )
    assert emergency["reference"] == "E1"
    await command(chair_ws, {"type": "call", "motion": emergency["motion"]})
    poll = await command(chair_ws, {"type": "open", "motion": emergency["motion"]})
    await vote(chair_ws, phones, poll["poll_id"], ["for", "for", "for", "against"])

    for ws in [chair_ws, *phones]:
        await ws.disconnect()

    @db
    def published_json():
        actions.publish_record(conf, secretariat)
        return Client().get(reverse("resolutions-download", args=[conf.slug, "json"])).json()

    body = await published_json()
    record = [
        (
            m["reference"],
            m["status_label"],
            m["text"],
            [(p["label"], p["text"], p["outcome"]) for p in m["parts"]],
            [v["summary"] for v in m["votes"]],
            [v["summary"] for v in m["block_votes"]],
            [
                (a["kind"], a["part"], a["outcome"], [(v["summary"], v["annulled"]) for v in a["votes"]])
                for a in m["amendments"]
            ],
            [c["reason"] for c in m["corrections"]],
        )  # fmt: skip
        for s in body["record"]
        for m in s["motions"]
    ]
    by_hand = [
        (
            "1",
            "Carried in part (i, iii)",
            "That conference demands:\nIt calls for funding.",
            [("i", "safe limits", "carried"), ("ii", "a review of the cap", "lost"), ("iii", "funding", "carried")],
            ["For 4 (100%), Against 0 (0%): carried", "For 1 (25%), Against 3 (75%): lost"],
            [],
            [
                ("amendment", "ii", "carried", [("For 3 (75%), Against 1 (25%): carried", True),
                                                 ("For 3 (100%), Against 0 (0%), Abstain 1: carried", False)]),
                ("rider", None, "carried", [("For 4 (100%), Against 0 (0%): carried", False)]),
            ],
            [],
        ),
        ("2", "Carried", "That premises be funded.", [], ["For 2, Against 2: carried on the chair's casting vote"],
         [], [], []),
        ("3", "Carried", "That A.", [], [], ["For 3 (100%), Against 0 (0%), Abstain 1: carried"], [], []),
        ("4", "Carried as a reference", "That AR.", [], [], ["For 3 (100%), Against 0 (0%), Abstain 1: carried"],
         [], []),
        ("5", "Carried as a reference", "That pulled.", [], ["For 1 (25%), Against 3 (75%): lost"], [], [],
         ["The proposer accepted it as a reference before the vote."]),
        ("E1", "Carried", "That conference supports flooded practices.", [],
         ["For 3 (75%), Against 1 (25%): carried"], [], [], []),
    ]  # fmt: skip
    assert record == by_hand
    assert [s["section"] for s in body["record"]] == ["Workload", "Emergency motions"]
    assert body["conference"]["name"] == "LMC Conference 2027"
    assert body["counts"] == {"motions": 6, "carried": 3, "carried_as_reference": 2, "carried_in_part": 1}
    m5_record = body["record"][0]["motions"][4]
    assert (m5_record["declared_outcome"], m5_record["status"]) == ("lost", "carried_as_reference")
    assert m5_record["without_debate"] is False and body["record"][0]["motions"][2]["without_debate"] is True
