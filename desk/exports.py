"""Exports: the set-up data in the import's own columns, the results, the resolutions.

Nothing here ties a choice to a person in a secret ballot: the results export carries
counts only, and names only for a recorded (named) vote.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import tablib
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from conference.models import Conference, Representative
from motions.models import Motion
from voting.models import Poll
from voting.record import motion_record, result_summary
from voting.snapshot import recorded_votes

from .imports import COLUMNS, format_parts
from .spreadsheet import csv_bytes, export_bytes

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "pdf": "application/pdf",
}


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def setup_dataset(conference: Conference, kind: str) -> tablib.Dataset:
    required, optional = COLUMNS[kind]
    data = tablib.Dataset(headers=required + optional, title=kind)
    if kind == "lmcs":
        for lmc in conference.lmcs.order_by("name"):
            data.append([lmc.name, lmc.seats])
    elif kind == "representatives":
        # Access codes are credentials: they never leave through an export.
        reps = conference.representatives.select_related("lmc").order_by("lmc__name", "name", "pk")
        for rep in reps:
            data.append([rep.name, rep.lmc.name if rep.lmc else "", rep.email, rep.role, _yes_no(rep.is_active)])
    else:
        motions = conference.motions.select_related("section", "proposer").prefetch_related("parts")
        for m in motions.order_by("number"):
            parts = format_parts([(p.label, p.text) for p in m.parts.all()])
            data.append(
                [
                    m.number,
                    m.section.title,
                    m.title,
                    m.text,
                    m.category,
                    parts,
                    m.proposer.name if m.proposer else "",
                    _yes_no(m.requires_two_thirds),
                ]
            )
    return data


def export_setup(conference: Conference, kind: str, fmt: str) -> bytes:
    data = setup_dataset(conference, kind)
    # CSV with a byte-order mark (Excel then reads the UTF-8; the import accepts it), and
    # no cell a spreadsheet would run as a formula.
    return export_bytes(data, fmt)


# --- Results of the whole conference -------------------------------------------------


RESULT_COLUMNS = [
    "poll_id",
    "motion",
    "part",
    "section",
    "question",
    "kind",
    "majority",
    "secret",
    "status",
    "outcome",
    "summary",
    "option",
    "count",
    "percent",
    "percent_of",
    "total",
    "base",
    "opened_at",
    "closed_at",
    "published_at",
    "corrected",
    "annulled",
    "rerun_of",
]


def _stamp(value: Any) -> str:
    return value.isoformat() if value else ""


def results_records(conference: Conference, published_only: bool = False) -> list[dict[str, Any]]:
    """One record per poll that has a result: counts, outcome, timestamps, its history.

    ``published_only`` is the public export: what was published (annulled ones included,
    marked), nothing the chair has not yet declared.
    """
    polls = Poll.objects.filter(conference=conference, result__isnull=False)
    if published_only:
        polls = polls.filter(published_at__isnull=False)
    polls = (
        polls.select_related("motion", "part", "motion__section")
        .prefetch_related("revisions", "rerun_of", "block_motions")
        .order_by("opened_at", "pk")
    )
    records = []
    for poll in polls:
        result = poll.result or {}
        revisions = list(poll.revisions.all())
        rerun_of = [r.poll_id for r in poll.rerun_of.all()]
        block = sorted(m.number for m in poll.block_motions.all())
        records.append(
            {
                "poll_id": poll.pk,
                "motion": poll.motion.number if poll.motion else None,
                # A block vote names each of its motions.
                "motions": [poll.motion.number] if poll.motion else block,
                "summary": result_summary(result),
                "casting_vote": result.get("casting_vote", ""),
                "part": poll.part.label if poll.part else "",
                "section": poll.motion.section.title if poll.motion else "",
                "question": poll.question,
                "kind": poll.kind,
                "majority": poll.majority,
                "secret": poll.secret,
                "status": poll.status,
                "outcome": result.get("outcome", ""),
                "counts": result.get("counts", []),
                "total": result.get("total", 0),
                "base": result.get("base", 0),
                "opened_at": _stamp(poll.opened_at),
                "closed_at": _stamp(poll.closed_at),
                "published_at": _stamp(poll.published_at),
                "corrections": [
                    {"at": _stamp(r.at), "reason": r.reason, "previous": r.previous_result, "new": r.new_result}
                    for r in revisions
                    if r.kind == r.Kind.CORRECTION
                ],
                "annulled": next(
                    (
                        {"at": _stamp(r.at), "reason": r.reason, "rerun_poll_id": r.rerun_id}
                        for r in revisions
                        if r.kind == r.Kind.ANNULMENT
                    ),
                    None,
                ),
                "rerun_of": rerun_of[0] if rerun_of else None,
                # Names only where the conference chose a recorded vote.
                "recorded_votes": [{"name": n, "vote": v} for n, v in recorded_votes(poll)],
            }
        )
    return records


def results_json(conference: Conference, published_only: bool = False) -> bytes:
    body = {
        "conference": {"name": conference.name, "slug": conference.slug},
        "polls": results_records(conference, published_only),
    }
    return json.dumps(body, cls=DjangoJSONEncoder, indent=2).encode()


def results_csv(conference: Conference, published_only: bool = False) -> bytes:
    """One line per option of each poll, so every count is its own cell."""
    data = tablib.Dataset(headers=RESULT_COLUMNS)
    for rec in results_records(conference, published_only):
        for motion, count in ((m, c) for m in rec["motions"] or [""] for c in rec["counts"] or [{}]):
            data.append(
                [
                    rec["poll_id"],
                    motion,
                    rec["part"],
                    rec["section"],
                    rec["question"],
                    rec["kind"],
                    rec["majority"],
                    _yes_no(rec["secret"]),
                    rec["status"],
                    rec["outcome"],
                    rec["summary"],
                    count.get("key", ""),
                    count.get("count", ""),
                    count.get("percent", ""),
                    count.get("percent_of", ""),
                    rec["total"],
                    rec["base"],
                    rec["opened_at"],
                    rec["closed_at"],
                    rec["published_at"],
                    _yes_no(bool(rec["corrections"])),
                    _yes_no(bool(rec["annulled"])),
                    rec["rerun_of"] or "",
                ]
            )
    return csv_bytes(data)


# --- The resolutions: what the conference carried, and the full record -----------------


def _motions(conference: Conference) -> Any:
    return (
        Motion.objects.filter(conference=conference)
        .select_related("section", "proposer")
        .prefetch_related("parts")
        .order_by("section__order", "section__pk", "order", "number")
    )


def _by_section(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for rec in records:
        if not sections or sections[-1]["section"] != rec["section"]:
            sections.append({"section": rec["section"], "motions": []})
        sections[-1]["motions"].append(rec)
    return sections


def _resolution(record: dict[str, Any]) -> dict[str, Any]:
    """The record of a motion with the resolutions' own keys (kept stable for readers:
    ``text`` and each part's ``text`` are the wording as decided)."""
    return {**record, "outcome": record["status"], "outcome_label": record["status_label"]}


