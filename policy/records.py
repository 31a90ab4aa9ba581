"""From a conference's decided motions (plain data) to the rows of the policy book.

The input is the shape of the resolutions JSON (``desk/exports.py``): per
motion its number, section, title, text, proposer, outcome and parts. Newer keys are
read where present: ``wording`` (the wording as decided: amended, with any rider),
``tabled_text`` and ``counts`` (``{"for": 120, "against": 30, "abstain": 5}`` or the
results export's list of ``{"key": "for", "count": 120}``), on the motion and on each part.

One carried motion is one entry; a motion in parts gives one entry per carried part,
its wording opening with the motion's own words (the "That conference demands:" part).
A part without an outcome of its own was decided with the whole.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .models import EntryOutcome, EntryStatus, clean_text, make_reference

CARRIED = set(EntryOutcome.values)
PART_CARRIED = {EntryOutcome.CARRIED, EntryOutcome.CARRIED_AS_REFERENCE}

Counts = tuple[int | None, int | None, int | None]
NO_COUNTS: Counts = (None, None, None)


@dataclass
class EntryRow:
    """One entry as plain data: what ``actions`` writes for a record or an import."""

    reference: str
    conference_name: str
    year: int
    date: datetime.date | None
    motion_number: str
    part: str
    title: str
    wording: str
    section: str = ""
    proposer: str = ""
    tabled_wording: str = ""
    outcome: str = EntryOutcome.CARRIED
    counts: Counts = NO_COUNTS
    percents: tuple[Decimal | None, Decimal | None, Decimal | None] | None = None  # when only these are known
    status: str = ""  # empty: policy, or reference for a motion carried as a reference
    superseded_by: str = ""
    reaffirmed_by: str = ""
    last_affirmed: datetime.date | None = None
    body_code: str = ""

    @property
    def initial_status(self) -> str:
        if self.status:
            return self.status
        if self.superseded_by:
            return EntryStatus.SUPERSEDED
        if self.reaffirmed_by:
            return EntryStatus.REAFFIRMED
        return initial_status(self.outcome)

    @property
    def carried_on(self) -> datetime.date:
        return self.date or datetime.date(self.year, 12, 31)


def initial_status(outcome: str) -> str:
    return EntryStatus.REFERENCE if outcome == EntryOutcome.CARRIED_AS_REFERENCE else EntryStatus.POLICY


def motions_from_resolutions(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The resolutions JSON's sections flattened: each motion with its "section"."""
    motions = []
    for section in body.get("sections") or []:
        for motion in section.get("motions") or []:
            motions.append({**motion, "section": motion.get("section") or section.get("section", "")})
    return motions


