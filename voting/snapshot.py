"""What clients see: payloads for motions, polls and results, and the full snapshot.

A client that connects or reconnects gets a snapshot; afterwards events keep it current.
The snapshot plus the events that follow it equal a fresh snapshot (tests prove it).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Conference, Representative
from motions import procedure
from motions.diff import word_diff
from motions.models import Outcome
from motions.payloads import labels, load_motion, motion_payload, procedure_snapshot, waiting_by_motion
from motions.wording import stem_and_riders, wording_if_carried, words_under_vote

from . import rules, secrecy
from .models import Ballot, Poll, voter_tag
from .turnout import count_turnout

log = logging.getLogger(__name__)


def client_labels() -> dict[str, Any]:
    """Every name a client shows for a value: the models' choices, and what voting adds."""
    outcome = labels()["outcome"] | {rules.TIE_AWAITING_CHAIR: _("Tie: awaiting the chair's casting vote")}
    declared = sorted(procedure.DECLARED_OUTCOMES, key=list(Outcome.values).index)
    return labels() | {
        "outcome": outcome,
        "declared": {o: outcome[o] for o in declared},
        "poll_status": {v: str(label) for v, label in Poll.Status.choices},
        "poll_kind": {v: str(label) for v, label in Poll.Kind.choices},
    }


def under_vote(poll: Poll) -> dict[str, Any]:
    """The exact words under vote (``text``), and what the phone and the projector need to
    show them: a part highlighted within its motion, an amendment's change marked word by
    word with the wording it would give if carried, or the block's motions."""
    if poll.amendment_id is not None:
        amendment = poll.amendment
        assert amendment is not None
        target = amendment.part if amendment.part is not None else amendment.motion
        after = wording_if_carried(amendment)
        return {
            "kind": amendment.kind,
            "text": amendment.text,
            "part": amendment.part.label if amendment.part else None,
            "proposer": amendment.proposer.name if amendment.proposer else "",
            "wording_if_carried": after,
            "diff": word_diff(target.wording, after),
        }
    if poll.procedural_id is not None:
        procedural = poll.procedural
        if procedural is None:
            return {"kind": "procedural", "text": ""}
        # A challenge names the ruling, a suspension the standing order: the hall sees which.
        label, subject = str(procedural.get_kind_display()), procedural.subject
        return {"kind": "procedural", "text": f"{label}: {subject}" if subject else label, "subject": subject}
    if poll.motion_id is not None:
        motion = poll.motion
        assert motion is not None
        parts = list(poll.parts.all()) or ([poll.part] if poll.part is not None else [])
        text = "\n".join(words_under_vote(motion, p) for p in parts) if parts else words_under_vote(motion)
        every = list(motion.parts.all())
        return {
            "kind": "part" if parts else "motion",
            "text": text,
            # Parts on their own are as amended when they were, not when a rider was added to the whole.
            "as_amended": any(p.text_as_amended for p in parts)
            if parts
            else bool(motion.text_as_amended) or any(p.text_as_amended for p in every),
            "stem": stem_and_riders(motion, every)[0],
            "parts_under_vote": [p.label for p in parts],
            "motion_parts": [{"label": p.label, "text": p.wording} for p in every],
        }
    if poll.kind == Poll.Kind.MOTION:
        motions = poll.block_motions.order_by("number")
        return {
            "kind": "block",
            "text": "\n".join(f"{m.number}. {m.title}" for m in motions),
            "motions": [{"id": m.pk, "number": m.number, "title": m.title} for m in motions],
        }
    return {"kind": poll.kind, "text": poll.question}


def poll_payload(poll: Poll) -> dict[str, Any]:
    return {
        "id": poll.pk,
        "question": poll.question,
        "kind": poll.kind,
        "motion_id": poll.motion_id,
        "part": poll.part.label if poll.part else None,
        # Parts taken together, by label; and the exact words the hall is voting on.
        "parts": [p.label for p in poll.parts.all()],
        "under_vote": under_vote(poll),
        "reput": bool(poll.reput_reason),
        "reput_reason": poll.reput_reason,
        "amendment_id": poll.amendment_id,
        "procedural_id": poll.procedural_id,
        "block": list(poll.block_motions.values_list("pk", flat=True))
        if poll.kind == Poll.Kind.MOTION and poll.motion_id is None
        else [],
        "options": [{"key": o.key, "label": o.label} for o in poll.options.all()],
        "status": poll.status,
        "majority": poll.majority,
        "allow_change": poll.allow_change,
        "max_choices": poll.max_choices,
        "secret": poll.secret,
        "scale_labels": [poll.scale_low_label, poll.scale_high_label] if poll.kind == Poll.Kind.SCALE else None,
        "opened_at": poll.opened_at.isoformat() if poll.opened_at else None,
        "closes_at": poll.closes_at.isoformat() if poll.closes_at else None,
    }


