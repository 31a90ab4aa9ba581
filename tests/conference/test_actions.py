"""The audit log, and reissuing a code."""

from __future__ import annotations

import uuid

import pytest
from channels.db import database_sync_to_async as db

from conference.actions import reissue_code
from conference.models import AuditEntry
from motions.agenda import call_motion
from tests.factories import issue_code, make_conference, make_motion, make_rep, make_staff
from tests.ws import connect, refusal
from voting import actions, closing, put, results


@pytest.mark.django_db
def test_each_chair_action_writes_an_audit_entry_and_none_reveals_a_secret_vote():
    conf = make_conference()
    chair = make_staff(conf)
    motion = make_motion(conf)
    call_motion(conf, motion, chair)
    poll = actions.open_poll(put.create_motion_poll(motion), chair)
    rep = make_rep(conf, name="Dr Secret Voter")
    code = issue_code(rep)
    actions.cast_vote(rep, poll.pk, "against", uuid.uuid4())
    closing.close_poll(poll.pk, chair)
    results.publish_result(poll, chair)
    entries = list(AuditEntry.objects.filter(conference=conf).exclude(action="codes.issued"))
    assert [e.action for e in entries] == [
        "item.called",
        "poll.opened",
        "poll.closed",
        "result.published",
        "motion.outcome",
    ]
    assert all(e.actor == chair for e in entries)
    log = " ".join(f"{e.actor_label} {e.target} {e.details}" for e in entries)
    assert "Secret Voter" not in log
    everything = " ".join(f"{e.actor_label} {e.target} {e.details}" for e in AuditEntry.objects.all())
    assert code not in everything


@pytest.mark.django_db
def test_audit_entries_cannot_be_changed_or_deleted():
    conf = make_conference()
    call_motion(conf, make_motion(conf), None)
    entry = AuditEntry.objects.get()
    entry.action = "forged"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("hall")
async def test_reissuing_a_code_stops_the_old_one_and_closes_its_socket():
    conf = await db(make_conference)()
    rep = await db(make_rep)(conf)
    secretariat = await db(make_staff)(conf, role="secretariat")
    old_code = await db(issue_code)(rep)
    ws, _ = await connect(conf, rep)
    new_code = await db(reissue_code)(rep, secretariat)
    assert new_code != old_code
    closed = await ws.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4001}
    assert await db(lambda: AuditEntry.objects.filter(action="code.reissued").count())() == 1
    # The session made with the old code no longer opens a socket.
    from channels.testing import WebsocketCommunicator

    from conference.asgi import application

    again = WebsocketCommunicator(application, f"/ws/c/{conf.slug}/", headers=ws.scope["headers"])
    assert await refusal(again) == 4401
