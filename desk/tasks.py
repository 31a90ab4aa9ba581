"""The secretariat's Celery tasks: documents and mail.

They take a Job id, re-read the rows, return quietly if the job is gone or done, and
write their progress to the Job row as they go (the desk page polls it). A mailing
remembers whom it has sent to, so a redelivered task carries on rather than repeats.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.actions import audit
from conference.models import Representative, format_code

from . import documents, exports
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
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.DONE,
            done=job.total,
            filename=filename,
            content_type=content_type,
            content=content,
            finished_at=timezone.now(),
            params=job.params,
        )
        audit(job.conference, None, "job.done", job.get_kind_display(), job_id=job.pk, **details)
    return "done"


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
    reps = job.conference.representatives.filter(role=Representative.Role.REPRESENTATIVE).select_related("lmc")
    if job.params.get("rep_ids"):
        reps = reps.filter(pk__in=job.params["rep_ids"])
    return list(reps.order_by("lmc__name", "name", "pk"))


@shared_task(acks_late=True)
def build_login_cards(job_id: int) -> str:
    job = _start(job_id, Job.Kind.LOGIN_CARDS)
    if job is None:
        return "nothing to do"

    def work() -> str:
        reps = card_holders(job)
        job.total = len(reps)
        Job.objects.filter(pk=job.pk).update(total=job.total, done=0)
        pdf = documents.login_cards_pdf(job.conference, reps, job.params.get("base_url", ""), _progress(job))
        return _finish(job, f"login-cards-{job.conference.slug}.pdf", "application/pdf", pdf, cards=len(reps))

    return _run(job, work)


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
def email_login_cards(job_id: int) -> str:
    """Each representative with an email address gets their own card and join link."""
    job = _start(job_id, Job.Kind.EMAIL_CARDS)
    if job is None:
        return "nothing to do"
    conference, base_url = job.conference, job.params.get("base_url", "")

    def build(rep: Representative) -> mail.EmailMessage:
        context = {
            "conference": conference,
            "rep": rep,
            "code": format_code(rep.access_code),
            "link": documents.join_link(base_url, conference, rep.access_code),
        }
        message = mail.EmailMessage(
            subject=_("Your login card for %(name)s") % {"name": conference.name},
            body=render_to_string("desk/email/login_card.txt", context),
            to=[rep.email],
        )
        message.attach(
            f"login-card-{rep.pk}.pdf", documents.login_cards_pdf(conference, [rep], base_url), "application/pdf"
        )
        return message

    def work() -> str:
        reps = [r for r in card_holders(job) if r.email and r.is_active]
        return _mail_each(job, reps, build)

    return _run(job, work)


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
