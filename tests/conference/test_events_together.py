"""A transaction's consecutive events for one audience leave in one message (conference.events)."""

from __future__ import annotations

import pytest
from django.db import transaction

from conference import events

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(monkeypatch):
    messages: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(
        events,
        "send_together",
        lambda c, together, audience: messages.append((audience, [e["type"] for e in together])),
    )
    return messages


def test_consecutive_events_for_one_audience_go_together_and_in_order(sent):
    with transaction.atomic():
        events.send_on_commit(1, {"type": "result.published"})
        events.send_on_commit(1, {"type": "motion.updated"})
        events.send_on_commit(1, {"type": "poll.result"}, "staff")
        events.send_on_commit(1, {"type": "agenda.changed"})
        assert sent == []  # never before the commit
    assert sent == [
        ("all", ["result.published", "motion.updated"]),
        ("staff", ["poll.result"]),
        ("all", ["agenda.changed"]),  # after the staff event, as it was queued
    ]


def test_another_hook_between_two_events_keeps_them_apart(sent):
    order: list[str] = []
    with transaction.atomic():
        events.send_on_commit(1, {"type": "a"})
        transaction.on_commit(lambda: order.append(f"hook after {len(sent)} message(s)"))
        events.send_on_commit(1, {"type": "b"})
    assert sent == [("all", ["a"]), ("all", ["b"])] and order == ["hook after 1 message(s)"]


def test_an_event_in_a_rolled_back_savepoint_is_not_sent_with_the_one_before(sent):
    with transaction.atomic():
        events.send_on_commit(1, {"type": "kept"})
        try:
            with transaction.atomic():
                events.send_on_commit(1, {"type": "rolled back"})
                raise RuntimeError
        except RuntimeError:
            pass
        events.send_on_commit(1, {"type": "kept too"})
    # The rolled-back event had a hook of its own (another savepoint), gone with it.
    assert [types for _, types in sent] == [["kept", "kept too"]]


def test_another_conference_is_another_message(sent):
    with transaction.atomic():
        events.send_on_commit(1, {"type": "one"})
        events.send_on_commit(2, {"type": "two"})
    assert sent == [("all", ["one"]), ("all", ["two"])]
