"""Login cards: codes are issued as their cards are made (a Celery task, one card per
representative) and the sheet is handed out once; one person's new code and card."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import segno
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conference.codes import code_hash, normalise_code
from conference.models import AuditEntry, Representative
from desk import actions, documents
from desk.models import Job
from desk.tasks import build_login_cards
from tests.desk.conftest import staff_client
from tests.factories import issue_code, make_conference, make_lmc, make_rep, make_staff

pytestmark = pytest.mark.django_db
CODE_ON_CARD = r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}"


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def codes_on(pages: list[str]) -> list[str]:
    import re

    return re.findall(CODE_ON_CARD, "\n".join(pages))


def download(client: Client, job: Job):
    return client.get(reverse("desk-job-download", args=[job.conference.slug, job.pk]))


def test_the_task_issues_a_code_to_each_and_prints_one_card_each_ten_to_a_page(desk):
    conf, secretariat, client = desk
    lmc = make_lmc(conf, name="Cornwall and Isles of Scilly LMC", seats=12)
    reps = [make_rep(conf, lmc, name=f"Dr Zoë Card {i:02d}") for i in range(12)]
    make_staff(conf)  # staff sign in with a password: no card
    job = actions.request_cards(conf, Job.Kind.LOGIN_CARDS, secretariat, "missing", base_url="https://hall.example.org")
    assert build_login_cards(job.pk) == "done"
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == ("done", 12, 12, 100)
    pages = pdf_pages(download(client, job).content)
    assert len(pages) == 2
    assert [pages[0].count("Dr Zoë Card"), pages[1].count("Dr Zoë Card")] == [10, 2]
    for rep in reps:
        assert f"{rep.name}\n{lmc.name}" in "\n".join(pages)
    # Each card's code is that representative's: the hash stored is the code's.
    printed = codes_on(pages)
    assert len(set(printed)) == 12
    stored = set(Representative.objects.filter(pk__in=[r.pk for r in reps]).values_list("access_code_hash", flat=True))
    assert {code_hash(c) for c in printed} == stored
    assert "hall.example.org/c/" in pages[0]
    # The task is idempotent: a redelivery finds the job done and leaves it be.
    assert build_login_cards(job.pk) == "nothing to do"
    assert build_login_cards(10**9) == "nothing to do"
    assert AuditEntry.objects.filter(action="job.done").count() == 1
    assert AuditEntry.objects.filter(action="codes.issued", actor=secretariat).count() == 1


def test_the_qr_code_holds_the_absolute_join_link():
    conf = make_conference(slug="england-2026")
    code = issue_code(make_rep(conf))
    link = documents.join_link("https://hall.example.org/", conf, code)
    assert link == f"https://hall.example.org/c/england-2026/join/{code}/"
    # The link opens the join page and signs the representative in.
    response = Client().get(link.removeprefix("https://hall.example.org"))
    assert response.status_code == 302 and response["Location"] == reverse("phone", args=[conf.slug])
    assert segno.make(link, error="m").designator  # encodable at the card's error level


def test_the_desk_starts_the_job_shows_progress_and_serves_the_pdf_once(
    desk, django_capture_on_commit_callbacks, settings
):
    settings.PUBLIC_BASE_URL = "https://hall.example.org"
    conf, secretariat, client = desk
    rep = make_rep(conf, name="Dr Only One")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("desk-start-job", args=[conf.slug]), {"kind": "login_cards", "scope": "missing"})
    assert len(queued) == 1  # the task is sent only after commit
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("desk-job", args=[conf.slug, job.pk])
    assert job.params["rep_ids"] == [rep.pk] and job.params["scope"] == "missing"
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
    pdf = download(client, job)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    (code,) = codes_on(pdf_pages(pdf.content))
    assert Client().post(reverse("join", args=[conf.slug]), {"code": code}).status_code == 302
    assert AuditEntry.objects.filter(action="cards.downloaded", actor=secretariat).count() == 1
    # Handed out once: the sheet is deleted from the server at its first download.
    assert download(client, job).status_code == 404
    job.refresh_from_db()
    assert job.content is None and job.downloaded_at is not None
    assert client.get(status_url).json()["has_file"] is False
    assert b'data-testid="file-gone"' in client.get(reverse("desk-job", args=[conf.slug, job.pk])).content
    # Nobody else sees the status or the file.
    chair = staff_client(make_staff(conf))
    assert chair.get(status_url).status_code == 403
    assert Client().get(reverse("desk-job-download", args=[conf.slug, job.pk])).status_code == 302


def test_the_purge_task_deletes_a_sheet_only_when_its_time_is_up(desk, django_capture_on_commit_callbacks):
    from desk.tasks import purge_card_sheets

    conf, secretariat, client = desk
    make_rep(conf)
    job = actions.request_cards(conf, Job.Kind.LOGIN_CARDS, secretariat, "missing", base_url="http://x")
    with django_capture_on_commit_callbacks(execute=True):
        build_login_cards(job.pk)  # schedules the purge; eager Celery runs it at once, early
    assert Job.objects.get(pk=job.pk).content is not None
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert purge_card_sheets() == 1 and Job.objects.get(pk=job.pk).content is None
    assert purge_card_sheets() == 0


def test_a_sheet_nobody_downloaded_in_time_is_deleted(desk):
    conf, secretariat, client = desk
    make_rep(conf)
    job = actions.request_cards(conf, Job.Kind.LOGIN_CARDS, secretariat, "missing", base_url="http://x")
    build_login_cards(job.pk)
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("desk-job", args=[conf.slug, job.pk])).status_code == 200
    assert Job.objects.get(pk=job.pk).content is None
    assert download(client, job).status_code == 404


def test_the_sheet_at_rest_is_sealed_and_holds_no_code_in_the_clear(desk):
    conf, secretariat, client = desk
    make_rep(conf)
    job = actions.request_cards(conf, Job.Kind.LOGIN_CARDS, secretariat, "missing", base_url="http://x")
    build_login_cards(job.pk)
    at_rest = bytes(Job.objects.get(pk=job.pk).content)
    assert not at_rest.startswith(b"%PDF")
    with pytest.raises(Exception):  # noqa: B017  (not a PDF at all without the key)
        PdfReader(io.BytesIO(at_rest))
    (code,) = codes_on(pdf_pages(download(client, job).content))
    assert normalise_code(code).encode() not in at_rest


def test_everyone_without_a_code_gets_one_and_nobody_elses_card_stops_working(desk):
    conf, secretariat, client = desk
    lmc = make_lmc(conf)
    holder = make_rep(conf, lmc, name="Dr Has A Card")
    held = issue_code(holder)
    new = make_rep(conf, lmc, name="Dr Newly Registered")
    assert Client().post(reverse("join", args=[conf.slug]), {"code": "AAAA-AAAA-AAAA"}).status_code == 400
    job = actions.request_cards(conf, Job.Kind.LOGIN_CARDS, secretariat, "missing", base_url="http://x")
    assert job.params["rep_ids"] == [new.pk]
    build_login_cards(job.pk)
    pages = pdf_pages(download(client, job).content)
    assert "Dr Newly Registered" in pages[0] and "Dr Has A Card" not in pages[0]
    assert Client().post(reverse("join", args=[conf.slug]), {"code": held}).status_code == 302
    # Once everyone has one there is nothing to issue.
    response = client.post(reverse("desk-start-job", args=[conf.slug]), {"kind": "login_cards", "scope": "missing"})
    assert response.status_code == 302 and Job.objects.count() == 1


def test_new_codes_for_everyone_need_a_confirmation_and_end_every_old_card(desk, django_capture_on_commit_callbacks):
    conf, secretariat, client = desk
    rep = make_rep(conf)
    old = issue_code(rep)
    phone = Client()
    phone.get(reverse("join-link", args=[conf.slug, old]))
    assert phone.get(reverse("phone", args=[conf.slug])).status_code == 200
    client.post(reverse("desk-start-job", args=[conf.slug]), {"kind": "login_cards", "scope": "all"})
    assert not Job.objects.exists()  # not without the confirmation
    assert phone.get(reverse("phone", args=[conf.slug])).status_code == 200
    with django_capture_on_commit_callbacks(execute=False):  # the worker's part, below
        client.post(
            reverse("desk-start-job", args=[conf.slug]), {"kind": "login_cards", "scope": "all", "confirm": "1"}
        )
    job = Job.objects.get()
    build_login_cards(job.pk)
    (new,) = codes_on(pdf_pages(download(client, job).content))
    assert normalise_code(new) != old
    assert phone.get(reverse("phone", args=[conf.slug])).status_code == 302  # the old session ended
    assert Client().post(reverse("join", args=[conf.slug]), {"code": old}).status_code == 400
    assert Client().post(reverse("join", args=[conf.slug]), {"code": new}).status_code == 302


def test_a_card_job_that_fails_leaves_every_old_code_working(desk, monkeypatch):
    conf, secretariat, client = desk
    rep = make_rep(conf)
    old = issue_code(rep)

    def broken(*args, **kwargs):
        raise RuntimeError("the printer caught fire")

    monkeypatch.setattr(documents, "login_cards_pdf", broken)
    job = actions.request_cards(conf, Job.Kind.LOGIN_CARDS, secretariat, "all", base_url="http://x", confirmed=True)
    assert build_login_cards(job.pk) == "failed"
    assert Client().post(reverse("join", args=[conf.slug]), {"code": old}).status_code == 302


def test_one_persons_new_code_and_card_at_the_desk_stops_the_old_one_and_is_shown_once(desk):
    conf, secretariat, client = desk
    rep = make_rep(conf)
    old = issue_code(rep)
    phone = Client()
    phone.get(reverse("join-link", args=[conf.slug, old]))
    assert phone.get(reverse("phone", args=[conf.slug])).status_code == 200
    response = client.post(reverse("desk-reissue", args=[conf.slug, rep.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    (shown,) = codes_on([response.content.decode()])
    assert normalise_code(shown) != old
    # Not kept to be shown again: not in the session, not on the people page.
    assert shown.encode() not in client.get(reverse("desk-people", args=[conf.slug])).content
    assert normalise_code(shown) not in str(dict(client.session))
    # Its card, once.
    job = Job.objects.get(kind=Job.Kind.LOGIN_CARDS)
    pages = pdf_pages(download(client, job).content)
    assert codes_on(pages) == [shown] and rep.name in pages[0]
    assert download(client, job).status_code == 404
    # The old session ends and the old code no longer signs in; the new one does.
    assert phone.get(reverse("phone", args=[conf.slug])).status_code == 302
    assert Client().get(reverse("join-link", args=[conf.slug, old])).status_code == 400
    assert Client().post(reverse("join", args=[conf.slug]), {"code": shown}).status_code == 302
    entry = AuditEntry.objects.get(action="code.reissued")
    assert (
        entry.actor == secretariat and old not in str(entry.details) and normalise_code(shown) not in str(entry.details)
    )


def test_one_card_can_be_printed_for_one_person():
    conf = make_conference()
    lmc = make_lmc(conf)
    make_rep(conf, lmc, name="Dr Not Me")
    me = make_rep(conf, lmc, name="Dr Me Alone")
    job = actions.request_cards(conf, Job.Kind.LOGIN_CARDS, None, "one", base_url="http://x", rep_id=me.pk)
    build_login_cards(job.pk)
    taken = actions.take_download(job.pk, conf, None)
    assert taken is not None
    text = pdf_pages(taken[1])
    assert len(text) == 1 and "Dr Me Alone" in text[0] and "Dr Not Me" not in text[0]


def test_the_desk_home_counts_who_has_no_code_yet(desk):
    conf, secretariat, client = desk
    make_rep(conf)
    issue_code(make_rep(conf))
    page = client.get(reverse("desk", args=[conf.slug])).content.decode()
    assert "1 representative has no code yet" in page


def test_the_shell_export_of_cards_issues_the_codes_it_prints(tmp_path, settings):
    from django.core.management import CommandError, call_command

    settings.PUBLIC_BASE_URL = "https://hall.example.org"
    conf = make_conference()
    rep = make_rep(conf)
    out = tmp_path / "cards.pdf"
    call_command("desk_export", conf.slug, "cards", str(out), stdout=io.StringIO())
    pages = pdf_pages(out.read_bytes())
    (code,) = codes_on(pages)
    assert "hall.example.org/c/" in pages[0].replace("\n", "")
    assert Client().post(reverse("join", args=[conf.slug]), {"code": code}).status_code == 302
    with pytest.raises(CommandError, match="has a code already"):
        call_command("desk_export", conf.slug, "cards", str(out), stdout=io.StringIO())
    call_command("desk_export", conf.slug, "cards", str(out), "--reissue-all", stdout=io.StringIO())
    (new,) = codes_on(pdf_pages(out.read_bytes()))
    assert new != code and Representative.objects.get(pk=rep.pk).access_code_hash == code_hash(new)