def full_record(conference: Conference) -> list[dict[str, Any]]:
    """Every motion on the agenda, by section, with its final status and its votes."""
    return _by_section([_resolution(motion_record(m)) for m in _motions(conference)])


def resolutions(conference: Conference, record: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Carried motions by section (references and the parts carried or lost marked), as decided."""
    sections = record if record is not None else full_record(conference)
    carried = [m for section in sections for m in section["motions"] if m["carried"]]
    return _by_section(carried)


def record_counts(sections: list[dict[str, Any]]) -> dict[str, int]:
    """How many motions ended each way: the counts the resolutions document prints."""
    counts: Counter[str] = Counter(m["status"] or "open" for s in sections for m in s["motions"])
    return {"motions": sum(counts.values()), **dict(sorted(counts.items()))}


def conference_header(conference: Conference) -> dict[str, Any]:
    return {
        "name": conference.name,
        "slug": conference.slug,
        "starts_on": conference.starts_on.isoformat() if conference.starts_on else None,
        "ends_on": conference.ends_on.isoformat() if conference.ends_on else None,
        "venue": conference.venue,
    }


def resolutions_json(conference: Conference) -> bytes:
    """The resolutions and the full record; the shape is documented in docs/record.md."""
    record = full_record(conference)
    body = {
        "conference": conference_header(conference),
        "counts": record_counts(record),
        "sections": resolutions(conference, record),
        "record": record,
    }
    return json.dumps(body, indent=2, cls=DjangoJSONEncoder).encode()


RESOLUTION_COLUMNS = ["section", "motion", "part", "title", "text", "proposer", "outcome"]
RECORD_COLUMNS = RESOLUTION_COLUMNS + ["as_amended", "tabled_text", "status", "vote", "block_vote", "correction"]


def resolutions_csv(conference: Conference) -> bytes:
    """The resolutions: one line per carried motion and one per part, the wording as
    decided, the tabled text beside it where it was amended, and the votes."""
    data = tablib.Dataset(headers=RECORD_COLUMNS)
    for section in resolutions(conference):
        for m in section["motions"]:
            vote = "; ".join(v["summary"] for v in m["votes"] if not v["annulled"] and not v["parts"])
            block = "; ".join(
                _("Block vote on %(numbers)s: %(summary)s")
                % {"numbers": ", ".join(map(str, v["motions"])), "summary": v["summary"]}
                for v in m["block_votes"]
                if not v["annulled"]
            )
            correction = "; ".join(c["reason"] for c in m["corrections"])
            data.append(
                [section["section"], m["reference"], "", m["title"], m["stem"], m["proposer"], m["status"],
                 _yes_no(m["stem_amended"]), m["tabled_text"] if m["stem_amended"] else "", m["status_label"], vote,
                 block, correction]
            )  # fmt: skip
            for p in m["parts"]:
                part_vote = "; ".join(
                    v["summary"] for v in m["votes"] if not v["annulled"] and p["label"] in v["parts"]
                )
                data.append(
                    [section["section"], m["reference"], p["label"], m["title"], p["text"], m["proposer"],
                     p["outcome"], _yes_no(p["amended"]), p["tabled_text"] if p["amended"] else "",
                     p["outcome_label"], part_vote, "", ""]
                )  # fmt: skip
            for rider in m["riders"]:  # a rider adds to the whole motion, after its parts
                data.append(
                    [section["section"], m["reference"], _("rider"), m["title"], rider, m["proposer"], "carried",
                     _yes_no(True), "", _("Rider carried"), "", "", ""]
                )  # fmt: skip
    return csv_bytes(data)


def representatives_to_email(conference: Conference) -> list[Representative]:
    return list(conference.representatives.filter(is_active=True).exclude(email="").select_related("lmc"))
