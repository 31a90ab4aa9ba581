"""Celery tasks: they take ids, re-read the rows and are idempotent."""

from __future__ import annotations

import threading

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from .closing import close_poll
from .models import Poll


@shared_task(acks_late=True)
def close_poll_when_due(poll_id: int) -> str:
    """Close a poll whose countdown has run out. A worker that was down runs it late,
    and it still closes the poll once; a poll closed by the chair meanwhile is left be."""
    poll = Poll.objects.filter(pk=poll_id).first()
    if poll is None or poll.status != Poll.Status.OPEN:
        return "nothing to do"
    if poll.closes_at is None:
        return "no countdown"
    wait = (poll.closes_at - timezone.now()).total_seconds()
    if wait > 0:  # delivered early (a clock skew, an eager run): try again when due
        schedule_close(poll_id, wait)
        return "rescheduled"
    close_poll(poll_id)
    return "closed"


def schedule_close(poll_id: int, seconds: float) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # The embedded default has no broker to hold a countdown: keep it in-process.
        def run() -> None:
            try:
                close_poll_when_due(poll_id)
            finally:
                close_old_connections()

        timer = threading.Timer(seconds + 0.05, run)
        timer.daemon = True
        timer.start()
    else:
        close_poll_when_due.apply_async((poll_id,), countdown=seconds + 0.05)


def close_overdue_polls() -> int:
    """Close every open poll whose countdown has run out; the number closed.

    A worker killed while it held a countdown task (acks_late) gets it back only after
    the broker's visibility timeout, hours later. So a worker that starts closes what is
    overdue at once; ``close_poll`` closes each poll once however many workers try.
    """
    overdue = list(
        Poll.objects.filter(status=Poll.Status.OPEN, closes_at__lte=timezone.now()).values_list("pk", flat=True)
    )
    for poll_id in overdue:
        close_poll(poll_id)
    return len(overdue)


@worker_ready.connect
def _close_overdue_on_start(**kwargs: object) -> None:
    try:
        close_overdue_polls()
    finally:
        close_old_connections()
