"""The agenda: sections, motions and their parts."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from conference import errors
from conference.errors import Refused
from conference.models import LMC, Conference

# What the hall decided on: fixed once a motion is decided, whichever door a change comes
# through (the admin, an import, the shell). Corrections go through the record's actions,
# which change the outcome and its history, never these. (field name, column)
DECIDED_WORDING = ("text", "number", "emergency", "category", "conference")
DECIDED_COLUMNS = ("text", "number", "emergency", "category", "conference_id")


class Section(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=30, help_text=_("Time allocated on the agenda."))
    session = models.ForeignKey(
        "conference.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sections",
        help_text=_("The sitting this section is taken in."),
    )
    # The guillotine: time used so far, plus the running stretch since started_at.
    seconds_used = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)

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
    # The conference moved to next business: the motion was reached, and set aside.
    MOVED_TO_NEXT_BUSINESS = "next_business", _("Moved to next business")
    REFERRED = "referred", _("Referred")
    INCOMPETENT = "incompetent", _("Ruled incompetent")


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
    decided_by = models.ForeignKey(
        "conference.Representative", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The wording as amended (carried amendments replace it, carried riders add to it):
    # always derived from the carried amendments by ``motions.wording.apply_amendments``.
    text_as_amended = models.TextField(blank=True)
    # A referred motion: the body it went to, as the standing orders named it then.
    referred_to = models.CharField(max_length=100, blank=True)
    # An emergency motion, admitted late by the chair: numbered apart (E1, E2).
    emergency = models.BooleanField(default=False)
    # "That the question be now put" carried: the proposer replies, then the vote opens.
    awaiting_reply = models.BooleanField(default=False)
    # A lead (composite) motion stands for its group: the others may fall with it.
    lead = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="group_members")
    # An A/AR motion a representative asked to debate: out of the block until the chair decides.
    pulled_from_block = models.BooleanField(default=False)
    debate_requested_by = models.ForeignKey(
        "conference.Representative", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["section__order", "order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "emergency", "number"], name="motion_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.reference}. {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and not self._state.adding:
            if update_fields is None or set(update_fields) & set(DECIDED_WORDING):
                self._refuse_change_once_decided()
        super().save(*args, **kwargs)

    def _refuse_change_once_decided(self) -> None:
        attnames = DECIDED_COLUMNS
        stored = Motion.objects.filter(pk=self.pk).values("status", *attnames).first()
        if stored is None or stored["status"] != self.Status.DECIDED:
            return
        if any(stored[name] != getattr(self, name) for name in attnames):
            raise Refused(
                errors.INVALID_STATE,
                str(_("Motion %(ref)s is decided: its wording, number and category stay as decided."))
                % {"ref": self.reference},
            )

    @property
    def reference(self) -> str:
        """How the agenda numbers it: 12, or E1 for an emergency motion."""
        return f"E{self.number}" if self.emergency else str(self.number)

    @property
    def can_be_put(self) -> bool:
        return self.category != self.Category.INCOMPETENT

    @property
    def wording(self) -> str:
        """The text the hall votes on: as amended, if it has been."""
        return self.text_as_amended or self.text

    @property
    def in_block(self) -> bool:
        return self.category in {self.Category.A, self.Category.AR} and not self.pulled_from_block


class MotionPart(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="parts")
    label = models.CharField(max_length=10, help_text=_("i, ii, iii ..."))
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True, default=Outcome.NONE)
    # The part's wording as amended by the amendments that target it (derived, like the motion's).
    text_as_amended = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["motion", "label"], name="part_unique_label")]

    def __str__(self) -> str:
        return f"{self.motion.number}({self.label})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"text", "label", "motion"} & set(update_fields):
            self._refuse_change_once_decided()
        super().save(*args, **kwargs)

    def _refuse_change_once_decided(self) -> None:
        decided = Motion.objects.filter(pk=self.motion_id, status=Motion.Status.DECIDED).exists()
        if not decided:
            return
        stored = None if self.pk is None else MotionPart.objects.filter(pk=self.pk).values("text", "label").first()
        if stored is None or (stored["text"], stored["label"]) != (self.text, self.label):
            raise Refused(errors.INVALID_STATE, str(_("The motion is decided: its parts stay as decided.")))

    @property
    def wording(self) -> str:
        """The part's text the hall votes on: as amended, if it has been."""
        return self.text_as_amended or self.text


