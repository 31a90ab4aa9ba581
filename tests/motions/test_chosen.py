"""The chosen-motions ballot: pick up to N, the top ones join the chosen section, ties to the chair."""

from __future__ import annotations

import uuid

import pytest

from conference import errors
from conference.errors import Refused
from conference.models import AuditEntry, Representative
from motions.chosen import CHOSEN_SECTION
from motions.models import Motion
from tests import ballots as stored_ballots
from tests.factories import make_conference, make_motion, make_rep, make_staff
from voting import actions, closing
from voting.models import Ballot, Poll
from voting.put import apply_chosen, open_chosen_ballot, standing
from voting.snapshot import my_vote, published_receipts

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor():
    conf = make_conference()
    secretariat = make_staff(conf, role=Representative.Role.SECRETARIAT)
    chair = make_staff(conf)
    grey = [make_motion(conf, number=100 + i, category=Motion.Category.GREY) for i in range(4)]
    make_motion(conf, category=Motion.Category.PRIORITISED)  # not eligible
    return conf, secretariat, chair, grey


def pick(rep, poll, *motions, key=None):
    return actions.cast_vote(rep, poll.pk, tuple(f"m{m.pk}" for m in motions), key or uuid.uuid4())


def test_the_ballot_lists_only_grey_motions_and_is_the_secretariats_to_open(floor):
    conf, secretariat, chair, grey = floor
    with pytest.raises(Refused) as refused:
        open_chosen_ballot(conf, chair, max_choices=2)
    assert refused.value.code == errors.FORBIDDEN
    poll = open_chosen_ballot(conf, secretariat, max_choices=2)
    assert poll.kind == Poll.Kind.PICK and poll.status == Poll.Status.OPEN
    assert [o.motion for o in poll.options.all()] == grey


def test_a_representative_picks_up_to_n_different_motions(floor):
    conf, secretariat, chair, grey = floor
    poll = open_chosen_ballot(conf, secretariat, max_choices=2)
    rep = make_rep(conf)
    assert pick(rep, poll, grey[0], grey[1], grey[2]).code == errors.UNKNOWN_CHOICE  # too many
    assert pick(rep, poll, grey[0], grey[0]).code == errors.UNKNOWN_CHOICE  # the same twice
    assert actions.cast_vote(rep, poll.pk, ("m999999",), uuid.uuid4()).code == errors.UNKNOWN_CHOICE
    key = uuid.uuid4()
    first = pick(rep, poll, grey[1], grey[0], key=key)
    assert first.ok and first.choice == sorted([f"m{grey[0].pk}", f"m{grey[1].pk}"])
    assert pick(rep, poll, grey[1], grey[0], key=key).receipt == first.receipt  # a resend
    assert my_vote(poll, rep)["choice"] == first.choice
    changed = pick(rep, poll, grey[3])  # changeable while open
    assert changed.ok and changed.changed
    assert stored_ballots.only(poll).choice == (f"m{grey[3].pk}",)


def test_the_top_ones_by_count_join_the_chosen_section(floor):
    conf, secretariat, chair, grey = floor
    poll = open_chosen_ballot(conf, secretariat, max_choices=2)
    for motions in [(grey[0], grey[1]), (grey[0], grey[2]), (grey[0], grey[1]), (grey[3],)]:
        assert pick(make_rep(conf), poll, *motions).ok
    closed = closing.close_poll(poll.pk, chair)
    assert {c["key"]: c["count"] for c in closed.result["counts"]} == {
        f"m{grey[0].pk}": 3,
        f"m{grey[1].pk}": 2,
        f"m{grey[2].pk}": 1,
        f"m{grey[3].pk}": 1,
    }
    labels = sorted(label for _, label in published_receipts(poll))
    assert labels[0] == f"{grey[0].number}. {grey[0].title}; {grey[1].number}. {grey[1].title}"
    chosen = apply_chosen(closed, 2, chair)
    assert chosen == [grey[0], grey[1]]
    for motion in chosen:
        motion.refresh_from_db()
        assert motion.category == Motion.Category.CHOSEN and motion.section.title == CHOSEN_SECTION
    assert AuditEntry.objects.filter(action="chosen.applied").count() == 1


