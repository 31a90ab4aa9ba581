"""Exports: set-up data round-trips through CSV and XLSX; results exports never name a secret voter."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from conference.models import Representative
from desk import actions, exports, imports
from motions.models import Motion
from tests.desk.conftest import decide
from tests.desk.test_imports import LMCS, MOTIONS, REPS, load
from tests.factories import issue_code, make_conference, make_motion, make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_file_imports_into_another_conference_and_exports_the_same(fmt):
    source = make_conference()
    for kind, text in (("lmcs", LMCS), ("representatives", REPS), ("motions", MOTIONS)):
        load(source, kind, text)
    copy = make_conference()
    for kind in imports.KINDS:
        body = exports.export_setup(source, kind, fmt)
        report = imports.check_file(copy, kind, f"{kind}.{fmt}", body)
        assert report.ok, report.problems
        actions.apply_import(copy, report, None)
    for kind in imports.KINDS:
        assert exports.setup_dataset(copy, kind).dict == exports.setup_dataset(source, kind).dict
    assert exports.setup_dataset(copy, "motions").dict[0]["parts"] == "(i) more money\n(ii) fewer targets"


def test_the_representatives_export_never_carries_access_codes():
    conf = make_conference()
    load(conf, "lmcs", LMCS)
    load(conf, "representatives", REPS)
    reps = list(Representative.objects.filter(conference=conf))
    codes = [issue_code(rep) for rep in reps]
    body = exports.export_setup(conf, "representatives", "csv").decode("utf-8-sig")
    for rep, code in zip(reps, codes, strict=True):
        rep.refresh_from_db()
        assert code not in body and rep.access_code_hash not in body


@pytest.fixture
def decided():
    conf = make_conference()
    chair = make_staff(conf)
    secret = decide(make_motion(conf, title="Secret one"), chair, {"for": 2, "against": 1})
    recorded = decide(make_motion(conf, title="Named one"), chair, {"against": 1}, secret=False)
    unpublished = decide(make_motion(conf, title="Not yet"), chair, {"for": 1}, publish=False)
    return conf, secret, recorded, unpublished


def test_the_results_export_has_every_poll_count_outcome_and_timestamp(decided):
    conf, secret, recorded, unpublished = decided
    data = json.loads(exports.results_json(conf))
    by_id = {p["poll_id"]: p for p in data["polls"]}
    assert set(by_id) == {secret.pk, recorded.pk, unpublished.pk}
    assert by_id[secret.pk]["outcome"] == "carried"
    assert {c["key"]: c["count"] for c in by_id[secret.pk]["counts"]} == {"for": 2, "against": 1, "abstain": 0}
    assert by_id[secret.pk]["opened_at"] and by_id[secret.pk]["closed_at"] and by_id[secret.pk]["published_at"]
    assert by_id[secret.pk]["recorded_votes"] == []
    assert [v["vote"] for v in by_id[recorded.pk]["recorded_votes"]] == ["Against"]
    rows = list(csv.DictReader(io.StringIO(exports.results_csv(conf).decode("utf-8-sig"))))
    assert len(rows) == 9  # three options for each of three polls
    assert {(r["poll_id"], r["option"], r["count"]) for r in rows} >= {(str(secret.pk), "for", "2")}


def test_results_exports_never_name_a_secret_voter(decided):
    conf, secret, _recorded, _unpublished = decided
    secret_voters = set(Representative.objects.filter(participations__poll=secret).values_list("name", flat=True))
    assert len(secret_voters) == 3
    for body in (exports.results_json(conf), exports.results_csv(conf), exports.results_json(conf, True)):
        text = body.decode("utf-8-sig")
        assert not any(name in text for name in secret_voters)
        assert "voter_tag" not in text and "receipt" not in text


def test_the_public_results_export_has_only_published_polls(decided, client):
    conf, secret, recorded, _unpublished = decided
    response = client.get(reverse("results-export", args=[conf.slug, "json"]))
    assert response.status_code == 200
    assert {p["poll_id"] for p in response.json()["polls"]} == {secret.pk, recorded.pk}
    assert client.get(reverse("results-export", args=[conf.slug, "xml"])).status_code == 404


def test_the_desk_export_downloads_are_for_the_secretariat_only(desk, client):
    conf, _secretariat, staff = desk
    url = reverse("desk-export", args=[conf.slug, "motions", "xlsx"])
    make_motion(conf, number=42)
    response = staff.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert staff.get(reverse("desk-results-export", args=[conf.slug, "csv"])).status_code == 200
    assert client.get(url).status_code == 302
    assert Motion.objects.filter(number=42).exists()
