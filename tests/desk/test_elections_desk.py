"""The secretariat sets up elections: by the form, and by a CSV checked whole first."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from elections.models import Election
from tests.factories import make_lmc

pytestmark = pytest.mark.django_db

GOOD = """election,seats,method,candidate,lmc,statement,group
Agenda committee,2,scottish,Dr Ada Adams,Avon LMC,Keep the agenda moving.,
Agenda committee,2,scottish,Dr Bo Brown,Avon LMC,,new member
Agenda committee,2,scottish,Dr Cy Clarke,,I stand again.,
"""


def _file(text: str) -> io.BytesIO:
    f = io.BytesIO(text.encode())
    f.name = "elections.csv"
    return f


def test_a_bad_csv_is_reported_row_by_row_and_nothing_is_written(desk):
    conf, _, client = desk
    make_lmc(conf, name="Avon LMC")
    url = reverse("desk-elections", args=[conf.slug])
    bad = (
        GOOD
        + "Agenda committee,3,scottish,Dr Di Dutt,Avon LMC,,\n"
        + "Chair,1,scottish,Dr Ed Evans,Nowhere LMC,,\n"
        + "Agenda committee,2,scottish,Dr Ada Adams,,,\n"
    )
    response = client.post(url, {"action": "import", "file": _file(bad)})
    assert response.status_code == 400
    text = response.content.decode()
    assert "nothing was imported" in text and "same seats and method" in text and "twice" in text
    assert "No LMC called" in text
    assert not Election.objects.filter(conference=conf).exists()


def test_a_good_csv_sets_up_the_election_and_the_page_edits_it(desk):
    conf, _, client = desk
    make_lmc(conf, name="Avon LMC")
    url = reverse("desk-elections", args=[conf.slug])
    assert client.post(url, {"action": "import", "file": _file(GOOD)}).status_code == 302
    election = Election.objects.get(conference=conf, title="Agenda committee")
    assert election.seats == 2 and [c.name for c in election.candidates.all()] == [
        "Dr Ada Adams",
        "Dr Bo Brown",
        "Dr Cy Clarke",
    ]
    assert election.candidates.get(name="Dr Bo Brown").groups == ["new member"]
    assert list(election.poll.options.values_list("label", flat=True))[0] == "Dr Ada Adams"
    # Importing again changes nothing.
    assert client.post(url, {"action": "import", "file": _file(GOOD)}).status_code == 302
    assert election.candidates.count() == 3
    client.post(url, {"action": "constraints", "election": election.pk, "constraints": "new member: at least 1"})
    election.refresh_from_db()
    assert election.constraints == [{"group": "new member", "minimum": 1, "maximum": None}]
    client.post(url, {"action": "save-candidate", "election": election.pk, "name": "Dr Di Dutt", "groups": "North"})
    assert election.candidates.count() == 4
    page = client.get(url)
    assert page.status_code == 200 and "Dr Di Dutt" in page.content.decode()
    client.post(url, {"action": "create", "title": "Chair", "seats": "1", "method": "meek"})
    assert Election.objects.get(conference=conf, title="Chair").method == "meek"
