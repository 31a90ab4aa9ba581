"""Elections by single transferable vote, held on the vote path.

An election IS a voting poll of the kind "ranked": its options are the candidates (an
option's key is the candidate's id), its ballots are voting's Ballot rows carrying an ordered
``ranking``, and who voted is voting's Participation, kept apart from what was voted exactly
as for motions (keyed voter tag, random ids, no timestamps, rows shuffled at close). So an
election is opened, voted in, resent offline, counted down, closed and published as every
vote is; its status, times and ``allow_change`` are the poll's, not copies.

What the poll does not know lives here: the seats, the counting method, the candidates'
details (LMC, statement, group tags), the constraints and the lot's seed. The count itself
runs at close (``elections.counting.count_poll``, registered with ``voting.counting``) and its
result sheet is the poll's declared result, ``poll.result["sheet"]``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.models import LMC, Conference
from voting.models import Poll


class Election(models.Model):
    class Method(models.TextChoices):
        SCOTTISH = "scottish", _("Scottish STV (SSI 2007/42)")
        ERS97 = "ers97", _("ERS97 (Electoral Reform Society, 1997)")
        MEEK = "meek", _("Meek STV")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="elections")
    poll = models.OneToOneField(Poll, on_delete=models.CASCADE, related_name="election")
    title = models.CharField(max_length=200)
    seats = models.PositiveSmallIntegerField(default=1)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.SCOTTISH)
    # The group constraints, as data: [{"group": tag, "minimum": n, "maximum": n or null}].
    # A reserved seat is a group with minimum 1 (e.g. {"group": "new member", "minimum": 1}).
    constraints = models.JSONField(default=list, blank=True)
    # Drawn afresh at close (a CSPRNG) and published with the result: any lot can be redrawn.
    seed = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["conference", "title"], name="election_unique_title")]

    def __str__(self) -> str:
        return self.title

    # The poll's state, not a copy of it.
    @property
    def status(self) -> str:
        return self.poll.status

    @property
    def allow_change(self) -> bool:
        return self.poll.allow_change

    @property
    def opened_at(self) -> Any:
        return self.poll.opened_at

    @property
    def closes_at(self) -> Any:
        return self.poll.closes_at

    @property
    def closed_at(self) -> Any:
        return self.poll.closed_at

    @property
    def published_at(self) -> Any:
        return self.poll.published_at

    @property
    def sheet(self) -> dict[str, Any] | None:
        """The result sheet (``elections.count.as_dict``) once counted."""
        result = self.poll.result or {}
        sheet = result.get("sheet")
        return sheet if isinstance(sheet, dict) else None


class Candidate(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=200)
    lmc = models.ForeignKey(LMC, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    statement = models.TextField(blank=True, max_length=2000)
    order = models.PositiveIntegerField(default=0)
    # Tags the constraints name, e.g. ["new member"] or ["North"].
    groups = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["election", "name"], name="candidate_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        """The poll option's key: what a phone sends in its ranking."""
        return str(self.pk)