def published_payload(poll: Poll) -> dict[str, Any]:
    """A published result: counts and outcome. It goes to every phone, so it stays
    small; the receipts (and, for a recorded vote, the names) are on the results page.
    """
    return {
        "poll_id": poll.pk,
        "poll": poll_payload(poll),
        "result": poll.result,
        "published_at": poll.published_at.isoformat() if poll.published_at else None,
    }


def ballot_label(ballot: Ballot) -> str:
    """What a ballot chose, for people: one option, a pick ballot's options, or a ranking."""
    if ballot.option is not None:
        return ballot.option.label
    if ballot.ranking is not None:
        labels = {o.key: o.label for o in ballot.poll.options.all()}
        return "; ".join(f"{i}. {labels.get(k, k)}" for i, k in enumerate(ballot.ranking, 1))
    return "; ".join(o.label for o in sorted(ballot.picks.all(), key=lambda o: o.order))


def published_receipts(poll: Poll) -> list[tuple[str, str]]:
    """(receipt, what was chosen) for each ballot: each voter can find their own."""
    ballots = (
        Ballot.objects.filter(poll=poll)
        .select_related("option")
        .prefetch_related("picks", "poll__options")
        .order_by("receipt")
    )
    return [(b.receipt or "", ballot_label(b)) for b in ballots]


def recorded_votes(poll: Poll) -> list[tuple[str, str]]:
    """Only for a recorded (named) vote: (representative, option label)."""
    if poll.secret:
        return []
    ballots = (
        Ballot.objects.filter(poll=poll, representative__isnull=False)
        .select_related("option", "representative")
        .prefetch_related("picks", "poll__options")
    )
    return sorted((b.representative.name if b.representative else "", ballot_label(b)) for b in ballots)


def my_vote(poll: Poll, representative: Representative) -> dict[str, Any] | None:
    return my_votes(poll.pk, [representative]).get(representative.pk)


def my_votes(poll_id: int, representatives: list[Representative]) -> dict[int, dict[str, Any]]:
    """Each representative's own ballot in a poll (by representative id): one query for all.
    A secret poll's ballots are unsealed here, each with its own voter tag."""
    tags = {voter_tag(poll_id, r.pk): r.pk for r in representatives}
    ballots = list(
        Ballot.objects.filter(poll_id=poll_id, voter_tag__in=list(tags))
        .select_related("option")
        .prefetch_related("picks")
    )
    if not ballots:
        return {}
    poll = Poll.objects.prefetch_related("options").get(pk=poll_id)
    found: dict[int, dict[str, Any]] = {}
    for b in ballots:
        try:
            c = secrecy.contents(poll, b)
        except secrecy.BallotKeyLost as lost:
            log.error("secret poll %s: %s", poll_id, lost)
            return {}
        found[tags[b.voter_tag or ""]] = {
            "poll_id": poll_id,
            "choice": c.client_choice,
            "receipt": c.receipt,
            "key": str(c.key),
        }
    return found


def _shared_part(conference: Conference, audience: str) -> dict[str, Any]:
    """What every viewer of this audience sees alike: the item, the open poll, the results."""
    current = conference.current_motion
    if current is not None:
        current = load_motion(current.pk)
    polls = (
        Poll.objects.filter(conference=conference)
        .select_related("part", "motion", "procedural")
        .prefetch_related("options")
    )
    active = polls.filter(status=Poll.Status.OPEN).first()
    return {
        "labels": client_labels(),
        "item": motion_payload(current),
        "poll": poll_payload(active) if active else None,
        "published": [
            published_payload(p) for p in polls.filter(status=Poll.Status.PUBLISHED).order_by("-published_at")[:5]
        ],
        # The timer, the speech and the A/AR block change only with a seq; the speaker
        # queue (staff only, no seq) is in the staff part, which is never cached.
    } | procedure_snapshot(conference, audience, current)


# The shared part per (conference, seq, audience), kept briefly in each process: a connect
# storm of thousands of phones then costs one build a second, not one each (bench/README.md).
# Every change clients must see takes a new seq, so a cached part is never older than the
# seq it is sent with; the short lifetime bounds an edit that takes none (an admin's typo fix).
_shared_cache: dict[tuple[int, int, str], tuple[float, dict[str, Any]]] = {}


