"""Polls, their options and the ballots.

The secret ballot keeps "who has voted" (Participation) apart from "what was voted"
(Ballot). While a secret poll is open its ballots are sealed under the poll's own key,
which PostgreSQL holds only wrapped under a key derived from BALLOT_KEY; a
representative's own ballot is found again through a keyed hash of (poll,
representative) made with BALLOT_KEY too, which is not in the database (DESIGN §4.7,
``voting.secrecy``). At close the ballots are written afresh in plaintext, shuffled and
with no voter tag, and the poll key is erased. Both tables use random primary keys and
no timestamps, so row ids or times cannot be used to line the two up.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import secrets
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.models import Conference, Representative
from motions.models import Amendment, Motion, MotionPart, ProceduralMotion

if TYPE_CHECKING:
    from .secrecy import Contents

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


RECEIPT_LENGTH = 8


def new_receipt() -> str:
    """Eight characters drawn uniformly from the alphabet: one draw from the system's random
    source for the whole receipt (31**8, about 8.5e11), written out in base 31. Drawing
    each character on its own (``secrets.choice``) read the random source eight times a
    vote: 8 % of the server's samples in a vote burst (bench/README.md)."""
    n = secrets.randbelow(len(RECEIPT_ALPHABET) ** RECEIPT_LENGTH)
    chars = []
    for _position in range(RECEIPT_LENGTH):
        n, digit = divmod(n, len(RECEIPT_ALPHABET))
        chars.append(RECEIPT_ALPHABET[digit])
    return f"{''.join(chars[:4])}-{''.join(chars[4:])}"


def voter_tag(poll_id: int, representative_id: int) -> str:
    return _voter_tag(settings.BALLOT_KEY, poll_id, representative_id)


@functools.lru_cache(maxsize=8192)
def _voter_tag(ballot_key: str, poll_id: int, representative_id: int) -> str:
    # Remembered: the writer asks for one voter's tag three times a vote (finding the stored
    # ballot, keying the batch, making the row). Keyed on BALLOT_KEY itself, so a changed key
    # (a test's override) never answers with an old tag.
    message = f"ballot:{poll_id}:{representative_id}".encode()
    return hmac.new(ballot_key.encode(), message, hashlib.sha256).hexdigest()


class Poll(models.Model):
    class Kind(models.TextChoices):
        MOTION = "motion", _("Motion (For / Against / Abstain)")
        LIVE = "live", _("Live poll (options)")
        SCALE = "scale", _("Live poll (scale)")
        PICK = "pick", _("Pick up to N (the chosen-motions ballot)")
        # An ordered preference list over the options (an election by STV: the app that
        # owns such a poll counts it at close through voting.counting).
        RANKED = "ranked", _("Ranked ballot (preferences in order)")

    class Majority(models.TextChoices):
        SIMPLE = "simple", _("Simple majority of those voting for or against")
        TWO_THIRDS = "two_thirds", _("Two-thirds of those voting for or against")
        NONE = "none", _("No majority: a live poll")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Published")
        # Annulled by the secretariat (desk.actions.annul_and_rerun): kept in the record.
        ANNULLED = "annulled", _("Annulled")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="polls")
    motion = models.ForeignKey(Motion, null=True, blank=True, on_delete=models.CASCADE, related_name="polls")
    part = models.ForeignKey(MotionPart, null=True, blank=True, on_delete=models.CASCADE, related_name="polls")
    # Parts taken together ("(i) and (iii) together"): one vote deciding each of them.
    parts = models.ManyToManyField(MotionPart, blank=True, related_name="group_polls")
    # A decided question put again on purpose: the chair's reason, kept with the new vote.
    reput_reason = models.TextField(blank=True)
    # Put before the motion itself: an amendment or rider, or a procedural motion on it.
    amendment = models.ForeignKey(Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="polls")
    procedural = models.ForeignKey(
        ProceduralMotion, null=True, blank=True, on_delete=models.CASCADE, related_name="polls"
    )
    # An A/AR block: one vote covering several motions taken without debate.
    block_motions = models.ManyToManyField(Motion, blank=True, related_name="block_polls")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MOTION)
    question = models.CharField(max_length=500)
    majority = models.CharField(max_length=12, choices=Majority.choices, default=Majority.SIMPLE)
    max_choices = models.PositiveSmallIntegerField(default=1, help_text=_("How many options a pick ballot allows."))
    allow_change = models.BooleanField(default=False, help_text=_("Voters may change their vote while it is open."))
    secret = models.BooleanField(default=True, help_text=_("Off for a recorded (named) vote."))
    # A scale's end labels, shown beside its 1 and its N ("Not at all" … "Completely").
    scale_low_label = models.CharField(max_length=60, blank=True)
    scale_high_label = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The tally and outcome as declared at close (see voting.rules.Result.as_dict).
    result = models.JSONField(null=True, blank=True)
    # A secret poll's ballot key while it is open, wrapped under a key derived from
    # BALLOT_KEY (voting.secrecy); erased at close, when the ballots are unsealed.
    sealed_key = models.BinaryField(null=True, blank=True, editable=False)
    # Not stored: the unwrapped cipher, for one batch of votes or one close (voting.secrecy).
    ballot_cipher: Any = None
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conference", "status"])]

    def __str__(self) -> str:
        return self.question

    def is_accepting_votes(self, now: datetime.datetime | None = None) -> bool:
        if self.status != self.Status.OPEN:
            return False
        return self.closes_at is None or (now or timezone.now()) < self.closes_at


