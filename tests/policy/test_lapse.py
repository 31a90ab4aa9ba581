"""The lapse rule: N years after an entry was last carried or reaffirmed; lapsed entries stay searchable."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from conference.models import AuditEntry
from policy import actions
from policy.search import search
from tests.policy.conftest import make_body, make_entry

pytestmark = pytest.mark.django_db


def test_entries_lapse_the_given_years_after_they_were_last_carried_or_reaffirmed(book):
    conference, body, secretariat = book
    old = make_entry(body, year=2020, date=datetime.date(2020, 11, 5), title="Premises costs")
    restated = make_entry(body, year=2020, date=datetime.date(2020, 11, 5), title="Indemnity for all")
    later = make_entry(body, year=2024, date=datetime.date(2024, 11, 7), title="Indemnity, again")
    actions.reaffirm(restated, later, actor=secretariat)
    no_rule = make_entry(make_body("UK"), year=2001, title="Ancient policy")

    assert actions.apply_lapse(datetime.date(2025, 11, 4)) == []
    assert actions.apply_lapse(datetime.date(2025, 11, 5)) == [old.reference]

    old.refresh_from_db()
    restated.refresh_from_db()
    no_rule.refresh_from_db()
    assert (old.status, restated.status, no_rule.status) == ("lapsed", "reaffirmed", "policy")
    change = old.status_history.get()
    assert change.actor_label == "system" and "5 years" in change.reason and "2020-11-05" in change.reason
    audit = AuditEntry.objects.get(action="policy.status", target=old.reference)
    assert audit.conference == conference and audit.actor is None
    assert actions.apply_lapse(datetime.date(2025, 11, 5)) == []  # already lapsed: nothing to do


def test_an_entry_known_only_by_its_year_lapses_from_the_end_of_that_year(book):
    _, body, _ = book
    entry = make_entry(body, year=2019, date=None)
    assert actions.apply_lapse(datetime.date(2024, 12, 30)) == []
    assert actions.apply_lapse(datetime.date(2024, 12, 31)) == [entry.reference]


def test_a_lapsed_entry_is_still_found_and_says_so(client, book):
    _, body, _ = book
    entry = make_entry(body, year=2015, title="Practice boundaries", wording="That practice boundaries be kept.")
    actions.apply_lapse(datetime.date(2026, 1, 1))

    hits = search("boundaries").hits
    assert [h.entry.reference for h in hits] == [entry.reference] and hits[0].entry.status == "lapsed"
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Lapsed: no longer policy" in page
    results = client.get("/policy/?q=boundaries").content.decode()  # the public results say so too
    assert 'data-status="lapsed"' in results and ">Lapsed<" in results


def test_the_command_applies_the_rule_as_on_a_day(book, capsys):
    _, body, _ = book
    entry = make_entry(body, year=2010)
    call_command("policy_lapse", "--date", "2016-01-01", "--body", "ENG")
    assert f"lapsed {entry.reference}" in capsys.readouterr().out
