"""The secretariat's Celery tasks: documents and mail.

They take a Job id, re-read the rows, return quietly if the job is gone or done, and
write their progress to the Job row as they go (the desk page polls it). The mailing of
the resolutions remembers whom it has sent to, so a redelivered task carries on rather than
repeats; a job that issues codes is all or nothing (build_login_cards).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.actions import audit, issue_codes
from conference.codes import new_access_code
from conference.models import Representative, format_code

from . import documents, exports, sealed
from .models import Job

log = logging.getLogger(__name__)
MAIL_BATCH = 50


def _start(job_id: int, kind: str) -> Job | None:
    job = Job.objects.select_related("conference").filter(pk=job_id, kind=kind).first()
    if job is None or job.status == Job.Status.DONE:
        return None
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, error="")
    return job


def _progress(job: Job) -> Callable[[int], None]:
    def report(done: int) -> None:
        Job.objects.filter(pk=job.pk).update(done=done)

    return report


def _finish(job: Job, filename: str = "", content_type: str = "", content: bytes | None = None, **details) -> str:
    now = timezone.now()
    expires = now + timedelta(minutes=settings.LOGIN_CARDS_KEEP_MINUTES) if job.issues_codes and content else None
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.DONE,
            done=job.total,
            filename=filename,
            content_type=content_type,
            content=sealed.seal(job.pk, content) if expires and content else content,
            finished_at=now,
            expires_at=expires,
            params=job.params,
        )
        audit(job.conference, None, "job.done", job.get_kind_display(), job_id=job.pk, **details)
        if expires is not None:
            schedule_purge()
    return "done"


def schedule_purge() -> None:
    """Delete the sheet when its time is up even if nobody opens the desk again (after commit)."""
    countdown = settings.LOGIN_CARDS_KEEP_MINUTES * 60 + 5
    transaction.on_commit(lambda: purge_card_sheets.apply_async(countdown=countdown))


@shared_task(acks_late=True)
def purge_card_sheets() -> int:
    """Idempotent: deletes only the sheets whose time is up (eager Celery runs it at once: a no-op)."""
    return Job.purge_card_sheets()


def _run(job: Job, work: Callable[[], str]) -> str:
    try:
        return work()
    except Exception as exc:
        log.exception("desk job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return "failed"


def card_holders(job: Job) -> list[Representative]:
    """The representatives the job issues codes to: chosen when it was requested (rep_ids)."""
    reps = job.conference.representatives.filter(role=Representative.Role.REPRESENTATIVE).select_related("lmc")
    reps = reps.filter(pk__in=job.params.get("rep_ids") or [])
    return list(reps.order_by("lmc__name", "name", "pk"))


@shared_task(acks_late=True)
def build_login_cards(job_id: int) -> str:
    """Issue the chosen representatives' codes and print their cards (and, if asked, mail each
    their own), all from codes held only in this task's memory.

    All or nothing: the new codes are written in the one transaction that stores the (sealed)
    sheet, so a task that fails or is redelivered before it leaves every old code working and
    starts afresh. Mails go before that commit; a run that dies between the two has sent codes
    that never took effect, and its rerun sends working ones.
    """
    job = _start(job_id, Job.Kind.LOGIN_CARDS)
    if job is None:
        return "nothing to do"
    return _run(job, lambda: _issue_cards(job, pdf=True, email=bool(job.params.get("email"))))


@shared_task(acks_late=True)
def email_login_cards(job_id: int) -> str:
    """Issue the chosen representatives' codes and mail each their card; no sheet is kept."""
    job = _start(job_id, Job.Kind.EMAIL_CARDS)
    if job is None:
        return "nothing to do"
    return _run(job, lambda: _issue_cards(job, pdf=False, email=True))


