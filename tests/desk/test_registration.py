"""The registration desk: check in and out; a deputy takes an absent representative's seat."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from conference.errors import Refused
from conference.models import AuditEntry, Representative
from desk import actions
from desk.models import Deputisation
from tests.factories import make_conference, make_lmc, make_motion, make_rep, make_staff
from voting import actions as voting
from voting import closing, put

pytestmark = pytest.mark.django_db


def test_checking_in_and_out_at_the_desk_sets_who_is_present(desk):
    conf, _secretariat, client = desk
    conf.require_check_in = True
    conf.save()
    rep = make_rep(conf)
    assert not conf.voting_members().exists()
    response = client.post(reverse("desk-check-in", args=[conf.slug, rep.pk]), {"present": "1"})
    assert response.status_code == 302
    assert list(conf.voting_members()) == [rep]
    client.post(reverse("desk-check-in", args=[conf.slug, rep.pk]), {"present": "0"})
    assert not conf.voting_members().exists()
    assert list(AuditEntry.objects.filter(conference=conf).values_list("action", flat=True)) == [
        "rep.checked_in",
        "rep.checked_out",
    ]
    other = make_rep(make_conference())
    assert client.post(reverse("desk-check-in", args=[conf.slug, other.pk]), {"present": "1"}).status_code == 404


@pytest.fixture
def seat():
    conf = make_conference(require_check_in=True)
    lmc = make_lmc(conf, seats=1)
    absent = make_rep(conf, lmc, name="Dr Away", checked_in=True)
    deputy = make_rep(conf, lmc, name="Dr Deputy", is_active=False)
    return conf, absent, deputy, make_staff(conf, role="secretariat")


def test_a_deputy_takes_the_seat_votes_in_it_and_hands_it_back(seat):
    conf, absent, deputy, secretariat = seat
    taken = actions.seat_deputy(absent, deputy, secretariat)
    absent.refresh_from_db()
    deputy.refresh_from_db()
    assert not absent.can_vote and deputy.can_vote
    assert list(conf.voting_members()) == [deputy]  # the LMC still has one vote
    chair = make_staff(conf)
    poll = voting.open_poll(put.create_motion_poll(make_motion(conf)), chair)
    assert voting.cast_vote(deputy, poll.pk, "for", uuid.uuid4()).ok
    assert not voting.cast_vote(absent, poll.pk, "for", uuid.uuid4()).ok
    with pytest.raises(Refused):  # not while a vote is open: the seat would vote twice
        actions.end_deputisation(taken, secretariat)
    closing.close_poll(poll.pk, chair)
    actions.end_deputisation(taken, secretariat)
    absent.refresh_from_db()
    deputy.refresh_from_db()
    assert absent.can_vote and not deputy.is_active
    assert list(conf.voting_members()) == [absent]
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="deputy.")] == [
        "deputy.seated",
        "deputy.stood_down",
    ]


def test_a_deputy_must_be_of_the_same_lmc_and_off_the_roll(seat):
    conf, absent, _deputy, secretariat = seat
    stranger = make_rep(conf, make_lmc(conf), is_active=False)
    with pytest.raises(Refused):
        actions.seat_deputy(absent, stranger, secretariat)
    on_roll = make_rep(conf, absent.lmc)
    with pytest.raises(Refused):
        actions.seat_deputy(absent, on_roll, secretariat)
    assert not Deputisation.objects.exists()


def test_the_people_page_seats_a_deputy_and_refuses_others(seat):
    conf, absent, deputy, secretariat = seat
    from tests.desk.conftest import staff_client

    client = staff_client(secretariat)
    page = client.get(reverse("desk-people", args=[conf.slug]), {"q": "Dr"})
    assert b"Dr Deputy" in page.content and b"Sit for" in page.content
    client.post(reverse("desk-seat-deputy", args=[conf.slug]), {"absent": absent.pk, "deputy": deputy.pk})
    assert Deputisation.objects.filter(ended_at__isnull=True).count() == 1
    assert (
        staff_client(make_staff(conf))
        .post(reverse("desk-seat-deputy", args=[conf.slug]), {"absent": absent.pk, "deputy": deputy.pk})
        .status_code
        == 403
    )
    assert Representative.objects.get(pk=deputy.pk).is_active