class StandingOrders(models.Model):
    """The conference's standing orders as data, so another conference runs with its own.

    The tie rule stays on ``Conference.chair_casting_vote`` (already a setting there).
    """

    class Majority(models.TextChoices):
        SIMPLE = "simple", _("Simple majority")
        TWO_THIRDS = "two_thirds", _("Qualified (two-thirds) majority")

    conference = models.OneToOneField(Conference, on_delete=models.CASCADE, related_name="standing_orders")
    # A simple majority: For must be MORE than this share of For + Against.
    simple_numerator = models.PositiveSmallIntegerField(default=1)
    simple_denominator = models.PositiveSmallIntegerField(default=2)
    # A qualified majority: For must be AT LEAST this share of For + Against.
    qualified_numerator = models.PositiveSmallIntegerField(default=2)
    qualified_denominator = models.PositiveSmallIntegerField(default=3)
    proposer_seconds = models.PositiveIntegerField(default=180)
    speaker_seconds = models.PositiveIntegerField(default=120)
    reply_seconds = models.PositiveIntegerField(default=60)
    # Procedural motions from the floor: the majority each needs, and what a carried one does.
    closure_majority = models.CharField(max_length=12, choices=Majority.choices, default=Majority.TWO_THIRDS)
    next_business_majority = models.CharField(max_length=12, choices=Majority.choices, default=Majority.TWO_THIRDS)
    next_business_outcome = models.CharField(
        max_length=30, choices=Outcome.choices, default=Outcome.MOVED_TO_NEXT_BUSINESS
    )
    refer_majority = models.CharField(max_length=12, choices=Majority.choices, default=Majority.SIMPLE)
    # The conference's own negotiating body: the one a motion is referred to. Asked for when
    # the conference is made (the desk, the admin); never assumed, since each conference has its own.
    refer_to = models.CharField(
        max_length=100,
        default="",
        verbose_name=_("negotiating body"),
        help_text=_("The body a motion is referred to, for example GPC Wales or GPC UK."),
    )
    not_put_majority = models.CharField(max_length=12, choices=Majority.choices, default=Majority.SIMPLE)
    not_put_outcome = models.CharField(max_length=30, choices=Outcome.choices, default=Outcome.FELL)
    reference_majority = models.CharField(max_length=12, choices=Majority.choices, default=Majority.SIMPLE)
    # A challenge to the chair's ruling: carried, the ruling is overturned.
    challenge_majority = models.CharField(max_length=12, choices=Majority.choices, default=Majority.TWO_THIRDS)
    # A motion to suspend standing orders: carried, the named standing order does not apply
    # to the business on the floor.
    suspend_majority = models.CharField(max_length=12, choices=Majority.choices, default=Majority.TWO_THIRDS)
    # The proposer's right of reply before the vote when the closure is carried.
    reply_after_closure = models.BooleanField(
        default=True, help_text=_("When the closure is carried, the proposer replies before the vote opens.")
    )
    day_ends_at = models.DateTimeField(null=True, blank=True, help_text=_("When today's business must end."))

    class Meta:
        verbose_name_plural = "standing orders"

    def __str__(self) -> str:
        return f"Standing orders of {self.conference}"

    @classmethod
    def of(cls, conference: Conference | int) -> StandingOrders:
        """The conference's standing orders (every conference gets a row when it is made,
        ``motions.apps``); the defaults, naming no body, should a row be missing."""
        conference_id = conference if isinstance(conference, int) else conference.pk
        return cls.objects.filter(conference_id=conference_id).first() or cls(conference_id=conference_id)

    def procedural_rule(self, kind: str) -> tuple[str, str]:
        """(majority, outcome of the motion if carried) for a procedural motion."""
        return {
            "closure": (self.closure_majority, ""),
            "next_business": (self.next_business_majority, self.next_business_outcome),
            "refer": (self.refer_majority, Outcome.REFERRED),
            "not_put": (self.not_put_majority, self.not_put_outcome),
            "reference": (self.reference_majority, Outcome.CARRIED_AS_REFERENCE),
            "challenge": (self.challenge_majority, ""),
            "suspend_standing_orders": (self.suspend_majority, ""),
        }[kind]

    def speech_seconds(self, role: str) -> int:
        return {"proposer": self.proposer_seconds, "reply": self.reply_seconds}.get(role, self.speaker_seconds)