def _issue_cards(job: Job, *, pdf: bool, email: bool) -> str:
    conference, base_url = job.conference, job.params.get("base_url", "")
    reps = card_holders(job)
    job.total = len(reps)
    Job.objects.filter(pk=job.pk).update(total=job.total, done=0)
    codes = {rep.pk: new_access_code() for rep in reps}  # the only copy: in this process's memory
    cards = [(rep, codes[rep.pk]) for rep in reps]
    sheet = documents.login_cards_pdf(conference, cards, base_url, _progress(job)) if pdf else None
    mailed = _mail_cards(job, [card for card in cards if card[0].email and card[0].is_active]) if email else 0
    with transaction.atomic():
        issue_codes(conference, reps, job.requested_by, make_code=lambda rep: codes[rep.pk])
        if sheet is None:
            return _finish(job, cards=len(reps), emails=mailed)
        return _finish(
            job, f"login-cards-{conference.slug}.pdf", "application/pdf", sheet, cards=len(reps), emails=mailed
        )


def _mail_cards(job: Job, cards: list[documents.Card]) -> int:
    conference, base_url = job.conference, job.params.get("base_url", "")

    def build(card: documents.Card) -> mail.EmailMessage:
        rep, code = card
        context = {
            "conference": conference,
            "rep": rep,
            "code": format_code(code),
            "link": documents.join_link(base_url, conference, code),
        }
        message = mail.EmailMessage(
            subject=_("Your login card for %(name)s") % {"name": conference.name},
            body=render_to_string("desk/email/login_card.txt", context),
            to=[rep.email],
        )
        message.attach(
            f"login-card-{rep.pk}.pdf", documents.login_cards_pdf(conference, [card], base_url), "application/pdf"
        )
        return message

    with mail.get_connection() as connection:
        for start in range(0, len(cards), MAIL_BATCH):
            connection.send_messages([build(card) for card in cards[start : start + MAIL_BATCH]])
    return len(cards)


@shared_task(acks_late=True)
def build_resolutions(job_id: int) -> str:
    job = _start(job_id, Job.Kind.RESOLUTIONS)
    if job is None:
        return "nothing to do"

    def work() -> str:
        job.total = sum(len(s["motions"]) for s in exports.resolutions(job.conference))
        pdf = documents.conference_resolutions_pdf(job.conference, draft=bool(job.params.get("draft")))
        return _finish(job, f"resolutions-{job.conference.slug}.pdf", "application/pdf", pdf, motions=job.total)

    return _run(job, work)


def _mail_each(job: Job, recipients: list[Representative], build: Callable[[Representative], mail.EmailMessage]) -> str:
    sent = set(job.params.get("sent", []))
    job.total = len(recipients)
    Job.objects.filter(pk=job.pk).update(total=job.total, done=len(sent))
    todo = [r for r in recipients if r.pk not in sent]
    with mail.get_connection() as connection:
        for start in range(0, len(todo), MAIL_BATCH):
            batch = todo[start : start + MAIL_BATCH]
            connection.send_messages([build(rep) for rep in batch])
            sent.update(rep.pk for rep in batch)
            job.params = {**job.params, "sent": sorted(sent)}
            Job.objects.filter(pk=job.pk).update(done=len(sent), params=job.params)
    return _finish(job, emails=len(sent))


@shared_task(acks_late=True)
def email_resolutions(job_id: int) -> str:
    """The published resolutions, as PDF, to every active representative with an address."""
    job = _start(job_id, Job.Kind.EMAIL_RESOLUTIONS)
    if job is None:
        return "nothing to do"
    conference = job.conference

    def work() -> str:
        pdf = documents.conference_resolutions_pdf(conference)

        def build(rep: Representative) -> mail.EmailMessage:
            message = mail.EmailMessage(
                subject=_("Resolutions of %(name)s") % {"name": conference.name},
                body=render_to_string(
                    "desk/email/resolutions.txt",
                    {"conference": conference, "rep": rep, "base_url": job.params.get("base_url", "")},
                ),
                to=[rep.email],
            )
            message.attach(f"resolutions-{conference.slug}.pdf", pdf, "application/pdf")
            return message

        return _mail_each(job, exports.representatives_to_email(conference), build)

    return _run(job, work)
