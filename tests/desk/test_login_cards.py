"""Login cards: a PDF made by a Celery task, one card per representative; reissuing a code."""

from __future__ import annotations

import io

import pytest
import segno
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from conference.models import AuditEntry, format_code
from desk import actions, documents
from desk.models import Job
from desk.tasks import build_login_cards
from tests.desk.conftest import staff_client
from tests.factories import make_conference, make_lmc, make_rep, make_staff

pytestmark = pytest.mark.django_db


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_the_task_makes_one_card_per_representative_ten_to_a_page():
    conf = make_conference(name="Conference of England LMCs 2026")
    lmc = make_lmc(conf, name="Cornwall and Isles of Scilly LMC", seats=12)
    reps = [make_rep(conf, lmc, name=f"Dr Zoë Card {i:02d}") for i in range(12)]
    make_staff(conf)  # staff sign in with a password: no card
    job = actions.request_job(conf, Job.Kind.LOGIN_CARDS, None, base_url="https://hall.example.org")
    assert build_login_cards(job.pk) == "done"
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == ("done", 12, 12, 100)
    pages = pdf_pages(bytes(job.content))
    assert len(pages) == 2
    assert [pages[0].count("Dr Zoë Card"), pages[1].count("Dr Zoë Card")] == [10, 2]
    for rep in reps:
        assert f"{rep.name}\n{lmc.name}" in "\n".join(pages)
        assert format_code(rep.access_code) in "\n".join(pages)
    assert "hall.example.org/c/" in pages[0]
    # The task is idempotent: a redelivery finds the job done and leaves it be.
    assert build_login_cards(job.pk) == "nothing to do"
    assert build_login_cards(10**9) == "nothing to do"
    assert AuditEntry.objects.filter(action="job.done").count() == 1


def test_the_qr_code_holds_the_absolute_join_link():
    conf = make_conference(slug="england-2026")
    rep = make_rep(conf)
    link = documents.join_link("https://hall.example.org/", conf, rep.access_code)
    assert link == f"https://hall.example.org/c/england-2026/join/{rep.access_code}/"
    # The link opens the join page and signs the representative in.
    response = Client().get(link.removeprefix("https://hall.example.org"))
    assert response.status_code == 302 and response["Location"] == reverse("phone", args=[conf.slug])
    assert segno.make(link, error="m").designator  # encodable at the card's error level


def test_the_desk_starts_the_job_shows_progress_and_serves_the_pdf(desk, django_capture_on_commit_callbacks, settings):
    settings.PUBLIC_BASE_URL = "https://hall.example.org"
    conf, secretariat, client = desk
    rep = make_rep(conf, name="Dr Only One")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("desk-start-job", args=[conf.slug]), {"kind": "login_cards"})
    assert len(queued) == 1  # the task is sent only after commit
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("desk-job", args=[conf.slug, job.pk])
    status_url = reverse("desk-job-status", args=[conf.slug, job.pk])
    assert client.get(status_url).json() | {} == {
        "id": job.pk,
        "kind": "login_cards",
        "status": "pending",
        "done": 0,
        "total": 0,
        "percent": 0,
        "error": "",
        "has_file": False,
    }
    # The conference's public address, not the host the desk was reached on (testserver).
    assert job.params["base_url"] == "https://hall.example.org"
    page = client.get(reverse("desk-job", args=[conf.slug, job.pk]))
    assert b'data-status-url="' + status_url.encode() in page.content and b"<script>" not in page.content
    build_login_cards(job.pk)  # what the worker runs
    assert client.get(status_url).json()["status"] == "done"
    pdf = client.get(reverse("desk-job-download", args=[conf.slug, job.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert format_code(rep.access_code) in pdf_pages(pdf.content)[0]
    assert AuditEntry.objects.filter(action="cards.downloaded", actor=secretariat).count() == 1
    # Nobody else sees the status or the file.
    chair = staff_client(make_staff(conf))
    assert chair.get(status_url).status_code == 403
    assert Client().get(reverse("desk-job-download", args=[conf.slug, job.pk])).status_code == 302


def test_reissuing_a_code_at_the_desk_stops_the_old_one_and_shows_the_new_one_once(desk):
    conf, secretariat, client = desk
    rep = make_rep(conf)
    old = rep.access_code
    phone = Client()
    phone.get(reverse("join-link", args=[conf.slug, old]))
    assert phone.get(reverse("phone", args=[conf.slug])).status_code == 200
    response = client.post(reverse("desk-reissue", args=[conf.slug, rep.pk]))
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.access_code != old
    page = client.get(reverse("desk-people", args=[conf.slug]))
    assert format_code(rep.access_code).encode() in page.content
    assert format_code(rep.access_code).encode() not in client.get(reverse("desk-people", args=[conf.slug])).content
    # The old session ends and the old code no longer signs in.
    assert phone.get(reverse("phone", args=[conf.slug])).status_code == 302
    assert Client().get(reverse("join-link", args=[conf.slug, old])).status_code == 400
    entry = AuditEntry.objects.get(action="code.reissued")
    assert entry.actor == secretariat and old not in str(entry.details) and rep.access_code not in str(entry.details)


def test_one_card_can_be_printed_for_one_person():
    conf = make_conference()
    lmc = make_lmc(conf)
    make_rep(conf, lmc, name="Dr Not Me")
    me = make_rep(conf, lmc, name="Dr Me Alone")
    job = actions.request_job(conf, Job.Kind.LOGIN_CARDS, None, base_url="http://x", rep_ids=[me.pk])
    build_login_cards(job.pk)
    job.refresh_from_db()
    text = pdf_pages(bytes(job.content))
    assert len(text) == 1 and "Dr Me Alone" in text[0] and "Dr Not Me" not in text[0]