class Amendment(models.Model):
    """An amendment changes a motion's wording; a rider adds to it. Both are voted first."""

    class Kind(models.TextChoices):
        AMENDMENT = "amendment", _("Amendment")
        RIDER = "rider", _("Rider")

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="amendments")
    # "Amend part (ii)": the part whose wording it changes; none for the motion as a whole.
    part = models.ForeignKey(MotionPart, null=True, blank=True, on_delete=models.CASCADE, related_name="amendments")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.AMENDMENT)
    text = models.TextField(help_text=_("The amendment or rider as moved."))
    new_wording = models.TextField(
        blank=True, help_text=_("An amendment: the motion's (or its part's) wording if it is carried.")
    )
    proposer = models.ForeignKey(LMC, null=True, blank=True, on_delete=models.SET_NULL, related_name="amendments")
    order = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True, default=Outcome.NONE)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.order + 1} to motion {self.motion.number}"


class ProceduralMotion(models.Model):
    """A procedural motion put from the floor on the motion under debate."""

    class Kind(models.TextChoices):
        CLOSURE = "closure", _("That the question be now put")
        NEXT_BUSINESS = "next_business", _("That the conference move to next business")
        REFER = "refer", _("That the motion be referred")
        NOT_PUT = "not_put", _("That the question be not put")
        REFERENCE = "reference", _("That the motion be carried as a reference")
        CHALLENGE = "challenge", _("That the chair's ruling be challenged")
        SUSPEND = "suspend_standing_orders", _("That standing orders be suspended")

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="procedural_motions")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    moved_by = models.ForeignKey(
        "conference.Representative", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    majority = models.CharField(max_length=12, choices=StandingOrders.Majority.choices)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True, default=Outcome.NONE)
    # A challenge: the ruling challenged; a suspension: the standing order to suspend.
    subject = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (motion {self.motion.number})"


class OutcomeChange(models.Model):
    """Every outcome declared on a motion, and every correction with its reason."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="outcome_history")
    previous = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    by = models.ForeignKey(
        "conference.Representative", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.previous or '-'} → {self.outcome or '-'} (motion #{self.motion_id})"


class SpeakRequest(models.Model):
    """A representative's request to speak on the motion under debate, and the speech."""

    class Side(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        POINT_OF_ORDER = "point_of_order", _("Point of order")

    class Role(models.TextChoices):
        PROPOSER = "proposer", _("Proposer")
        SPEAKER = "speaker", _("Speaker")
        REPLY = "reply", _("Right of reply")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        SPEAKING = "speaking", _("Speaking")
        DONE = "done", _("Spoken")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="speak_requests")
    representative = models.ForeignKey(
        "conference.Representative", on_delete=models.CASCADE, related_name="speak_requests"
    )
    side = models.CharField(max_length=20, choices=Side.choices, default=Side.FOR)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.SPEAKER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    seconds = models.PositiveIntegerField(default=0)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            # A double tap on the phone must not queue the same representative twice.
            models.UniqueConstraint(
                fields=["motion", "representative"], condition=models.Q(status="waiting"), name="one_waiting_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.get_side_display().lower()} (motion #{self.motion_id}, {self.status})"
