"""Statuses: the secretariat sets them with a reason and a link; each change is audited; outsiders are refused."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from conference.errors import Refused
from conference.models import AuditEntry, Representative
from policy import actions
from policy.models import PolicyEntry, StatusChange
from tests.factories import make_conference, make_rep, make_staff
from tests.policy.conftest import keeper, make_body, make_entry, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(book):
    """A 2021 entry and a 2026 one of the same body."""
    conference, body, secretariat = book
    old = make_entry(body, year=2021, title="Seniority pay", wording="That seniority payments be restored.")
    new = make_entry(body, year=2026, title="Restore seniority pay", conference=conference)
    return old, new, secretariat


def test_superseding_names_the_later_entry_writes_the_history_and_the_audit(pair):
    old, new, secretariat = pair

    actions.set_status(old, "superseded", new, actor=secretariat, reason="Motion 17 of 2026 replaces it.")

    old.refresh_from_db()
    assert (old.status, old.superseded_by) == ("superseded", new)
    change = StatusChange.objects.get(entry=old)
    assert (change.previous, change.status, change.link, change.reason) == (
        "policy", "superseded", new, "Motion 17 of 2026 replaces it.",
    )  # fmt: skip
    assert change.actor_label == f"{secretariat.name} (Secretariat)"
    audit = AuditEntry.objects.get(action="policy.status")
    assert (audit.conference_id, audit.actor, audit.target) == (secretariat.conference_id, secretariat, old.reference)
    assert audit.details == {
        "previous": "policy", "status": "superseded", "link": new.reference, "reason": "Motion 17 of 2026 replaces it.",
    }  # fmt: skip


def test_rescinding_and_back_to_policy_clears_the_supersession(pair):
    old, new, secretariat = pair
    actions.set_status(old, "superseded", new, actor=secretariat, reason="Replaced.")
    actions.set_status(old, "policy", actor=secretariat, reason="Recorded in error.")
    actions.set_status(old, "rescinded", actor=secretariat, reason="Rescinded by motion 30.")

    old.refresh_from_db()
    assert (old.status, old.superseded_by) == ("rescinded", None)
    assert list(old.status_history.values_list("status", flat=True)) == ["superseded", "policy", "rescinded"]
    assert AuditEntry.objects.filter(action="policy.status").count() == 3


def test_the_same_status_again_is_no_change(pair):
    old, new, secretariat = pair
    actions.set_status(old, "rescinded", actor=secretariat, reason="Rescinded.")
    actions.set_status(old, "rescinded", actor=secretariat, reason="Rescinded again.")
    assert StatusChange.objects.filter(entry=old).count() == 1


def test_reaffirming_keeps_it_policy_links_the_later_entry_and_restarts_the_lapse_clock(pair):
    old, new, secretariat = pair

    actions.reaffirm(old, new, actor=secretariat)

    old.refresh_from_db()
    assert (old.status, old.reaffirmed_by, old.last_affirmed) == ("reaffirmed", new, new.date)
    assert old.in_force
    assert old.lapses_on() == datetime.date(2031, 11, 13)
    assert StatusChange.objects.get(entry=old).reason == f"Reaffirmed by {new.reference}."
    assert list(new.reaffirms.all()) == [old]


def test_reaffirming_a_lapsed_entry_revives_it(pair):
    old, new, secretariat = pair
    actions.apply_lapse(datetime.date(2027, 1, 1))
    old.refresh_from_db()
    assert old.status == "lapsed"

    actions.set_status(old, "reaffirmed", new, actor=secretariat, reason="Restated by motion 17.")

    old.refresh_from_db()
    assert old.status == "reaffirmed" and old.reaffirmed_by == new


@pytest.mark.parametrize("status", ["superseded", "rescinded"])
def test_a_superseded_or_rescinded_entry_cannot_be_reaffirmed(pair, status):
    old, new, secretariat = pair
    other = make_entry(old.body, year=2024)
    actions.set_status(old, status, other if status == "superseded" else None, actor=secretariat, reason="Gone.")
    with pytest.raises(Refused) as refused:
        actions.reaffirm(old, new, actor=secretariat)
    assert refused.value.code == "not_in_force"


def test_the_links_must_name_a_later_entry_of_the_same_body(pair):
    old, new, secretariat = pair
    other_body = make_entry(make_body("UK"), year=2026)
    cases = [
        ("superseded", None, "link_required"),
        ("superseded", old, "link_self"),
        ("superseded", other_body, "link_body"),
        ("rescinded", new, "no_link"),
        ("bogus", None, "bad_status"),
    ]
    for status, link, code in cases:
        with pytest.raises(Refused) as refused:
            actions.set_status(old, status, link, actor=secretariat, reason="Why not.")
        assert refused.value.code == code, (status, code)
    with pytest.raises(Refused) as refused:
        actions.set_status(new, "superseded", old, actor=secretariat, reason="Backwards.")
    assert refused.value.code == "link_earlier"
    assert not StatusChange.objects.exists()


def test_a_change_needs_a_reason(pair):
    old, _new, secretariat = pair
    with pytest.raises(Refused) as refused:
        actions.set_status(old, "rescinded", actor=secretariat, reason="   ")
    assert refused.value.code == "reason_required"


def test_an_outsider_cannot_change_a_status(pair):
    old, new, secretariat = pair
    conference = secretariat.conference
    inactive = make_staff(conference, role=Representative.Role.SECRETARIAT, is_active=False)
    outsiders = [
        None,
        make_rep(conference),  # a representative of the very conference
        make_staff(conference, role=Representative.Role.CHAIR),
        keeper(make_conference()),  # the secretariat of a conference of another body
        inactive,
    ]
    for actor in outsiders:
        for change in (
            lambda a: actions.set_status(old, "rescinded", actor=a, reason="No."),
            lambda a: actions.reaffirm(old, new, actor=a),
        ):
            with pytest.raises(Refused) as refused:
                change(actor)
            assert refused.value.code == "forbidden"
    old.refresh_from_db()
    assert old.status == "policy"
    assert not StatusChange.objects.exists() and not AuditEntry.objects.filter(action="policy.status").exists()


# --- The form on the entry's page --------------------------------------------------------


def _post(client: Client, entry: PolicyEntry, **data: str):
    return client.post(reverse("policy-status", kwargs={"reference": entry.reference}), data)


def test_the_secretariat_changes_a_status_from_the_entrys_page(pair):
    old, new, secretariat = pair
    client = signed_in(secretariat)
    page = client.get(old.get_absolute_url())
    assert b'id="policy-status-form"' in page.content

    response = _post(client, old, status="superseded", link=new.reference, reason="Motion 17 replaces it.")

    assert response.status_code == 302 and response["Location"] == old.get_absolute_url()
    old.refresh_from_db()
    assert (old.status, old.superseded_by) == ("superseded", new)
    page = client.get(old.get_absolute_url())
    assert b"Motion 17 replaces it." in page.content


def test_the_page_reports_a_refused_change_and_changes_nothing(pair):
    old, _new, secretariat = pair
    client = signed_in(secretariat)
    response = _post(client, old, status="superseded", link="2099/ENG/1", reason="Nope.")
    assert response.status_code == 400 and b"No entry 2099/ENG/1 in the book." in response.content
    response = _post(client, old, status="rescinded", reason="")
    assert response.status_code == 400 and b'data-testid="error"' in response.content
    old.refresh_from_db()
    assert old.status == "policy"


def test_outsiders_are_refused_by_the_page_and_never_see_the_form(pair):
    old, _new, secretariat = pair
    conference = secretariat.conference
    clients = [
        Client(),
        signed_in(make_staff(conference, role=Representative.Role.CHAIR)),
        signed_in(keeper(make_conference())),
    ]
    for client in clients:
        assert b'id="policy-status-form"' not in client.get(old.get_absolute_url()).content
        assert _post(client, old, status="rescinded", reason="Let me.").status_code == 403
    old.refresh_from_db()
    assert old.status == "policy"
    assert Client().get(reverse("policy-status", kwargs={"reference": old.reference})).status_code == 405
