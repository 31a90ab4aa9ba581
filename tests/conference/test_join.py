"""Signing in with a personal code: typed, or from the QR code's link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conference.auth import SESSION_REP
from conference.models import format_code, new_access_code, normalise_code
from tests.factories import issue_code, make_conference, make_rep

pytestmark = pytest.mark.django_db


def test_access_codes_are_long_and_drawn_from_an_unambiguous_alphabet():
    codes = {new_access_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 12 and not set(c) & set("01OIL") for c in codes)


def test_a_code_is_accepted_as_people_type_it():
    assert normalise_code(" abcd-efgh 2345 ") == "ABCDEFGH2345"
    assert format_code("ABCDEFGH2345") == "ABCD-EFGH-2345"


def test_joining_with_a_typed_code_signs_in_and_opens_the_phone_page(client):
    conf = make_conference()
    rep = make_rep(conf)
    code = issue_code(rep)
    response = client.post(reverse("join", args=[conf.slug]), {"code": format_code(code).lower()})
    assert response.status_code == 302 and response["Location"] == reverse("phone", args=[conf.slug])
    assert client.session[SESSION_REP] == rep.pk
    page = client.get(reverse("phone", args=[conf.slug]))
    assert page.status_code == 200 and rep.name in page.content.decode()


def test_the_qr_link_signs_in(client):
    conf = make_conference()
    rep = make_rep(conf)
    response = client.get(reverse("join-link", args=[conf.slug, issue_code(rep)]))
    assert response.status_code == 302
    assert client.session[SESSION_REP] == rep.pk


def test_a_wrong_code_says_so_and_signs_nobody_in(client):
    conf = make_conference()
    make_rep(conf)
    response = client.post(reverse("join", args=[conf.slug]), {"code": "WRONG-CODE-9999"})
    assert response.status_code == 400
    assert "not recognised" in response.content.decode()
    assert SESSION_REP not in client.session


def test_a_code_from_another_conference_does_not_work_here(client):
    conf, other = make_conference(), make_conference()
    stranger = make_rep(other)
    response = client.post(reverse("join", args=[conf.slug]), {"code": issue_code(stranger)})
    assert response.status_code == 400


def test_a_reissued_code_ends_the_old_session(client):
    conf = make_conference()
    rep = make_rep(conf)
    old = issue_code(rep)
    client.get(reverse("join-link", args=[conf.slug, old]))
    assert client.get(reverse("phone", args=[conf.slug])).status_code == 200
    new = issue_code(rep)
    assert client.get(reverse("phone", args=[conf.slug])).status_code == 302
    # The old code no longer signs in; the new one does.
    assert client.post(reverse("join", args=[conf.slug]), {"code": old}).status_code == 400
    assert client.post(reverse("join", args=[conf.slug]), {"code": new}).status_code == 302


def test_the_phone_page_sends_outsiders_to_the_join_page(client):
    conf = make_conference()
    response = client.get(reverse("phone", args=[conf.slug]))
    assert response.status_code == 302 and response["Location"] == reverse("join", args=[conf.slug])


def test_signing_out_needs_a_post(client):
    conf = make_conference()
    rep = make_rep(conf)
    client.get(reverse("join-link", args=[conf.slug, issue_code(rep)]))
    assert client.get(reverse("leave", args=[conf.slug])).status_code == 405
    assert SESSION_REP in client.session
    assert client.post(reverse("leave", args=[conf.slug])).status_code == 302
    assert SESSION_REP not in client.session


def test_the_state_endpoint_gives_a_signed_in_phone_its_snapshot(client):
    conf = make_conference()
    rep = make_rep(conf)
    assert client.get(reverse("state", args=[conf.slug])).status_code == 401
    client.get(reverse("join-link", args=[conf.slug, issue_code(rep)]))
    snapshot = client.get(reverse("state", args=[conf.slug])).json()
    assert snapshot["type"] == "snapshot" and snapshot["me"]["id"] == rep.pk and "now" in snapshot


def test_signing_in_always_ends_on_a_session_id_the_phone_did_not_bring(client):
    conf = make_conference()
    first, second = make_rep(conf), make_rep(conf)

    client.get(reverse("join-link", args=[conf.slug, issue_code(first)]))  # no session before
    brought = client.cookies["sessionid"].value
    client.get(reverse("join-link", args=[conf.slug, issue_code(second)]))  # with one (fixation)

    assert client.cookies["sessionid"].value not in ("", brought)
    assert client.session[SESSION_REP] == second.pk
    assert not client.session.exists(brought)


def test_a_wrong_code_stays_in_the_box_to_be_corrected(client):
    conf = make_conference()
    make_rep(conf)
    response = client.post(reverse("join", args=[conf.slug]), {"code": "ABCD-EFGH-JKLN"})
    assert 'value="ABCD-EFGH-JKLN"' in response.content.decode()


def test_a_representative_without_a_code_cannot_sign_in_with_an_empty_or_any_code(client):
    conf = make_conference()
    rep = make_rep(conf)  # imported, no card issued yet
    assert rep.access_code_hash is None
    for typed in ("", "-", "AAAA-AAAA-AAAA"):
        client.post(reverse("join", args=[conf.slug]), {"code": typed})
        assert SESSION_REP not in client.session


def test_the_printed_code_signs_in_but_the_stored_hash_does_not(client):
    conf = make_conference()
    rep = make_rep(conf)
    code = issue_code(rep)
    rep.refresh_from_db()
    stored = rep.access_code_hash
    assert stored and code not in stored and normalise_code(code) not in stored
    assert client.post(reverse("join", args=[conf.slug]), {"code": stored}).status_code == 400
    assert client.get(reverse("join-link", args=[conf.slug, stored])).status_code in (400, 404)
    assert SESSION_REP not in client.session
    assert client.post(reverse("join", args=[conf.slug]), {"code": f" {format_code(code).lower()} "}).status_code == 302
    assert client.session[SESSION_REP] == rep.pk
