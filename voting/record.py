"""The record of a motion: its wording as decided (``motions.wording``) with the votes that
decided it: counts and percentages, the casting vote, the block vote it was taken in, the
amendments' votes, and any correction with its reason.

One function, ``motion_record``, used wherever the record is printed: the resolutions
(PDF, CSV, JSON), the public motion page and the results exports. Its shape is
documented in docs/record.md.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motions.models import Motion, Outcome, OutcomeChange
from motions.wording import CARRIED_OUTCOMES, motion_wording

from . import rules
from .models import Poll


def _count(result: dict[str, Any], key: str) -> int:
    return next((c["count"] for c in result.get("counts", []) if c["key"] == key), 0)


def _percent(result: dict[str, Any], key: str) -> float:
    return next((c["percent"] for c in result.get("counts", []) if c["key"] == key), 0.0)


def result_summary(result: dict[str, Any] | None) -> str:
    """A result in the conference's words: "For 120 (60%), Against 80 (40%), Abstain 4:
    carried"; "For 100, Against 100: carried on the chair's casting vote"; "For 100,
    Against 100: equal votes, not carried"."""
    if not result or not result.get("counts"):
        return ""
    if result.get("majority") == "none":
        return ", ".join(f"{c['label']} {c['count']} ({c['percent']:g}%)" for c in result["counts"])
    votes_for, against, abstain = _count(result, "for"), _count(result, "against"), _count(result, "abstain")
    outcome = result.get("outcome", "")
    tie = votes_for == against
    counts = (
        _("For %(f)s, Against %(a)s") % {"f": votes_for, "a": against}
        if tie
        else _("For %(f)s (%(fp)s%%), Against %(a)s (%(ap)s%%)")
        % {"f": votes_for, "fp": f"{_percent(result, 'for'):g}", "a": against, "ap": f"{_percent(result, 'against'):g}"}
    )
    if abstain:
        counts += _(", Abstain %(n)s") % {"n": abstain}
    if result.get("casting_vote"):
        said = (
            _("carried on the chair's casting vote")
            if outcome == rules.CARRIED
            else _("lost on the chair's casting vote")
        )
    elif outcome == rules.TIE_AWAITING_CHAIR:
        said = _("equal votes: awaiting the chair's casting vote")
    elif tie and outcome == rules.LOST:
        return _("%(counts)s. Equal votes: not carried") % {"counts": counts}
    elif outcome == Outcome.CARRIED_AS_REFERENCE:
        said = _("carried as a reference")
    elif outcome == rules.CARRIED:
        said = _("carried") + (_(" by two-thirds") if result.get("majority") == "two_thirds" else "")
    else:
        said = _("lost") + (_(" (two-thirds needed)") if result.get("majority") == "two_thirds" else "")
    return f"{counts}: {said}"


def vote_record(poll: Poll) -> dict[str, Any]:
    """One published vote as the record prints it; a corrected result keeps the declared one."""
    result = poll.result or {}
    revisions = list(poll.revisions.all())
    corrections = [r for r in revisions if r.kind == "correction"]
    annulment = next((r for r in revisions if r.kind == "annulment"), None)
    declared = corrections[0].previous_result if corrections else result
    return {
        "poll_id": poll.pk,
        "question": poll.question,
        "parts": [p.label for p in poll.parts.all()] or ([poll.part.label] if poll.part else []),
        "majority": poll.majority,
        "for": _count(result, "for"),
        "against": _count(result, "against"),
        "abstain": _count(result, "abstain"),
        "percent_for": _percent(result, "for"),
        "percent_against": _percent(result, "against"),
        "percent_of": result.get("base_label", ""),
        "outcome": result.get("outcome", ""),
        "casting_vote": result.get("casting_vote", ""),
        "summary": result_summary(result),
        "published_at": poll.published_at.isoformat() if poll.published_at else None,
        "reput_reason": poll.reput_reason,
        # A corrected result: what was declared, and why it changed.
        "declared_summary": result_summary(declared) if corrections else "",
        "correction_reason": corrections[-1].reason if corrections else "",
        "annulled": bool(annulment) or poll.status == Poll.Status.ANNULLED,
        "annulled_reason": annulment.reason if annulment else "",
    }


def _published(polls: Any) -> list[Poll]:
    return list(
        polls.filter(published_at__isnull=False)
        .select_related("part")
        .prefetch_related("parts", "revisions")
        .order_by("published_at", "pk")
    )


def motion_record(motion: Motion) -> dict[str, Any]:
    """The full record of one motion: wording as decided, final status, every vote."""
    record = motion_wording(motion)
    own = _published(
        Poll.objects.filter(motion=motion, kind=Poll.Kind.MOTION, amendment__isnull=True, procedural__isnull=True)
    )
    block = _published(motion.block_polls.all())
    block_votes = []
    for poll in block:
        vote = vote_record(poll)
        vote["motions"] = sorted(poll.block_motions.values_list("number", flat=True))
        block_votes.append(vote)
    amendments = []
    for a in motion.amendments.select_related("proposer", "part"):
        votes = [vote_record(p) for p in _published(a.polls.all())]
        amendments.append(
            {
                "kind": a.kind,
                "part": a.part.label if a.part else None,
                "text": a.text,
                "new_wording": a.new_wording,
                "proposer": a.proposer.name if a.proposer else "",
                "outcome": a.outcome,
                "outcome_label": str(Outcome(a.outcome).label),
                "votes": votes,
            }
        )
    procedural = [
        {
            "kind": p.kind,
            "label": str(p.get_kind_display()),
            "subject": p.subject,
            "outcome": p.outcome,
            "votes": [vote_record(poll) for poll in _published(p.polls.all())],
        }
        for p in motion.procedural_motions.all()
    ]
    votes = [vote_record(p) for p in own]
    corrections = [
        {"from": c.previous, "to": c.outcome, "reason": c.reason, "at": c.at.isoformat()}
        for c in OutcomeChange.objects.filter(motion=motion).exclude(previous="").exclude(reason="")
    ]
    standing = [v for v in votes + block_votes if not v["annulled"]]
    declared = standing[-1]["outcome"] if standing else ""
    record.update(
        {
            "number": motion.number,
            "reference": motion_reference(motion),
            "title": motion.title,
            "section": motion.section.title,
            "proposer": motion.proposer.name if motion.proposer else "",
            "category": motion.category,
            "carried": motion.outcome in CARRIED_OUTCOMES,
            "as_reference": motion.outcome == Outcome.CARRIED_AS_REFERENCE,
            "without_debate": bool(block_votes),
            "votes": votes,
            "block_votes": block_votes,
            "amendments": amendments,
            "procedural": procedural,
            # The last standing vote's declared outcome, beside the outcome the record gives:
            # where a correction made them differ, the reason says why.
            "declared_outcome": declared,
            "corrections": corrections,
            "decided_at": motion.decided_at.isoformat() if motion.decided_at else None,
        }
    )
    return record


def motion_reference(motion: Motion) -> str:
    """How the agenda numbers a motion: 12, or E1 for an emergency motion."""
    return motion.reference
