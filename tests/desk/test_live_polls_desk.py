"""The secretariat makes a live poll on the spot from the desk (issue 14), with the same
action and the same refusals as the chair's console; a mistake keeps what was typed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conference.models import AuditEntry
from tests.desk.conftest import staff_client
from tests.factories import issue_code, make_rep, make_staff
from voting.models import Poll

pytestmark = pytest.mark.django_db

FORM = {"question": "Which first?", "kind": "options", "options": "Premises\nLiability\n\n", "open": "1"}


def url(conf) -> str:
    return reverse("desk-live-polls", args=[conf.slug])


def test_the_secretariat_makes_an_options_poll_and_it_opens(desk):
    conf, secretariat, client = desk
    response = client.post(url(conf), FORM)
    assert response.status_code == 302
    poll = Poll.objects.get()
    assert (poll.kind, poll.status, poll.question) == (Poll.Kind.LIVE, Poll.Status.OPEN, "Which first?")
    assert list(poll.options.values_list("label", flat=True)) == ["Premises", "Liability"]
    assert AuditEntry.objects.filter(action="poll.created", actor=secretariat).exists()
    page = client.get(url(conf)).content.decode()
    assert "Live poll made and opened: Which first?" in page and "Premises, Liability" in page


def test_a_scale_keeps_its_end_labels_and_a_draft_waits(desk):
    conf, _, client = desk
    form = {"question": "How confident?", "kind": "scale", "scale": "10", "low": "Not at all", "high": "Completely"}
    assert client.post(url(conf), {**form, "options": "ignored\nfor a scale"}).status_code == 302
    poll = Poll.objects.get()
    assert (poll.kind, poll.status) == (Poll.Kind.SCALE, Poll.Status.DRAFT)
    assert (poll.scale_low_label, poll.scale_high_label) == ("Not at all", "Completely")
    assert poll.options.count() == 10
    assert "1 = Not at all, 10 = Completely" in client.get(url(conf)).content.decode()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"options": ""}, "at least two different options"),
        ({"options": "\n".join(f"Option {i}" for i in range(11))}, "at most ten options"),
        ({"question": "   "}, "needs a question"),
        ({"kind": "scale", "scale": "11"}, "between 2 and 10"),
        ({"kind": "scale", "scale": "ten"}, "must be a whole number"),
        ({"countdown": "soon"}, "must be a whole number"),
    ],
)
def test_a_mistake_is_refused_in_words_and_keeps_what_was_typed(desk, change, words):
    conf, _, client = desk
    form = {**FORM, **change}
    response = client.post(url(conf), form)
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page and 'data-testid="live-error"' in page
    if form["question"].strip():
        assert f'value="{form["question"]}"' in page
    assert Poll.objects.count() == 0


def test_while_a_vote_is_open_nothing_is_left_behind(desk):
    conf, _, client = desk
    client.post(url(conf), FORM)
    response = client.post(url(conf), {**FORM, "question": "Second?"})
    assert response.status_code == 400 and "Another vote is open" in response.content.decode()
    assert list(Poll.objects.values_list("question", flat=True)) == ["Which first?"]


def test_the_chair_and_a_representative_may_not_use_the_desk_form(desk):
    conf, _, _ = desk
    chair = staff_client(make_staff(conf))
    assert chair.get(url(conf)).status_code == 403
    assert chair.post(url(conf), FORM).status_code == 403
    phone = Client()
    phone.get(reverse("join-link", args=[conf.slug, issue_code(make_rep(conf))]))
    assert phone.post(url(conf), FORM).status_code == 302
    assert Poll.objects.count() == 0
