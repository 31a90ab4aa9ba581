"""The desk's lists (issue 14): registration searchable and filtered by LMC and status,
paged, each person one aligned row; the audit log as sentences, paged, filtered by who,
kind and time, and exported as formula-safe CSV; the record with its times and counts."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conference.actions import audit
from conference.models import AuditEntry
from desk import actions
from desk.audit_log import sentence
from tests.desk.conftest import decide, staff_client
from tests.factories import issue_code, make_lmc, make_motion, make_rep, make_staff

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    page = response.content.decode()
    return [row.split('<th scope="row">', 1)[1].split("<", 1)[0] for row in page.split("<tr data-rep=")[1:]]


def test_registration_is_searched_and_filtered_by_lmc_and_status(desk):
    conf, secretariat, client = desk
    avon, kent = make_lmc(conf, name="Avon LMC"), make_lmc(conf, name="Kent LMC")
    ann = make_rep(conf, lmc=avon, name="Dr Ann Avon", checked_in=True, email="ann@avon.example")
    make_rep(conf, lmc=avon, name="Dr Bob Avon", email="bob@avon.example")
    kay = make_rep(conf, lmc=kent, name="Dr Kay Kent", email="")
    deputy = make_rep(conf, lmc=avon, name="Dr Dee Deputy", is_active=False, email="dee@avon.example")
    for rep in (ann, kay):
        issue_code(rep)
    url = reverse("desk-people", args=[conf.slug])
    assert names(client.get(url, {"q": "kay"})) == ["Dr Kay Kent"]
    assert names(client.get(url, {"lmc": avon.pk})) == ["Dr Ann Avon", "Dr Bob Avon", "Dr Dee Deputy"]
    assert names(client.get(url, {"status": "checked_in"})) == ["Dr Ann Avon"]
    assert names(client.get(url, {"status": "not_checked_in", "lmc": avon.pk})) == ["Dr Bob Avon"]
    assert names(client.get(url, {"status": "deputy"})) == ["Dr Dee Deputy"]
    assert names(client.get(url, {"status": "no_email"})) == ["Dr Kay Kent"]
    assert names(client.get(url, {"status": "no_code"})) == ["Dr Bob Avon", "Dr Dee Deputy"]
    actions.seat_deputy(ann, deputy, secretariat)
    assert names(client.get(url, {"status": "sitting"})) == ["Dr Dee Deputy"]
    assert names(client.get(url, {"status": "away"})) == ["Dr Ann Avon"]


def test_registration_is_paged_and_an_action_returns_to_the_same_list(desk):
    conf, _, client = desk
    lmc = make_lmc(conf, name="Big LMC")
    reps = [make_rep(conf, lmc=lmc, name=f"Dr {i:03d}") for i in range(60)]
    url = reverse("desk-people", args=[conf.slug])
    first, second = client.get(url, {"lmc": lmc.pk}), client.get(url, {"lmc": lmc.pk, "page": 2})
    assert len(names(first)) == 50 and len(names(second)) == 10
    assert "Page 1 of 2" in first.content.decode() and f"lmc={lmc.pk}&amp;page=2" in first.content.decode()
    back = f"lmc={lmc.pk}&page=2"
    check_in = reverse("desk-check-in", args=[conf.slug, reps[55].pk])
    response = client.post(check_in, {"present": "1", "back": back})
    assert response.status_code == 302 and response["Location"] == f"{url}?{back}"
    # Only the list's own fields go back into the address.
    response = client.post(check_in, {"present": "0", "back": "page=2&next=https://evil.example/"})
    assert response["Location"] == f"{url}?page=2"


def test_the_audit_log_reads_as_sentences_and_is_filtered_and_paged(desk):
    conf, secretariat, client = desk
    chair = make_staff(conf)
    rep = make_rep(conf, name="Dr Ann Avon")
    decide(make_motion(conf, number=7, title="Funding"), chair, {"for": 2})
    actions.set_checked_in(rep, True, secretariat)
    audit(conf, None, "mystery.thing", "somewhere")
    entry = AuditEntry.objects.filter(action="rep.checked_in").get()
    assert sentence(entry) == f"{entry.actor_label} checked in “{entry.target}”."
    assert sentence(AuditEntry.objects.get(action="mystery.thing")) == "The system did mystery.thing on “somewhere”."
    url = reverse("desk-audit", args=[conf.slug])
    page = client.get(url).content.decode()
    assert f"{chair.name} (Chair) opened the vote" in page
    assert f"{chair.name} (Chair) published the result of" in page
    by_chair = client.get(url, {"actor": chair.pk}).content.decode()
    assert "opened the vote" in by_chair and "checked in" not in by_chair
    assert "result: (in the CSV)" in page  # a closed vote's tally is only named on the page
    polls_only = client.get(url, {"kind": "poll"}).content.decode()
    assert 'data-action="poll.opened"' in polls_only and 'data-action="rep.checked_in"' not in polls_only
    assert "mystery.thing" in client.get(url, {"actor": "system"}).content.decode()
    later = (timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert "Nothing was recorded that matches." in client.get(url, {"since": later}).content.decode()
    for i in range(60):
        audit(conf, secretariat, "rep.checked_in", f"Dr {i}")
    assert "Page 1 of 2" in client.get(url).content.decode()


def test_the_audit_log_exports_as_csv_with_formulas_made_text(desk):
    conf, secretariat, client = desk
    audit(conf, secretariat, "code.reissued", '=HYPERLINK("https://evil.example")')
    audit(conf, secretariat, "rep.checked_in", "Dr Plain")
    response = client.get(reverse("desk-audit-csv", args=[conf.slug]), {"kind": "code"})
    assert response["Content-Disposition"].endswith('-audit.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["target"].startswith("'=HYPERLINK")
    assert rows[0]["what"].startswith(secretariat.name) and "gave" in rows[0]["what"]
    assert rows[0]["action"] == "code.reissued"
    assert staff_client(make_staff(conf)).get(reverse("desk-audit-csv", args=[conf.slug])).status_code == 403


def test_the_record_page_shows_times_and_counts(desk):
    conf, _, client = desk
    chair = make_staff(conf)
    poll = decide(make_motion(conf, number=3), chair, {"for": 3, "against": 1})
    page = client.get(reverse("desk-record", args=[conf.slug])).content.decode()
    row = page.split(f'<tr data-poll="{poll.pk}">', 1)[1].split("</tr>", 1)[0]
    for stamp in (poll.opened_at, poll.closed_at, poll.published_at):
        assert timezone.localtime(stamp).strftime("%H:%M:%S") in row
    assert '<td class="num" data-testid="ballots">4</td>' in row
    assert "For 3 (75%), Against 1 (25%)" in row