def motions_from_record(sections: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The published record's motions (``desk.exports.resolutions``: voting/record.py's keys)
    as decided-motion records: the agenda's number (``E1`` for an emergency motion), the
    wording as decided (``text``, each part's too) and the counts of the last standing vote
    on the motion (its own or a block vote) and on each part."""
    motions = []
    for motion in motions_from_resolutions({"sections": list(sections)}):
        standing = [v for v in motion.get("votes") or [] if not v.get("annulled")]
        blocks = [v for v in motion.get("block_votes") or [] if not v.get("annulled")]
        whole = [v for v in standing if not v.get("parts")] + blocks
        parts = [
            {**p, "counts": _last_counts([v for v in standing if p.get("label") in (v.get("parts") or [])])}
            for p in motion.get("parts") or []
        ]
        number = motion.get("reference") or motion.get("number")
        motions.append({**motion, "number": number, "counts": _last_counts(whole), "parts": parts})
    return motions


def _last_counts(votes: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    return {key: votes[-1].get(key) for key in ("for", "against", "abstain")} if votes else None


def read_counts(value: Any) -> Counts:
    """(for, against, abstain) from either shape of counts; None where not given."""
    if isinstance(value, Mapping):
        found: dict[Any, Any] = {key: value.get(key) for key in ("for", "against", "abstain")}
    elif isinstance(value, list):
        found = {c.get("key"): c.get("count") for c in value if isinstance(c, Mapping)}
    else:
        return NO_COUNTS

    def number(key: str) -> int | None:
        count = found.get(key)
        return count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None

    return number("for"), number("against"), number("abstain")


def counts_from_results(results: Mapping[str, Any]) -> dict[tuple[str, str], Counts]:
    """The results JSON's last valid vote on each motion and part: {(number, part label): counts}."""
    counts: dict[tuple[str, str], Counts] = {}
    for poll in results.get("polls") or []:
        if poll.get("motion") is None or poll.get("status") == "annulled" or poll.get("kind", "motion") != "motion":
            continue
        counts[(str(poll["motion"]), str(poll.get("part") or ""))] = read_counts(poll.get("counts"))
    return counts


def add_counts(motions: list[dict[str, Any]], results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The motions with the counts of the results export wherever they have none of their own."""
    counts = counts_from_results(results)
    with_counts = []
    for motion in motions:
        number = str(motion.get("number"))
        parts = [
            {**p, "counts": p.get("counts") or _as_mapping(counts.get((number, str(p.get("label")))))}
            for p in motion.get("parts") or []
        ]
        own = motion.get("counts") or _as_mapping(counts.get((number, "")))
        with_counts.append({**motion, "counts": own, "parts": parts})
    return with_counts


def _as_mapping(counts: Counts | None) -> dict[str, int | None] | None:
    return dict(zip(("for", "against", "abstain"), counts, strict=True)) if counts else None


def wording_of(record: Mapping[str, Any]) -> str:
    return clean_text(record.get("wording") or record.get("text_as_amended") or record.get("text") or "")


def tabled_of(record: Mapping[str, Any], wording: str) -> str:
    tabled = clean_text(record.get("tabled_text") or record.get("text") or "")
    return "" if tabled == wording else tabled


@dataclass(frozen=True)
class Where:
    """Which conference a record is of: the same for each of its motions."""

    body_code: str
    conference_name: str
    year: int
    date: datetime.date | None


def rows_from_motions(motions: Iterable[Mapping[str, Any]], where: Where) -> list[EntryRow]:
    rows: list[EntryRow] = []
    for motion in motions:
        rows.extend(rows_of_motion(motion, where))
    return rows


def rows_of_motion(motion: Mapping[str, Any], where: Where) -> list[EntryRow]:
    outcome = str(motion.get("outcome") or "")
    if outcome not in CARRIED:
        return []
    wording = wording_of(motion)
    base: dict[str, Any] = {
        "conference_name": where.conference_name,
        "year": where.year,
        "date": where.date,
        "motion_number": str(motion.get("number", "")).strip(),
        "title": clean_text(motion.get("title") or ""),
        "section": clean_text(motion.get("section") or ""),
        "proposer": clean_text(motion.get("proposer") or ""),
        "body_code": where.body_code,
    }
    parts = motion.get("parts") or []
    if not parts:
        reference = make_reference(where.year, where.body_code, base["motion_number"])
        counts = read_counts(motion.get("counts"))
        tabled = tabled_of(motion, wording)
        return [
            EntryRow(reference, part="", wording=wording, tabled_wording=tabled, outcome=outcome, counts=counts, **base)
        ]
    # A motion in parts reads: its opening words, the part, then the riders added to the whole
    # (``stem`` and ``riders``, where the record has them).
    opening = clean_text(motion.get("stem") or "") or wording
    riders = [clean_text(r) for r in motion.get("riders") or [] if clean_text(r)]
    return [row for part in parts if (row := _part_row(motion, part, opening, base, where, riders)) is not None]


def _part_row(
    motion: Mapping[str, Any],
    part: Mapping[str, Any],
    opening: str,
    base: dict[str, Any],
    where: Where,
    riders: list[str] | None = None,
) -> EntryRow | None:
    motion_outcome = str(motion.get("outcome") or "")
    # A part with no outcome of its own was decided with the whole (not when carried in part).
    with_whole = motion_outcome if motion_outcome != EntryOutcome.CARRIED_IN_PART else ""
    outcome = str(part.get("outcome") or with_whole)
    if outcome not in PART_CARRIED:
        return None
    label = clean_text(str(part.get("label") or "")).lower()
    text = wording_of(part)
    tabled_opening = tabled_of(motion, opening) or opening
    tabled = f"{tabled_opening}\n({label}) {clean_text(part.get('tabled_text') or part.get('text') or '')}"
    wording = "\n".join([f"{opening}\n({label}) {text}", *(riders or [])])
    counts = read_counts(part.get("counts"))
    if counts == NO_COUNTS and not part.get("outcome"):
        counts = read_counts(motion.get("counts"))
    return EntryRow(
        make_reference(where.year, where.body_code, base["motion_number"], label),
        part=label,
        wording=wording,
        tabled_wording="" if tabled == wording else tabled,
        outcome=outcome,
        counts=counts,
        **base,
    )
