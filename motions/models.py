"""The agenda: sections, motions and their parts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from conference.models import LMC, Conference


class Section(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=30, help_text=_("Time allocated on the agenda."))

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["conference", "title"], name="section_unique_title")]

    def __str__(self) -> str:
        return self.title


class Outcome(models.TextChoices):
    NONE = "", _("Not decided")
    CARRIED = "carried", _("Carried")
    CARRIED_IN_PART = "carried_in_part", _("Carried in part")
    CARRIED_AS_REFERENCE = "carried_as_reference", _("Carried as a reference")
    LOST = "lost", _("Lost")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FELL = "fell", _("Fell")
    NOT_REACHED = "not_reached", _("Not reached")


class Motion(models.Model):
    class Category(models.TextChoices):
        PRIORITISED = "prioritised", _("Prioritised")
        A = "A", _("A: already policy")
        AR = "AR", _("AR: already policy, as a reference")
        CHOSEN = "chosen", _("Chosen")
        GREY = "grey", _("Grey: not debated unless time allows")
        INCOMPETENT = "incompetent", _("Incompetent")

    class Status(models.TextChoices):
        PENDING = "pending", _("On the agenda")
        UNDER_DEBATE = "under_debate", _("Under debate")
        DECIDED = "decided", _("Decided")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="motions")
    section = models.ForeignKey(Section, on_delete=models.RESTRICT, related_name="motions")
    number = models.PositiveIntegerField()
    order = models.PositiveIntegerField(default=0, help_text=_("Position within its section."))
    title = models.CharField(max_length=300)
    text = models.TextField()
    proposer = models.ForeignKey(LMC, null=True, blank=True, on_delete=models.SET_NULL, related_name="motions")
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.PRIORITISED)
    requires_two_thirds = models.BooleanField(
        default=False, help_text=_("Standing-order changes and the like need two-thirds of those voting.")
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True, default=Outcome.NONE)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["section__order", "order", "number"]
        constraints = [models.UniqueConstraint(fields=["conference", "number"], name="motion_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def can_be_put(self) -> bool:
        return self.category != self.Category.INCOMPETENT


class MotionPart(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="parts")
    label = models.CharField(max_length=10, help_text=_("i, ii, iii ..."))
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True, default=Outcome.NONE)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["motion", "label"], name="part_unique_label")]

    def __str__(self) -> str:
        return f"{self.motion.number}({self.label})"
