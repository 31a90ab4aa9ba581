"""People and conferences: one person at several conferences; a new conference from the desk."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conference.models import Conference, Representative
from motions.agenda import call_motion
from motions.models import StandingOrders
from tests.desk.conftest import staff_client
from tests.factories import make_conference, make_motion, make_staff, set_standing_orders
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
    set_standing_orders(england, speaker_seconds=90, refer_to="GPC England")
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


def test_a_conference_made_by_any_door_has_standing_orders_that_name_no_body_until_told():
    """Made in the shell (or an old one migrated): its standing orders exist, name no
    negotiating body, and a referral is refused until the secretariat names one; nothing
    says "GPC England" for it."""
    from conference.errors import Refused
    from motions import procedure

    wales = Conference.objects.create(name="Welsh LMCs", slug="wales-2027")
    rules = StandingOrders.objects.get(conference=wales)
    assert rules.refer_to == "" and StandingOrders.of(wales).refer_to == ""
    chair = make_staff(wales)
    motion = make_motion(wales)
    call_motion(wales, motion, chair)
    with pytest.raises(Refused) as refused:
        procedure.new_procedural(motion, "refer", chair)
    assert "name no body" in refused.value.message
    rules.refer_to = "GPC Wales"
    rules.save()
    assert procedure.new_procedural(motion, "refer", chair).kind == "refer"


def test_a_conference_added_in_the_admin_is_asked_its_negotiating_body():
    from django.test import Client

    from tests.factories import make_staff as staff

    home = make_conference()
    admin_user = staff(home).user
    admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:conference_conference_add")
    form = {"name": "Scottish LMCs", "slug": "scotland-2027", "venue": "", "chair_casting_vote": "on"}
    page = client.get(url).content.decode()
    assert 'name="negotiating_body"' in page
    assert client.post(url, form).status_code == 200  # refused: the body is asked for
    assert not Conference.objects.filter(slug="scotland-2027").exists()
    response = client.post(url, {**form, "negotiating_body": "SGPC"})
    assert response.status_code == 302, response.content.decode()[:3000]
    scotland = Conference.objects.get(slug="scotland-2027")
    assert StandingOrders.objects.get(conference=scotland).refer_to == "SGPC"
    # Its standing orders are then edited with it, one row, never deleted.
    change = client.get(reverse("admin:conference_conference_change", args=[scotland.pk])).content.decode()
    assert 'name="standing_orders-0-refer_to"' in change and 'value="SGPC"' in change


def test_no_code_assumes_gpc_england():
    """Each conference's standing orders name its own body: the product's code never
    names one (the demo's data and its motions' wording aside)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    demo = {"desk/demo_data.py", "policy/demo.py", "policy/similar.py"}
    found = [
        str(path.relative_to(root))
        for app in ("conference", "motions", "voting", "desk", "policy", "elections", "templates")
        for path in (root / app).rglob("*")
        if path.suffix in {".py", ".html", ".js"}
        and str(path.relative_to(root)) not in demo
        and "migrations" not in path.parts
        and "GPC England" in path.read_text(encoding="utf-8")
    ]
    assert found == []