def test_a_tie_for_the_last_place_waits_for_the_chair(floor):
    conf, secretariat, chair, grey = floor
    poll = open_chosen_ballot(conf, secretariat, max_choices=1)
    for motion in [grey[0], grey[0], grey[1], grey[2]]:
        pick(make_rep(conf), poll, motion)
    closed = closing.close_poll(poll.pk, chair)
    result = standing(closed, 2)
    assert result.chosen == [grey[0]] and result.tied == [grey[1], grey[2]] and result.open_places == 1
    with pytest.raises(Refused) as refused:
        apply_chosen(closed, 2, chair)
    assert "tie" in refused.value.message
    with pytest.raises(Refused):
        apply_chosen(closed, 2, chair, settle=[grey[3].pk])  # not one of the tied
    assert apply_chosen(closed, 2, chair, settle=[grey[2].pk]) == [grey[0], grey[2]]
    grey[1].refresh_from_db()
    assert grey[1].category == Motion.Category.GREY


def test_a_pick_ballot_stays_secret(floor):
    conf, secretariat, chair, grey = floor
    poll = open_chosen_ballot(conf, secretariat, max_choices=2)
    rep = make_rep(conf, name="Dr Picker")
    pick(rep, poll, grey[0])
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.representative is None and ballot.option is None
    assert "Picker" not in str(published_receipts(poll))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("hall")
async def test_the_ballot_runs_over_websockets_from_the_phone_to_the_chair():
    from channels.db import database_sync_to_async as db

    from tests.ws import connect, receive_until

    conf = await db(make_conference)()
    secretariat = await db(make_staff)(conf, role=Representative.Role.SECRETARIAT)
    chair = await db(make_staff)(conf)
    grey = [await db(make_motion)(conf, category=Motion.Category.GREY) for _ in range(3)]
    rep = await db(make_rep)(conf)
    desk_ws, _ = await connect(conf, secretariat)
    chair_ws, _ = await connect(conf, chair)
    rep_ws, _ = await connect(conf, rep)
    await chair_ws.send_json_to({"type": "open_chosen", "max_choices": 2})
    assert (await receive_until(chair_ws, "error"))["code"] == errors.FORBIDDEN
    await desk_ws.send_json_to({"type": "open_chosen", "max_choices": 2})
    poll_id = (await receive_until(desk_ws, "ok", of="open_chosen"))["poll_id"]
    opened = await receive_until(rep_ws, "poll.opened")
    assert opened["poll"]["kind"] == "pick" and opened["poll"]["max_choices"] == 2
    keys = [o["key"] for o in opened["poll"]["options"]][:2]
    await rep_ws.send_json_to({"type": "vote", "poll": poll_id, "choice": keys, "key": str(uuid.uuid4())})
    assert sorted((await receive_until(rep_ws, "vote.accepted"))["choice"]) == sorted(keys)
    await chair_ws.send_json_to({"type": "close", "poll": poll_id})
    await receive_until(chair_ws, "ok", of="close")
    await chair_ws.send_json_to({"type": "apply_chosen", "poll": poll_id, "places": 2})
    applied = await receive_until(chair_ws, "ok", of="apply_chosen")
    assert applied["chosen"] == [grey[0].pk, grey[1].pk]
    for ws in (desk_ws, chair_ws, rep_ws):
        await ws.disconnect()


def test_closing_keeps_every_pick_and_writes_them_in_a_new_order(floor):
    conf, secretariat, chair, grey = floor
    poll = open_chosen_ballot(conf, secretariat, max_choices=2)
    for motions in [(grey[0], grey[1]), (grey[2],), (grey[1], grey[3])]:
        pick(make_rep(conf), poll, *motions)
    closed = closing.close_poll(poll.pk, chair)
    assert sum(c["count"] for c in closed.result["counts"]) == 5
    assert Ballot.picks.through.objects.filter(ballot__poll=poll).count() == 5


def test_the_ballots_percentages_are_of_the_people_who_voted_not_of_the_picks(floor):
    conf, secretariat, chair, grey = floor
    poll = open_chosen_ballot(conf, secretariat, max_choices=2)
    for motions in [(grey[0], grey[1]), (grey[0], grey[2]), (grey[0], grey[1]), (grey[3],)]:
        assert pick(make_rep(conf), poll, *motions).ok
    closed = closing.close_poll(poll.pk, chair)
    shares = {c["key"]: (c["percent"], c["percent_of"]) for c in closed.result["counts"]}
    # Four people voted, seven picks: 3 of 4 people chose grey[0], i.e. 75%, not 3/7.
    assert shares[f"m{grey[0].pk}"] == (75.0, "those who voted")
    assert shares[f"m{grey[3].pk}"] == (25.0, "those who voted")
    assert closed.result["total"] == 4
