"""The secretariat sets its body's lapse rule on the desk's Existing policy page (issue 16: a
setting per body, not only in the admin): audited, applied at once, lapsed entries still found
and saying so; a bad rule is refused plainly; the chair and an outsider cannot set it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conference.errors import Refused
from conference.models import AuditEntry, Representative
from policy import actions
from policy.models import PolicyBody
from policy.search import search
from tests.desk.conftest import staff_client
from tests.factories import make_conference, make_staff
from tests.policy.conftest import make_body, make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(desk):
    conf, secretariat, client = desk
    body = make_body("ENG", conf)
    old = make_entry(body, year=2015, date=datetime.date(2015, 11, 5), title="Seniority payments")
    recent = make_entry(body, year=2024, date=datetime.date(2024, 11, 5), title="Premises leases")
    return conf, secretariat, client, body, old, recent


def post(client, conf, years: str):
    return client.post(reverse("desk-policy-lapse-rule", args=[conf.slug]), {"lapse_years": years}, follow=True)


def test_the_secretariat_sets_the_lapse_rule_it_is_audited_and_applied_at_once(book):
    conf, secretariat, client, body, old, recent = book
    page = client.get(reverse("desk-policy", args=[conf.slug])).content.decode()
    assert 'data-testid="lapse-rule"' in page and "Policy does not lapse." in page
    response = post(client, conf, "5")
    body.refresh_from_db()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert body.lapse_years == 5 and (old.status, recent.status) == ("lapsed", "policy")
    assert "Lapsed now: 1." in response.content.decode()
    assert "Policy lapses 5 years after" in response.content.decode()
    logged = AuditEntry.objects.get(conference=conf, action="policy.lapse_rule")
    assert logged.actor_id == secretariat.pk and logged.details == {"before": None, "after": 5}
    hits = search("seniority").hits
    assert [h.entry.reference for h in hits] == [old.reference] and hits[0].entry.status == "lapsed"
    assert "Lapsed" in client.get(old.get_absolute_url()).content.decode()
    post(client, conf, "")  # never: the rule goes, entries already lapsed stay so
    body.refresh_from_db()
    old.refresh_from_db()
    assert body.lapse_years is None and old.status == "lapsed"
    assert AuditEntry.objects.filter(conference=conf, action="policy.lapse_rule").count() == 2


@pytest.mark.parametrize("bad", ["five", "0", "-3", "51", "2.5"])
def test_a_bad_lapse_rule_is_refused_plainly_and_nothing_changes(book, bad):
    conf, _, client, body, old, _ = book
    response = post(client, conf, bad)
    assert "whole number of years from 1 to 50" in response.content.decode()
    body.refresh_from_db()
    old.refresh_from_db()
    assert body.lapse_years is None and old.status == "policy"
    assert not AuditEntry.objects.filter(action="policy.lapse_rule").exists()


def test_the_chair_and_another_bodys_secretariat_cannot_set_the_lapse_rule(book):
    conf, _, _, body, _, _ = book
    chair = make_staff(conf)
    assert post(staff_client(chair), conf, "5").status_code in (403, 404)
    other = make_conference()
    stranger = make_staff(other, role=Representative.Role.SECRETARIAT)
    with pytest.raises(Refused):
        actions.set_lapse_rule(body, 5, actor=stranger)
    assert PolicyBody.objects.get(pk=body.pk).lapse_years is None


def test_a_conference_that_makes_no_bodys_policy_is_told_so(desk):
    conf, _, client = desk
    response = post(client, conf, "5")
    assert "makes no body" in response.content.decode() and "no lapse rule to set" in response.content.decode()
