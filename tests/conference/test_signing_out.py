"""Signing out, deactivation and a change of role reach the open sockets at once.

Each closes the person's sockets with RECHECK (4002): the page reconnects, and the door
admits it afresh with its new rights, or refuses it (4401, final).
"""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async as db
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.forms.models import model_to_dict
from django.test import Client

from conference.asgi import application
from conference.models import Representative
from desk import actions as desk_actions
from desk import imports
from tests.factories import make_conference, make_lmc, make_motion, make_rep, make_staff
from tests.ws import connect, receive_until, refusal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hall")]

RECHECK = 4002


async def closed_with(ws: WebsocketCommunicator) -> int:
    """The code the socket is closed with (events broadcast just before may come first)."""
    while (output := await ws.receive_output(timeout=5))["type"] == "websocket.send":
        pass
    assert output["type"] == "websocket.close", output
    return output["code"]


def again(ws: WebsocketCommunicator) -> WebsocketCommunicator:
    """The same page reconnecting: same address, same cookie."""
    return WebsocketCommunicator(application, ws.scope["path"], headers=ws.scope["headers"])


def client_for(ws: WebsocketCommunicator) -> Client:
    """A browser with the socket's session cookie."""
    client = Client()
    cookie = dict(ws.scope["headers"])[b"cookie"].decode()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie.split("=", 1)[1]
    return client


def admin_client() -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-not-used-1234"))
    return client


def admin_change(client: Client, rep: Representative, **changes) -> None:
    rep.refresh_from_db()
    data = {k: v for k, v in model_to_dict(rep).items() if v is not None}
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not False}  # an unticked box is not sent
    response = client.post(f"/admin/conference/representative/{rep.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
async def hall_floor():
    conf = await db(make_conference)()
    return conf, await db(make_rep)(conf), await db(make_staff)(conf), await db(make_motion)(conf)


async def test_a_representative_who_signs_out_has_its_sockets_closed_and_refused(hall_floor):
    conf, rep, _, _ = hall_floor
    phone, _ = await connect(conf, rep)
    other_phone, _ = await connect(conf, rep)  # the same code on a second phone, still signed in
    response = await db(client_for(phone).post)(f"/c/{conf.slug}/leave/")
    assert response.status_code == 302
    assert await closed_with(phone) == RECHECK
    assert await closed_with(other_phone) == RECHECK
    assert await refusal(again(phone)) == 4401
    back = again(other_phone)
    assert (await back.connect())[0] and (await back.receive_json_from(timeout=5))["type"] == "snapshot"
    await back.disconnect()


async def test_staff_who_log_out_have_the_console_closed_and_refused(hall_floor):
    conf, _, chair, motion = hall_floor
    console, _ = await connect(conf, chair)
    response = await db(client_for(console).post)("/logout/")
    assert response.status_code == 302
    assert await closed_with(console) == RECHECK
    assert await refusal(again(console)) == 4401


async def test_a_new_staff_password_ends_the_console_made_with_the_old_one(hall_floor):
    conf, _, chair, _ = hall_floor
    console, _ = await connect(conf, chair)

    def change_password() -> None:
        chair.user.set_password("another-pass-5678")
        chair.user.save()

    await db(change_password)()
    assert await closed_with(console) == RECHECK
    assert await refusal(again(console)) == 4401


async def test_a_representative_deactivated_in_the_admin_is_closed_and_refused(hall_floor):
    conf, rep, _, _ = hall_floor
    phone, _ = await connect(conf, rep)
    await db(lambda: admin_change(admin_client(), rep, is_active=False))()
    assert await closed_with(phone) == RECHECK
    assert await refusal(again(phone)) == 4401


async def test_a_staff_user_deactivated_in_the_admin_is_closed_and_refused(hall_floor):
    conf, _, chair, _ = hall_floor
    console, _ = await connect(conf, chair)

    def deactivate() -> None:
        chair.user.is_active = False
        chair.user.save()

    await db(deactivate)()
    assert await closed_with(console) == RECHECK
    assert await refusal(again(console)) == 4401


async def test_a_deputy_chair_demoted_in_the_admin_can_no_longer_call_items_on_an_open_console(hall_floor):
    conf, _, deputy, motion = hall_floor
    console, _ = await connect(conf, deputy)
    await console.send_json_to({"type": "call", "motion": motion.pk})
    assert (await receive_until(console, "ok"))["of"] == "call"
    await db(lambda: admin_change(admin_client(), deputy, role=Representative.Role.OBSERVER))()
    assert await closed_with(console) == RECHECK
    back = again(console)
    assert (await back.connect())[0]
    assert (await back.receive_json_from(timeout=5))["type"] == "snapshot"
    await back.send_json_to({"type": "call", "motion": motion.pk})
    assert (await receive_until(back, "error"))["code"] == "forbidden"
    await back.disconnect()


async def test_an_unrelated_admin_edit_leaves_the_sockets_open(hall_floor):
    conf, rep, _, _ = hall_floor
    phone, _ = await connect(conf, rep)
    await db(lambda: admin_change(admin_client(), rep, email="new@example.org"))()
    assert await phone.receive_nothing(timeout=0.5)
    await phone.send_json_to({"type": "ping"})
    assert (await receive_until(phone, "pong"))["type"] == "pong"
    await phone.disconnect()


async def test_a_role_changed_by_a_desk_import_reaches_the_open_socket(hall_floor):
    conf, _, _, _ = hall_floor
    lmc = await db(make_lmc)(conf, name="Avon LMC")
    rep = await db(make_rep)(conf, lmc, name="Dr Ann Avon")
    phone, snapshot = await connect(conf, rep)
    assert snapshot["me"]["can_vote"] is True

    def load() -> None:
        text = "name,lmc,email,role,active\nDr Ann Avon,Avon LMC,,observer,yes\n"
        report = imports.check_file(conf, "representatives", "reps.csv", text.encode())
        assert report.ok, report.problems
        desk_actions.apply_import(conf, report, None, "reps.csv")

    await db(load)()
    assert await closed_with(phone) == RECHECK
    back = again(phone)
    assert (await back.connect())[0]
    assert (await back.receive_json_from(timeout=5))["me"]["can_vote"] is False
    await back.disconnect()
