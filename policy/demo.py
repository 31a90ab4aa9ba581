"""The demo's policy book: the Conference of England LMCs 2025, decided and published.

``load_policy_demo()`` writes it through the documented import (a policy CSV), so the
demo exercises the same path as a body's older records; a second run changes nothing.
Two older entries show the links: a 2021 seniority-pay resolution the 2025 conference
reaffirmed, and a 2019 indemnity resolution it superseded. One Welsh conference entry
is bilingual, so that "meddygon teulu" finds something.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from conference.models import Conference

from . import actions, imports
from .models import PolicyBody

DEMO_CONFERENCE_SLUG = "england-2026"
ENGLAND = ("ENG", "Conference of England LMCs", 5)
WALES = ("WAL", "Welsh LMCs Conference", 5)
ENGLAND_2025 = {"body": "ENG", "conference": "Conference of England LMCs 2025", "year": 2025, "date": "2025-11-13"}


def _motion(number: int, section: str, proposer: str, title: str, wording: str, votes: tuple[int, int, int],
            **extra: str) -> dict[str, Any]:  # fmt: skip
    votes_for, against, abstain = votes
    return {**ENGLAND_2025, "motion": number, "section": section, "proposer": proposer, "title": title,
            "wording": wording, "outcome": "carried", "for": votes_for, "against": against, "abstain": abstain,
            **extra}  # fmt: skip


OUT_OF_AREA = (
    "That conference believes that out-of-area registration without local arrangements for home visits has "
    "fragmented care and destabilised neighbouring practices, and calls upon GPC England to:"
)
ENTRIES: list[dict[str, Any]] = [
    _motion(
        1, "The GP contract", "Kensington Chelsea and Westminster LMC", "Out-of-area registration",
        OUT_OF_AREA + "\n(i) seek the removal of out-of-area registration from the GMS contract", (214, 31, 6),
        part="i",
    ),
    _motion(
        1, "The GP contract", "Kensington Chelsea and Westminster LMC", "Out-of-area registration",
        OUT_OF_AREA + "\n(ii) demand that practices whose patients move to digital-first providers are protected "
        "by a funding floor in the global sum", (126, 119, 9), part="ii", outcome="carried_as_reference",
    ),
    _motion(
        2, "The GP contract", "Cleveland LMC", "Multi-year funding for general practice",
        "That conference demands a multi-year funding settlement for general practice, with recurrent uplifts to "
        "the global sum above inflation, so that practices can plan their workforce and premises.", (240, 4, 3),
    ),
    _motion(
        3, "Indemnity", "Wessex LMCs", "Indemnity for all NHS work",
        "That conference insists that the Clinical Negligence Scheme for General Practice is extended to cover all "
        "NHS work done by GPs and their teams, including appraisals, medico-legal reports and out-of-hours "
        "sessions, and that the extension is funded with new money, not from the global sum.", (251, 2, 1),
        tabled_wording="That conference insists that the Clinical Negligence Scheme for General Practice is extended "
        "to cover all NHS work done by GPs and their teams.",
    ),
    _motion(
        4, "Indemnity", "Norfolk and Waveney LMC", "Refund of indemnity subscriptions",
        "That conference calls on the medical defence organisations to refund to GPs the part of their subscriptions "
        "that paid for cover now provided by the state scheme.", (188, 40, 22),
    ),
    _motion(
        5, "Workload and regulation", "Kent LMC", "A safe limit on daily patient contacts",
        "That conference believes that unsafe workload in general practice puts patients at risk, and calls on "
        "GPC England to negotiate a contractual safe limit of 25 patient contacts per GP per day, above which "
        "practices may divert patients to NHS 111 or a local overflow hub.", (201, 37, 11),
    ),
    _motion(
        6, "Workload and regulation", "Cheshire LMC", "Workload shifted from hospitals",
        "That conference demands that hospital trusts stop transferring work to general practice without agreement "
        "or resources, and that commissioners enforce the NHS Standard Contract on onward referral, results and fit "
        "notes.", (247, 3, 2),
    ),
    _motion(
        7, "Workload and regulation", "Somerset LMC", "Replace CQC inspection of general practice",
        "That conference calls for routine CQC inspections of general practice to be suspended and replaced with a "
        "light-touch, risk-based model that does not take clinicians away from patients.", (139, 98, 17),
        outcome="carried_as_reference",
    ),
    _motion(
        8, "The partnership model", "Birmingham LMC", "An end to last-person-standing liability",
        "That conference demands a government guarantee that no GP partner will be left personally liable for a "
        "premises lease when a practice closes, so that the last partner standing is never made bankrupt.",
        (229, 9, 8),
    ),
    _motion(
        9, "Pay", "Devon LMC", "Seniority payments",
        "That conference demands that seniority payments be restored for all GPs, in recognition of the experience "
        "and continuity of care that long-serving GPs give their patients, and instructs GPC England to make their "
        "restoration a condition of any contract agreement.", (198, 44, 12),
    ),
    _motion(
        10, "Pay", "Leeds LMC", "The DDRB award for 2025/26",
        "That conference condemns the government's failure to fund the DDRB award for 2025/26 in full, and demands "
        "that the whole award is paid to GP contractors and salaried GPs, backdated to April, with the funding "
        "practices need to pass it on to their staff.", (255, 1, 0),
    ),
    _motion(
        11, "Pay", "Bedfordshire LMC", "Minimum rates for locum and salaried GPs",
        "That conference calls on GPC England to publish a recommended minimum rate for locum and salaried GP "
        "sessions each year, in line with the DDRB award.", (176, 52, 19),
    ),
    # Older policy, so that the links show.
    {"body": "ENG", "conference": "Conference of England LMCs 2021", "year": 2021, "date": "2021-11-25",
     "motion": 32, "section": "Pay", "proposer": "Cornwall and Isles of Scilly LMC",
     "title": "Seniority payments for experienced GPs",
     "wording": "That conference believes the phasing out of seniority payments has hastened the retirement of "
     "experienced GPs, and calls on GPC England to negotiate their reinstatement.", "outcome": "carried",
     "status": "reaffirmed", "reaffirmed_by": "2025/ENG/9", "last_affirmed": "2025-11-13"},
    {"body": "ENG", "conference": "Conference of England LMCs 2019", "year": 2019, "date": "2019-11-22",
     "motion": 18, "section": "Indemnity", "proposer": "Wessex LMCs",
     "title": "State-backed indemnity for GMS work",
     "wording": "That conference welcomes a state-backed indemnity scheme for general practice and demands that it "
     "covers the GMS and PMS work of every GP and practice team member.", "outcome": "carried",
     "status": "superseded", "superseded_by": "2025/ENG/3"},
    {"body": "WAL", "conference": "Welsh LMCs Conference 2025", "year": 2025, "date": "2025-03-28",
     "motion": 7, "section": "Funding", "proposer": "Gwent LMC", "title": "Fair funding for GPs across Wales / "
     "Cyllid teg i feddygon teulu ledled Cymru",
     "wording": "That conference calls on the Welsh Government to secure fair funding for GPs in every part of Wales.\n"
     "Mae'r gynhadledd hon yn galw ar Lywodraeth Cymru i sicrhau cyllid teg i feddygon teulu ym mhob rhan o Gymru.",
     "outcome": "carried", "for": 61, "against": 0, "abstain": 2},
]  # fmt: skip


def demo_csv() -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=[c for c in imports.EXPORT_COLUMNS if c != "url"])
    writer.writeheader()
    for row in ENTRIES:
        writer.writerow(row)
    return out.getvalue().encode()


def load_policy_demo(conference: Conference | None = None) -> actions.Imported:
    """The 2025 England conference's resolutions (and a little older policy) as entries.

    ``conference`` (by default the demo's england-2026) becomes one of the England body's
    conferences, so that its secretariat keeps the book and its motions find their policy.
    """
    england = actions.ensure_body(*ENGLAND[:2], lapse_years=ENGLAND[2])
    actions.ensure_body(*WALES[:2], lapse_years=WALES[2])
    conference = conference or Conference.objects.filter(slug=DEMO_CONFERENCE_SLUG).first()
    if conference is not None:
        england.conferences.add(conference)
    report = imports.check_import("policy-csv", demo_csv(), england)
    if not report.ok:
        raise ValueError(f"The policy demo does not import: {report.problems}")
    return actions.apply_import(report.rows, england, actor=None, filename="the demo")


def demo_body() -> PolicyBody:
    return PolicyBody.objects.get(code=ENGLAND[0])