def shared_part(conference: Conference, audience: str) -> dict[str, Any]:
    lifetime = settings.SNAPSHOT_CACHE_SECONDS
    key = (conference.pk, conference.event_seq, audience)
    hit = _shared_cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < lifetime:
        return hit[1]
    part = _shared_part(conference, audience)
    # Keep it only if nothing changed while it was built: its state is then the seq's.
    if lifetime > 0 and Conference.objects.filter(pk=conference.pk, event_seq=conference.event_seq).exists():
        if len(_shared_cache) > 1000:
            _shared_cache.clear()
        _shared_cache[key] = (time.monotonic(), part)
    return part


def build_snapshot(conference: Conference, viewer: Representative | None, audience: str) -> dict[str, Any]:
    """audience: "reps", "staff" or "screen"."""
    return build_snapshots([(conference, viewer, audience)])[0]


def build_snapshots(
    requests: list[tuple[Conference, Representative | None, str]],
) -> list[dict[str, Any]]:
    """Many snapshots at once (a connect storm): one read of the conferences' seq, the
    shared parts from the cache, and one query for the phones' own votes per open poll."""
    fresh = {
        pk: (seq, current)
        for pk, seq, current in Conference.objects.filter(pk__in={c.pk for c, _, _ in requests}).values_list(
            "pk", "event_seq", "current_motion_id"
        )
    }
    shared_of: dict[tuple[int, int, str], dict[str, Any]] = {}
    assembled: list[tuple[dict[str, Any], Representative | None, str]] = []
    for conference, viewer, audience in requests:
        if conference.pk in fresh:
            conference.event_seq, conference.current_motion_id = fresh[conference.pk]
        key = (conference.pk, conference.event_seq, audience)
        if audience == "staff":
            shared = _shared_part(conference, audience)
        else:
            if key not in shared_of:
                shared_of[key] = shared_part(conference, audience)
            shared = shared_of[key]
        assembled.append((_snapshot(conference, viewer, audience, shared), viewer, audience))
    voters_by_poll: dict[int, list[Representative]] = {}
    for snapshot, viewer, _audience in assembled:
        if "my_vote" in snapshot and viewer is not None:
            voters_by_poll.setdefault(snapshot["poll"]["id"], []).append(viewer)
    found = {poll_id: my_votes(poll_id, voters) for poll_id, voters in voters_by_poll.items()}
    for snapshot, viewer, _audience in assembled:
        if "my_vote" in snapshot and viewer is not None:
            snapshot["my_vote"] = found[snapshot["poll"]["id"]].get(viewer.pk)
    add_speaker_places(assembled)
    return [snapshot for snapshot, _, _ in assembled]


def add_speaker_places(assembled: list[tuple[dict[str, Any], Representative | None, str]]) -> None:
    """The phones' part of the speaker queue (never cached: it changes without a seq): the
    waiting requests' ids in order, and the viewer's own waiting request. One query for all
    the viewers, however many connect at once."""
    reps = [(s, v) for s, v, audience in assembled if audience == "reps" and v is not None]
    motions = {s["item"]["id"] for s, _ in reps if s.get("item")}
    if not reps:
        return
    queues = waiting_by_motion(motions)
    for snapshot, viewer in reps:
        waiting = queues.get(snapshot["item"]["id"], []) if snapshot.get("item") else []
        snapshot["speaker_places"] = [request_id for request_id, _ in waiting]
        snapshot["my_request"] = next((pk for pk, rep_id in waiting if rep_id == viewer.pk), None)


def _snapshot(
    conference: Conference, viewer: Representative | None, audience: str, shared: dict[str, Any]
) -> dict[str, Any]:
    active_id = shared["poll"]["id"] if shared["poll"] else None
    snapshot: dict[str, Any] = {
        "type": "snapshot",
        "seq": conference.event_seq,
        "now": timezone.now().isoformat(),
        "conference": {"id": conference.pk, "name": conference.name, "slug": conference.slug},
        **shared,
    }
    if viewer is not None:
        snapshot["me"] = {
            "id": viewer.pk,
            "name": viewer.name,
            "lmc": viewer.lmc.name if viewer.lmc else "",
            "role": viewer.role,
            "can_vote": viewer.can_vote,
        }
        if active_id is not None and audience == "reps":
            snapshot["my_vote"] = None  # filled in by build_snapshots, one query for all
    if active_id is not None and audience in {"staff", "screen"}:
        snapshot["turnout"] = count_turnout(active_id)
    if audience == "staff":
        polls = Poll.objects.filter(conference=conference).select_related("part").prefetch_related("options")
        closed = polls.filter(status=Poll.Status.CLOSED).order_by("-closed_at").first()
        snapshot["closed"] = (
            {"poll_id": closed.pk, "poll": poll_payload(closed), "result": closed.result} if closed else None
        )
    return snapshot
