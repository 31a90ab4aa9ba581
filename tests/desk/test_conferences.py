"""People and conferences: one person at several conferences; a new conference from the desk."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conference.models import Conference, Representative
from motions.agenda import call_motion
from motions.models import StandingOrders
from tests.desk.conftest import staff_client
from tests.factories import make_conference, make_motion, make_staff
from voting import put

pytestmark = pytest.mark.django_db


def test_one_person_is_secretariat_of_two_conferences_and_signs_in_to_each_from_its_url():
    england, uk = make_conference(name="England"), make_conference(name="UK")
    secretariat = make_staff(england, role="secretariat")
    Representative.objects.create(conference=uk, name=secretariat.name, role="secretariat", user=secretariat.user)
    client = staff_client(secretariat)
    for conf in (england, uk):
        page = client.get(reverse("desk", args=[conf.slug]))
        assert page.status_code == 200 and page.context["me"].conference == conf
    elsewhere = make_conference()
    assert client.get(reverse("desk", args=[elsewhere.slug])).status_code == 403


def test_the_secretariat_creates_a_conference_copying_standing_orders_and_naming_its_negotiators():
    england = make_conference(name="England", chair_casting_vote=True)
    StandingOrders.objects.create(conference=england, speaker_seconds=90, refer_to="GPC England")
    secretariat = make_staff(england, role="secretariat")
    client = staff_client(secretariat)
    assert client.get(reverse("desk-new-conference", args=[england.slug])).status_code == 200
    refused = client.post(
        reverse("desk-new-conference", args=[england.slug]), {"name": "UK", "slug": "uk-2027", "negotiating_body": ""}
    )
    assert refused.status_code == 400 and not Conference.objects.filter(slug="uk-2027").exists()
    response = client.post(
        reverse("desk-new-conference", args=[england.slug]),
        {"name": "UK LMC Conference", "slug": "uk-2027", "negotiating_body": "GPC UK", "venue": "Belfast",
         "starts_on": "2027-06-10", "ends_on": "2027-06-11"},
    )  # fmt: skip
    assert response.status_code == 302
    uk = Conference.objects.get(slug="uk-2027")
    rules = StandingOrders.of(uk)
    assert (rules.speaker_seconds, rules.refer_to, uk.chair_casting_vote, uk.venue) == (90, "GPC UK", True, "Belfast")
    assert client.get(reverse("desk", args=[uk.slug])).status_code == 200  # the same person, its secretariat now
    # A motion referred at the new conference goes to its own negotiators.
    chair = make_staff(uk)
    motion = make_motion(uk)
    call_motion(uk, motion, chair)
    from tests.factories import make_rep
    from tests.motions.conftest import vote_and_publish

    vote_and_publish(put.put_procedural(motion, "refer", chair), chair, [make_rep(uk) for _ in range(2)], 2, 0)
    motion.refresh_from_db()
    assert motion.referred_to == "GPC UK"


def test_a_representative_cannot_create_a_conference():
    conf = make_conference()
    chair = make_staff(conf)
    response = staff_client(chair).post(
        reverse("desk-new-conference", args=[conf.slug]), {"name": "X", "slug": "x", "negotiating_body": "Y"}
    )
    assert response.status_code == 403 and not Conference.objects.filter(slug="x").exists()
