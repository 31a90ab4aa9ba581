"""The policy book: what each conference carried, as carried, with its standing today.

An entry is one decision: a carried motion, or one carried part of a motion in parts
(``2026/ENG/12(ii)``), or a motion carried as a reference. Past conferences that are not
in this database come in by import, so an entry keeps its conference's name, year and
date itself and links to a ``Conference`` only when there is one.

The search index is not a model field: on PostgreSQL it is a generated ``tsvector``
column, on SQLite an FTS5 table kept in step by triggers; both are made by migration
0002 (see ``policy.search``). Title and wording are text fields so that no later
migration changes the type of a column the generated column depends on.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from conference.models import Conference

BODY_CODE = RegexValidator(r"^[A-Z][A-Z0-9]{1,11}$", _("Two to twelve capital letters or digits, e.g. ENG."))
# The highlighting marks travel through the database as these control characters.
MARKS = "\x01\x02\x03\x04"
_NUMBER = re.compile(r"^([A-Z]*)(\d+)$")


def clean_text(value: str) -> str:
    """Text as stored: no control or invisible characters except line breaks and tabs."""
    kept = (ch for ch in str(value) if ch in "\n\t" or not unicodedata.category(ch).startswith("C"))
    return "".join(kept).replace("\r", "").strip()


def number_order(number: str) -> int:
    """Motions sort by number; lettered ones (emergency motions, E1) after the numbered."""
    match = _NUMBER.match(number.upper())
    if match is None:
        return 10**6
    prefix, digits = match.groups()
    return int(digits) + (100_000 if prefix else 0)


def make_reference(year: int, body_code: str, number: str, part: str = "") -> str:
    return f"{year}/{body_code}/{number}" + (f"({part})" if part else "")


def percent(count: int | None, base: int) -> Decimal | None:
    if count is None or not base:
        return None
    return (Decimal(count) * 100 / base).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class PolicyBody(models.Model):
    """A conference whose decisions are policy: the England LMC conference, the UK one, ..."""

    code = models.CharField(max_length=12, unique=True, validators=[BODY_CODE])
    name = models.CharField(max_length=200)
    lapse_years = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Lapses this many years after it was last carried or reaffirmed; empty: never."),
    )
    # The conferences in this database whose decisions are this body's policy: their
    # secretariats keep its book.
    conferences = models.ManyToManyField(Conference, blank=True, related_name="policy_bodies")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "policy bodies"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class EntryStatus(models.TextChoices):
    POLICY = "policy", _("Policy")
    REFERENCE = "reference", _("Reference (for consideration)")
    SUPERSEDED = "superseded", _("Superseded")
    RESCINDED = "rescinded", _("Rescinded")
    LAPSED = "lapsed", _("Lapsed")
    REAFFIRMED = "reaffirmed", _("Reaffirmed")


# Still in force: these lapse under a body's rule; the others are history.
IN_FORCE = (EntryStatus.POLICY, EntryStatus.REFERENCE, EntryStatus.REAFFIRMED)
# The statuses that name another entry, and which link field holds it.
LINKED: dict[str, str] = {EntryStatus.SUPERSEDED: "superseded_by", EntryStatus.REAFFIRMED: "reaffirmed_by"}


class EntryOutcome(models.TextChoices):
    # The values are motions.models.Outcome's, so a record's outcome is stored as it is.
    CARRIED = "carried", _("Carried")
    CARRIED_IN_PART = "carried_in_part", _("Carried in part")
    CARRIED_AS_REFERENCE = "carried_as_reference", _("Carried as a reference")


class PolicyEntry(models.Model):
    Status = EntryStatus
    Outcome = EntryOutcome

    reference = models.CharField(
        max_length=60, unique=True, help_text=_("Stable, e.g. 2026/ENG/12 or 2026/ENG/12(ii).")
    )
    body = models.ForeignKey(PolicyBody, on_delete=models.PROTECT, related_name="entries")
    conference = models.ForeignKey(
        Conference, null=True, blank=True, on_delete=models.SET_NULL, related_name="policy_entries"
    )
    conference_name = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    date = models.DateField(null=True, blank=True, help_text=_("When it was carried; empty if only the year is known."))
    motion_number = models.CharField(max_length=10)
    number_order = models.PositiveIntegerField(default=0, editable=False)
    part = models.CharField(max_length=10, blank=True, help_text=_("The part carried, e.g. ii; empty: the motion."))
    section = models.CharField(max_length=200, blank=True)
    proposer = models.CharField(max_length=200, blank=True, help_text=_("The proposing LMC."))
    title = models.TextField()
    # As carried: as amended, with any rider; a part's entry opens with the motion's own words.
    wording = models.TextField()
    tabled_wording = models.TextField(
        blank=True, help_text=_("As tabled, where it differs from the wording as carried.")
    )
    outcome = models.CharField(max_length=30, choices=EntryOutcome.choices, default=EntryOutcome.CARRIED)
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(null=True, blank=True)
    # For and against are shares of those voting for or against; abstentions of all votes cast.
    percent_for = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    percent_against = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    percent_abstain = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    status = models.CharField(max_length=20, choices=EntryStatus.choices, default=EntryStatus.POLICY)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    reaffirmed_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reaffirms",
        help_text=_("The latest entry that reaffirmed this one."),
    )
    last_affirmed = models.DateField(null=True, blank=True, help_text=_("When it was last reaffirmed."))
    status_changed_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "body__code", "number_order", "part"]
        verbose_name_plural = "policy entries"
        indexes = [
            models.Index(fields=["body", "year"]),
            models.Index(fields=["year"]),
            models.Index(fields=["status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(superseded_by=models.F("pk")) & ~models.Q(reaffirmed_by=models.F("pk")),
                name="policy_entry_not_linked_to_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.number_order = number_order(self.motion_number)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("policy-entry", kwargs={"reference": self.reference})

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE

    @property
    def carried_on(self) -> datetime.date:
        """The day the lapse rule counts from when it was never reaffirmed."""
        return self.date or datetime.date(self.year, 12, 31)

    @property
    def affirmed_on(self) -> datetime.date:
        return max(self.carried_on, self.last_affirmed) if self.last_affirmed else self.carried_on

    def lapses_on(self) -> datetime.date | None:
        years = self.body.lapse_years
        return years_after(self.affirmed_on, years) if years else None

    @property
    def has_counts(self) -> bool:
        return self.votes_for is not None or self.percent_for is not None

    def set_counts(self, votes_for: int | None, votes_against: int | None, votes_abstain: int | None) -> None:
        self.votes_for, self.votes_against, self.votes_abstain = votes_for, votes_against, votes_abstain
        decisive = (votes_for or 0) + (votes_against or 0)
        self.percent_for = percent(votes_for, decisive)
        self.percent_against = percent(votes_against, decisive)
        self.percent_abstain = percent(votes_abstain, decisive + (votes_abstain or 0))


class StatusChange(models.Model):
    """An entry's public history: every status it has had, who set it and why.

    The audit of the same change is an ``AuditEntry`` of the conference it was made at.
    """

    entry = models.ForeignKey(PolicyEntry, on_delete=models.CASCADE, related_name="status_history")
    previous = models.CharField(max_length=20, choices=EntryStatus.choices, blank=True)
    status = models.CharField(max_length=20, choices=EntryStatus.choices)
    link = models.ForeignKey(PolicyEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    actor_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.entry.reference}: {self.previous or '-'} → {self.status}"
