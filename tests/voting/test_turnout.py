"""Turnout says what it is of: who voted, of those present, and of those registered."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import make_conference, make_motion, make_rep, make_staff
from voting import actions, put
from voting.turnout import count_turnout

pytestmark = pytest.mark.django_db


def test_turnout_counts_voted_of_present_and_of_registered():
    conf = make_conference(require_check_in=True)
    chair = make_staff(conf)
    present = [make_rep(conf, checked_in=True) for _ in range(3)]
    make_rep(conf)  # registered, not checked in
    make_rep(conf, is_active=False)  # withdrawn: not registered any more
    poll = put.put_motion(make_motion(conf), None, chair)
    actions.cast_vote(present[0], poll.pk, "for", uuid.uuid4())
    turnout = count_turnout(poll.pk)
    assert turnout is not None
    assert (turnout["voted"], turnout["present"], turnout["registered"]) == (1, 3, 4)


def test_present_is_checked_in_or_connected_or_has_voted(settings):
    """Issue 14: "present" is checked in or connected (conference.presence), whether or not
    the conference checks people in; a vote over HTTP without a socket counts its voter."""
    from conference import presence

    conf = make_conference(require_check_in=False)
    chair = make_staff(conf)
    checked_in = make_rep(conf, checked_in=True)
    connected = make_rep(conf)
    http_voter = make_rep(conf)
    make_rep(conf)  # registered, neither here nor connected
    make_staff(conf, role="secretariat")  # staff are never counted
    presence._write({(conf.pk, connected.pk), (conf.pk, chair.pk)}, set())
    poll = put.put_motion(make_motion(conf), None, chair)
    turnout = count_turnout(poll.pk)
    assert (turnout["voted"], turnout["present"], turnout["registered"]) == (0, 2, 4)
    actions.cast_vote(http_voter, poll.pk, "for", uuid.uuid4())
    turnout = count_turnout(poll.pk)
    assert (turnout["voted"], turnout["present"], turnout["registered"]) == (1, 3, 4)
    presence._write(set(), {(conf.pk, connected.pk)})
    assert count_turnout(poll.pk)["present"] == 2
    assert checked_in.pk not in presence.connected(conf.pk, [checked_in.pk])


def test_the_open_sends_poll_opened_before_the_turnout_is_counted(monkeypatch, django_capture_on_commit_callbacks):
    """The turnout count (a read of the whole roll: 50 ms at 5,000) is made after the
    open's commit, after poll.opened has left, never inside the open's transaction where
    it held back poll.opened (bench/README.md)."""
    from conference import events as conference_events
    from voting import turnout

    conf = make_conference()
    chair = make_staff(conf)
    make_rep(conf)
    poll = put.create_motion_poll(make_motion(conf))
    happened: list[str] = []
    counted = turnout.count_turnout

    def count(poll_id):
        happened.append("counted")
        return counted(poll_id)

    def sent(conference_id, event, audience):
        happened.append(event["type"])

    def sent_together(conference_id, together, audience):
        happened.extend(e["type"] for e in together)

    monkeypatch.setattr(turnout, "count_turnout", count)
    monkeypatch.setattr(turnout, "send_now", sent)
    monkeypatch.setattr(conference_events, "send_together", sent_together)
    with django_capture_on_commit_callbacks(execute=False) as hooks:
        actions.open_poll(poll, chair)
    assert "counted" not in happened  # nothing counted inside the transaction
    for hook in hooks:
        hook()
    assert happened[happened.index("poll.opened") :] == ["poll.opened", "counted", "turnout"]


def test_present_is_the_union_of_every_processs_entry_and_a_dead_process_stops_counting(settings):
    """conference.presence keeps one entry per process (holder) per conference: a
    representative connected through two processes stays present when one lets go, and
    the entry of a process that died stops counting after PRESENCE_SECONDS and is swept."""
    import time

    from conference import presence

    conf = make_conference(require_check_in=True)
    chair = make_staff(conf)
    a, b, both = make_rep(conf), make_rep(conf), make_rep(conf)
    left_the_roll = make_rep(conf)
    poll = put.put_motion(make_motion(conf), None, chair)
    presence._write({(conf.pk, a.pk), (conf.pk, both.pk), (conf.pk, left_the_roll.pk)}, set(), holder="one")
    presence._write({(conf.pk, b.pk), (conf.pk, both.pk)}, set(), holder="two")
    left_the_roll.is_active = False
    left_the_roll.save()
    assert presence.connected_ids(conf.pk) == {a.pk, b.pk, both.pk, left_the_roll.pk}
    turnout = count_turnout(poll.pk)
    assert turnout is not None and (turnout["present"], turnout["registered"]) == (3, 3)  # not the one off the roll

    presence._write(set(), {(conf.pk, both.pk)}, holder="one")  # one process lets go: the other holds them
    assert presence.connected_ids(conf.pk) == {a.pk, b.pk, both.pk, left_the_roll.pk}

    # Process "two" dies: its entry is not refreshed and, older than PRESENCE_SECONDS, stops counting.
    stale = presence._STAMP.pack(time.time() - settings.PRESENCE_SECONDS - 1) + presence._pack([b.pk, both.pk])[8:]
    presence.ENTRIES.put(conf.pk, "two", stale)
    assert presence.connected_ids(conf.pk) == {a.pk, left_the_roll.pk}
    assert "two" not in presence.ENTRIES.all(conf.pk)  # swept by the reader
    turnout = count_turnout(poll.pk)
    assert turnout is not None and (turnout["voted"], turnout["present"]) == (0, 1)


def test_present_counts_thousands_connected_in_one_entry():
    """The count takes every connected id at once (one array on PostgreSQL), whatever the hall's size."""
    from conference import presence
    from conference.models import LMC, Representative

    conf = make_conference(require_check_in=False)
    chair = make_staff(conf)
    lmc = LMC.objects.create(conference=conf, name="Big LMC", seats=3000)
    Representative.objects.bulk_create(Representative(conference=conf, lmc=lmc, name=f"Dr {i}") for i in range(3000))
    ids = list(Representative.objects.filter(conference=conf, lmc=lmc).values_list("pk", flat=True))
    presence._write({(conf.pk, pk) for pk in ids[:2000]}, set(), holder="one")
    presence._write({(conf.pk, pk) for pk in ids[1500:2500]}, set(), holder="two")
    poll = put.put_motion(make_motion(conf), None, chair)
    for pk in ids[2900:]:  # voted over HTTP, no socket
        assert actions.cast_vote(Representative.objects.get(pk=pk), poll.pk, "for", uuid.uuid4()).ok
    turnout = count_turnout(poll.pk)
    assert turnout is not None
    assert (turnout["voted"], turnout["present"], turnout["registered"]) == (100, 2600, 3000)


def test_sweeping_a_stale_entry_spares_one_its_process_wrote_again_meanwhile(settings):
    """A reader sweeps the entry it found stale only if it still holds what it read: a
    process that wrote again in between (it was slow, not dead) keeps its fresh entry."""
    import time

    from conference import presence

    conf = make_conference()
    rep = make_rep(conf)
    stale = presence._STAMP.pack(time.time() - settings.PRESENCE_SECONDS - 1) + presence._pack([rep.pk])[8:]
    presence.ENTRIES.put(conf.pk, "slow", stale)
    fresh = presence._pack([rep.pk])
    presence.ENTRIES.put(conf.pk, "slow", fresh)  # written again after the reader read ``stale``
    presence.ENTRIES.drop_stale(conf.pk, {"slow": stale})
    assert presence.ENTRIES.all(conf.pk) == {"slow": fresh}
    presence.ENTRIES.drop_stale(conf.pk, {"slow": fresh})  # unchanged since read: swept
    assert presence.ENTRIES.all(conf.pk) == {}