class Option(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(max_length=40, help_text=_("What a client sends: for, against, abstain, 1..N."))
    label = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    # On a chosen-motions ballot each option stands for a motion.
    motion = models.ForeignKey(Motion, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["poll", "key"], name="option_unique_key")]

    def __str__(self) -> str:
        return self.label


class Participation(models.Model):
    """That a representative has voted in a poll: the turnout, never the choice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    representative = models.ForeignKey(Representative, on_delete=models.CASCADE, related_name="participations")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "representative"], name="one_participation_per_voter")]

    def __str__(self) -> str:
        return f"Voted in poll #{self.poll_id}"


class Ballot(models.Model):
    """What was voted, with the receipt the voter can find on the published result.

    A secret poll's ballot while the poll is open: only ``voter_tag``, ``sealed`` (the
    choice, receipt and key, encrypted) and ``receipt_tag``. After its close: ``option``
    or ``picks``, ``receipt`` and ``key``, and no voter tag. A recorded vote's ballot:
    the plaintext columns, the voter tag and the representative, from the start.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    # One option; or, on a pick ballot, none here and the options in ``picks``; or, on a
    # ranked ballot, none here and the keys in order in ``ranking``.
    option = models.ForeignKey(Option, null=True, blank=True, on_delete=models.RESTRICT, related_name="ballots")
    picks = models.ManyToManyField(Option, blank=True, related_name="picked_in")
    # On a ranked ballot (in plaintext): the option keys in order of preference, distinct.
    ranking = models.JSONField(null=True, blank=True)
    # Not stored: what the ballot holds, unsealed or decided earlier in the same batch (voting.actions).
    opened: Contents | None = None
    # NULL, not "", where a column is empty: the unique constraints below allow many NULLs.
    voter_tag = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    receipt = models.CharField(max_length=9, null=True, blank=True)  # noqa: DJ001
    # The client's idempotency key of the vote as last accepted: a resend returns the same receipt.
    key = models.UUIDField(null=True, blank=True)
    sealed = models.BinaryField(null=True, blank=True, editable=False)
    receipt_tag = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # Only for a recorded (named) vote.
    representative = models.ForeignKey(
        Representative, null=True, blank=True, on_delete=models.SET_NULL, related_name="recorded_ballots"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter_tag"], name="one_ballot_per_voter"),
            models.UniqueConstraint(fields=["poll", "receipt"], name="unique_receipt"),
            models.UniqueConstraint(fields=["poll", "receipt_tag"], name="unique_sealed_receipt"),
        ]

    def __str__(self) -> str:
        # The receipt only: never the choice, never who voted.
        return f"Ballot {self.receipt or '(sealed)'} in poll #{self.poll_id}"
