"""The conference itself: who is there and what is under debate."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .codes import (  # noqa: F401  (re-exported: the code's helpers were always found here)
    CODE_ALPHABET,
    CODE_LENGTH,
    HASH_LENGTH,
    format_code,
    new_access_code,
    normalise_code,
    session_fingerprint,
)


class Conference(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    # The secretariat publishes the record once it has checked the draft: until then the
    # public resolutions (PDF, CSV, JSON) are not served.
    record_published_at = models.DateTimeField(null=True, blank=True)
    # Standing orders (issue 3 grows these): a tie is lost unless the chair may cast.
    chair_casting_vote = models.BooleanField(
        default=False, help_text=_("On a tie the chair decides; otherwise a tie is lost.")
    )
    require_check_in = models.BooleanField(
        default=False,
        help_text=_("Only representatives checked in at the desk may vote and count as present."),
    )
    current_motion = models.ForeignKey(
        "motions.Motion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Every event clients must see carries the next number, so a gap means "resync".
    event_seq = models.PositiveBigIntegerField(default=0, editable=False)

    def __str__(self) -> str:
        return self.name

    def next_seq(self) -> int:
        """Take the next event number inside the caller's transaction."""
        Conference.objects.filter(pk=self.pk).update(event_seq=F("event_seq") + 1)
        self.event_seq = Conference.objects.values_list("event_seq", flat=True).get(pk=self.pk)
        return self.event_seq

    def voting_members(self) -> models.QuerySet[Representative]:
        """Who may vote now (the turnout's "present"): Representative.voting_rule as a query."""
        return self.representatives.filter(**Representative.voting_rule(self.require_check_in))


class Session(models.Model):
    """A sitting of the conference ("Thursday morning"): its times hold the themed sections.

    The time left in the day on the console and projector runs to the end of the last
    session on the date of the session under debate.
    """

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["order", "starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "title"], name="session_unique_title"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def day_ends_at(self):
        """The end of the day's business: the last session ending on this session's date."""
        day = timezone.localdate(self.starts_at)
        ends = [s.ends_at for s in self.conference.sessions.all() if timezone.localdate(s.starts_at) == day]
        return max(ends, default=self.ends_at)


class LMC(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="lmcs")
    name = models.CharField(max_length=200)
    seats = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = "LMC"
        verbose_name_plural = "LMCs"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["conference", "name"], name="lmc_unique_name")]

    def __str__(self) -> str:
        return self.name


class Representative(models.Model):
    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", _("Representative")
        CHAIR = "chair", _("Chair")
        SECRETARIAT = "secretariat", _("Secretariat")
        OBSERVER = "observer", _("Observer")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="representatives")
    lmc = models.ForeignKey(LMC, null=True, blank=True, on_delete=models.RESTRICT, related_name="representatives")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REPRESENTATIVE)
    # Only a keyed hash of the code (conference.codes): the plaintext is printed when the
    # code is issued and kept nowhere. Empty until the desk issues one: no code, no sign-in.
    access_code_hash = models.CharField(
        max_length=HASH_LENGTH, unique=True, null=True, blank=True, editable=False, default=None
    )
    # Chair and secretariat also sign in with a password to reach the console and admin.
    # One person (one user) may hold a role at several conferences: one row per conference,
    # and signing in picks the row of the conference in the URL (conference.auth).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="representatives"
    )
    is_active = models.BooleanField(default=True)
    checked_in = models.BooleanField(default=False)

    class Meta:
        ordering = ["lmc__name", "name"]
        indexes = [models.Index(fields=["conference", "role"])]
        constraints = [models.UniqueConstraint(fields=["user", "conference"], name="one_role_per_user_per_conference")]

    def __str__(self) -> str:
        return f"{self.name} ({self.lmc})" if self.lmc_id else self.name

    @property
    def is_staff_role(self) -> bool:
        return self.role in {self.Role.CHAIR, self.Role.SECRETARIAT}

    @property
    def can_vote(self) -> bool:
        return self.may_vote(self.role, self.is_active, self.checked_in, self.conference.require_check_in)

    @classmethod
    def voting_rule(cls, require_check_in: bool) -> dict[str, Any]:
        """Who may vote, written once: an active representative, checked in if the conference
        asks for it. Column values, so the same rule filters a query (voting_members) and
        judges one row (may_vote)."""
        rule: dict[str, Any] = {"role": cls.Role.REPRESENTATIVE, "is_active": True}
        if require_check_in:
            rule["checked_in"] = True
        return rule

    @classmethod
    def may_vote(cls, role: str, is_active: bool, checked_in: bool, require_check_in: bool) -> bool:
        """The rule for one row, for the vote writer, which reads these four columns only."""
        row = {"role": role, "is_active": is_active, "checked_in": checked_in}
        return all(row[column] == value for column, value in cls.voting_rule(require_check_in).items())

    @property
    def has_code(self) -> bool:
        return bool(self.access_code_hash)

    def code_fingerprint(self) -> str:
        """Stored in the session: a reissued code no longer matches, so old sessions end.
        Empty when there is no code: nothing matches it."""
        return session_fingerprint(self.access_code_hash)


class AuditEntry(models.Model):
    """Append-only: who did what and when. It never records how anyone voted in a secret ballot."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="audit_entries")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        Representative, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text=_("Kept if the actor is deleted."))
    action = models.CharField(max_length=60, db_index=True)
    target = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label or 'system'} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries are append-only.")
