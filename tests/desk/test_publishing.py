"""Publishing: the results page's filters and motion pages, the resolutions document, mail."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conference.codes import code_hash
from conference.models import Conference, Representative
from desk import actions
from desk.models import Job
from desk.tasks import build_resolutions, email_login_cards, email_resolutions
from motions.models import Motion
from tests.desk.conftest import decide
from tests.factories import issue_code, make_conference, make_lmc, make_motion, make_rep, make_section, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda():
    conf = make_conference()
    chair = make_staff(conf)
    contract, workload = (
        make_section(conf, title="The GP contract", order=1),
        make_section(conf, title="Workload", order=2),
    )
    avon, kent = make_lmc(conf, name="Avon LMC"), make_lmc(conf, name="Kent LMC")
    m1 = make_motion(
        conf,
        number=1,
        section=contract,
        proposer=avon,
        title="A new contract",
        text="That conference demands a new contract.",
    )
    m2 = make_motion(
        conf,
        number=2,
        section=workload,
        proposer=kent,
        title="Safe limits",
        text="That conference insists on safe working limits.",
    )
    m3 = make_motion(conf, number=3, section=workload, proposer=kent, title="Lost cause", text="That conference loses.")
    m4 = make_motion(
        conf,
        number=4,
        section=contract,
        proposer=avon,
        title="In parts",
        text="That conference asks for:",
        parts=["fair pay", "free parking"],
    )
    decide(m1, chair, {"for": 2})
    poll = decide(m2, chair, {"for": 2})
    decide(m3, chair, {"against": 2})
    part_i, part_ii = m4.parts.all()
    decide(m4, chair, {"for": 1}, part=part_i)
    decide(m4, chair, {"against": 1}, part=part_ii)
    # The chair took motion 2 as a reference: the secretariat records it.
    actions.correct_result(
        poll, {"for": 2, "against": 0, "abstain": 0}, "Carried as a reference", None, outcome="carried_as_reference"
    )
    Conference.objects.filter(pk=conf.pk).update(record_published_at=timezone.now())
    return conf, avon, kent, contract, workload


def titles(response) -> list[str]:
    import re

    return re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', response.content.decode())


def test_the_results_page_filters_by_section_outcome_lmc_and_words(agenda, client):
    conf, _avon, kent, _contract, workload = agenda
    url = reverse("results", args=[conf.slug])
    assert len(titles(client.get(url))) == 5
    assert {t.split(":")[0] for t in titles(client.get(url, {"section": workload.pk}))} == {"Motion 2", "Motion 3"}
    assert [t.split(":")[0] for t in titles(client.get(url, {"outcome": "lost"}))] == [
        "Motion 4, part (ii)",
        "Motion 3",
    ]
    assert [t.split(":")[0] for t in titles(client.get(url, {"outcome": "carried_as_reference"}))] == ["Motion 2"]
    assert {t.split(":")[0] for t in titles(client.get(url, {"lmc": kent.pk}))} == {"Motion 2", "Motion 3"}
    assert [t.split(":")[0] for t in titles(client.get(url, {"q": "safe working"}))] == ["Motion 2"]
    assert [t.split(":")[0] for t in titles(client.get(url, {"q": "1"}))] == ["Motion 1"]
    assert b"No published result matches" in client.get(url, {"q": "nothing like this"}).content


def test_each_motion_has_a_stable_public_page(agenda, client):
    conf, *_ = agenda
    page = client.get(reverse("motion-result", args=[conf.slug, 4]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Carried in part" in text and "(i) fair pay" in text and "[Lost]" in text
    assert (
        reverse("motion-result", args=[conf.slug, 4])
        in client.get(reverse("results", args=[conf.slug])).content.decode()
    )
    assert client.get(reverse("motion-result", args=[conf.slug, 99])).status_code == 404


def test_the_resolutions_pdf_has_carried_motions_by_section_with_references_and_parts(agenda, client):
    conf, *_ = agenda
    job = actions.request_job(conf, Job.Kind.RESOLUTIONS, None)
    assert client.get(reverse("resolutions-download", args=[conf.slug, "pdf"])).status_code == 404  # not made yet
    assert build_resolutions(job.pk) == "done"
    response = client.get(reverse("resolutions-download", args=[conf.slug, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert f"Resolutions: {conf.name}" in text and "Page 1" in text
    assert "4 motions on the agenda: 1 carried, 1 carried as reference, 1 carried in part, 1 lost" in text
    assert text.index("Contents 1. The GP contract (2), page 1 2. Workload (1), page 1") < text.index(
        "1. That conference demands"
    )
    body = text[text.index("Workload (1), page 1") + 20 :]
    assert body.index("The GP contract") < body.index("1. That conference demands") < body.index("Workload")
    assert "2. That conference insists on safe working limits. [carried as a reference]" in text
    assert "(i) fair pay [Carried]" in text and "(ii) free parking [Lost]" in text
    assert "loses" not in text


def test_the_resolutions_csv_and_json_are_downloads_from_the_results_page(agenda, client):
    conf, *_ = agenda
    page = client.get(reverse("results", args=[conf.slug])).content.decode()
    for fmt in ("pdf", "csv", "json"):
        assert reverse("resolutions-download", args=[conf.slug, fmt]) in page
    body = client.get(reverse("resolutions-download", args=[conf.slug, "json"])).json()
    assert [s["section"] for s in body["sections"]] == ["The GP contract", "Workload"]
    assert [m["number"] for m in body["sections"][0]["motions"]] == [1, 4]
    assert body["sections"][1]["motions"][0]["as_reference"] is True
    rows = client.get(reverse("resolutions-download", args=[conf.slug, "csv"])).content.decode("utf-8-sig").splitlines()
    assert rows[0] == (
        "section,motion,part,title,text,proposer,outcome,as_amended,tabled_text,status,vote,block_vote,correction"
    )
    assert len(rows) == 1 + 3 + 2  # three motions and the two parts of motion 4
    assert Motion.objects.filter(outcome="lost").count() == 1


def test_login_cards_go_by_email_one_each_with_the_card_attached_and_not_twice():
    conf = make_conference()
    lmc = make_lmc(conf)
    ann = make_rep(conf, lmc, name="Dr Ann", email="ann@example.org")
    make_rep(conf, lmc, name="Dr No Address")
    make_rep(conf, lmc, name="Dr Deputy", email="deputy@example.org", is_active=False)
    no_address = Representative.objects.get(name="Dr No Address")
    kept = issue_code(no_address)
    job = actions.request_cards(
        conf, Job.Kind.EMAIL_CARDS, None, "all", base_url="https://hall.example.org", confirmed=True
    )
    assert job.params["rep_ids"] == [ann.pk]  # whom it can reach: the others keep their cards
    assert email_login_cards(job.pk) == "done"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.org"]
    (code,) = re.findall(rf"https://hall\.example\.org/c/{conf.slug}/join/([A-Z2-9]{{12}})/", message.body)
    ann.refresh_from_db()
    assert ann.access_code_hash == code_hash(code) and Job.objects.get(pk=job.pk).content is None
    assert Client().post(reverse("join", args=[conf.slug]), {"code": kept}).status_code == 302
    _name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and "Dr Ann" in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert email_login_cards(job.pk) == "nothing to do"
    assert len(mail.outbox) == 1


def test_the_resolutions_go_by_email_to_representatives_with_an_address(agenda):
    conf, avon, *_ = agenda
    make_rep(conf, avon, email="one@example.org")
    make_rep(conf, avon, email="two@example.org")
    job = actions.request_job(conf, Job.Kind.EMAIL_RESOLUTIONS, None, base_url="https://hall.example.org")
    assert email_resolutions(job.pk) == "done"
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.org", "two@example.org"]
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    job.refresh_from_db()
    assert job.done == job.total == 2
    assert json.dumps(job.params)  # it remembers whom it has sent to


def test_the_secretariat_sees_a_draft_and_the_public_sees_the_resolutions_only_once_published():
    from desk.tasks import build_resolutions as build
    from tests.desk.conftest import staff_client

    conf = make_conference(venue="Central Hall, Westminster")
    chair = make_staff(conf)
    decide(make_motion(conf, number=1, text="That conference is ready."), chair, {"for": 2})
    secretariat = make_staff(conf, role="secretariat")
    desk = staff_client(secretariat)
    public = Client()
    for fmt in ("pdf", "csv", "json"):
        assert public.get(reverse("resolutions-download", args=[conf.slug, fmt])).status_code == 404
        assert desk.get(reverse("desk-record-draft", args=[conf.slug, fmt])).status_code == 200
    draft = desk.get(reverse("desk-record-draft", args=[conf.slug, "pdf"])).content
    assert "DRAFT: not yet published" in PdfReader(io.BytesIO(draft)).pages[0].extract_text()
    assert public.post(reverse("desk-publish-record", args=[conf.slug])).status_code in (302, 403)
    assert public.get(reverse("resolutions-download", args=[conf.slug, "json"])).status_code == 404
    desk.post(reverse("desk-publish-record", args=[conf.slug]))
    job = Job.objects.get(conference=conf, kind=Job.Kind.RESOLUTIONS)
    assert build(job.pk) == "done"
    assert public.get(reverse("resolutions-download", args=[conf.slug, "json"])).json()["sections"][0]["motions"]
    pdf = public.get(reverse("resolutions-download", args=[conf.slug, "pdf"])).content
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Central Hall, Westminster" in text and "DRAFT" not in text


def test_the_close_marks_every_open_motion_not_reached_in_one_action():
    from tests.desk.conftest import staff_client

    conf = make_conference()
    chair = make_staff(conf)
    decided = make_motion(conf)
    decide(decided, chair, {"for": 2})
    open_ones = [make_motion(conf) for _ in range(2)]
    incompetent = make_motion(conf, category="incompetent")
    desk = staff_client(make_staff(conf, role="secretariat"))
    desk.post(reverse("desk-close-business", args=[conf.slug]))
    outcomes = {m.pk: m.outcome for m in Motion.objects.filter(conference=conf)}
    assert outcomes == {decided.pk: "carried", open_ones[0].pk: "not_reached", open_ones[1].pk: "not_reached",
                        incompetent.pk: ""}  # fmt: skip
