"""The secretariat's rows: background jobs, revisions of the record, deputies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.models import LMC, Conference, Representative
from voting.models import Poll


class Job(models.Model):
    """A document made by a Celery task: its progress, then its file.

    Progress lives in this row, not in a cache, so a worker in another process and the
    page that polls it see the same thing whatever the cache backend.
    """

    class Kind(models.TextChoices):
        LOGIN_CARDS = "login_cards", _("Issue codes and print login cards (PDF)")
        RESOLUTIONS = "resolutions", _("Resolutions (PDF)")
        EMAIL_CARDS = "email_cards", _("Issue codes and email login cards")
        EMAIL_RESOLUTIONS = "email_resolutions", _("Email the resolutions")

    # Jobs that issue access codes: their file holds codes in the clear, so it is sealed
    # and kept only until its first download or LOGIN_CARDS_KEEP_MINUTES (desk.sealed).
    CARD_KINDS = frozenset({Kind.LOGIN_CARDS, Kind.EMAIL_CARDS})

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="desk_jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # What the task needs beyond ids: the site's address for the QR links, a filter.
    params = models.JSONField(default=dict, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    # Documents are small (a card PDF for 500 people is well under 2 MB): kept in the row,
    # so there is no media storage to set up and share between web and worker hosts.
    content = models.BinaryField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(Representative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A sheet of login cards: deleted at its first download, or at this time if never taken.
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["conference", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def issues_codes(self) -> bool:
        return self.kind in self.CARD_KINDS

    @classmethod
    def purge_card_sheets(cls) -> int:
        """Delete the card sheets nobody downloaded in time: their codes then exist nowhere."""
        return (
            cls.objects.filter(kind__in=cls.CARD_KINDS, expires_at__lte=timezone.now())
            .exclude(content=None)
            .update(content=None)
        )

    @property
    def keep_minutes(self) -> int:
        return int(settings.LOGIN_CARDS_KEEP_MINUTES)

    @property
    def file_gone(self) -> bool:
        """A card sheet that was downloaded or expired: the codes in it are nowhere now."""
        return (
            self.issues_codes
            and bool(self.filename)
            and (self.downloaded_at is not None or (self.expires_at is not None and self.expires_at <= timezone.now()))
        )

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class ResultRevision(models.Model):
    """A change to a declared result: the version before and the version after both stay."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        ANNULMENT = "annulment", _("Annulled, to be re-run")

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.TextField()
    previous_status = models.CharField(max_length=10)
    previous_result = models.JSONField(null=True, blank=True)
    new_result = models.JSONField(null=True, blank=True)
    rerun = models.ForeignKey(Poll, null=True, blank=True, on_delete=models.SET_NULL, related_name="rerun_of")
    by = models.ForeignKey(Representative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.poll}"


class Deputisation(models.Model):
    """A deputy sits in an absent representative's seat, from the desk, until it ends.

    The deputy is a Representative of the same LMC, kept inactive (no seat, no login)
    until the desk seats them; the absent representative is then made inactive, so the
    LMC never has more voters than seats and the absent one's code stops working.
    """

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="deputisations")
    lmc = models.ForeignKey(LMC, on_delete=models.CASCADE, related_name="deputisations")
    absent = models.ForeignKey(Representative, on_delete=models.CASCADE, related_name="deputised_by")
    deputy = models.ForeignKey(Representative, on_delete=models.CASCADE, related_name="deputising_for")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["absent"], condition=models.Q(ended_at__isnull=True), name="one_deputy_per_seat"
            ),
            models.UniqueConstraint(
                fields=["deputy"], condition=models.Q(ended_at__isnull=True), name="one_seat_per_deputy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deputy.name} for {self.absent.name}"
