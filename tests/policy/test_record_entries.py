"""Publishing a conference's results makes its entries: wording as amended, parts, counts; again, nothing new."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

from conference.errors import Refused
from conference.models import AuditEntry, Representative
from motions.models import Amendment, Motion, MotionPart, Outcome
from policy import actions, records
from policy.models import PolicyEntry, StatusChange
from tests.factories import make_conference, make_lmc, make_motion, make_rep, make_section
from tests.policy.conftest import keeper, make_entry, motion_record, record

pytestmark = pytest.mark.django_db

SENIORITY = "That conference demands that seniority payments be restored."
AMENDED = "That conference demands that seniority payments be restored in full for every GP."


def test_a_carried_motion_becomes_an_entry_with_the_wording_as_amended_and_its_counts(book):
    conference, body, secretariat = book
    motion = motion_record(
        17, "Restore seniority pay", SENIORITY, wording=AMENDED, counts={"for": 150, "against": 50, "abstain": 10}
    )

    result = record(conference, body, motion, actor=secretariat)

    assert result.created == ["2026/ENG/17"]
    entry = PolicyEntry.objects.get(reference="2026/ENG/17")
    assert (entry.wording, entry.tabled_wording) == (AMENDED, SENIORITY)
    assert (entry.title, entry.section, entry.proposer, entry.motion_number) == (
        "Restore seniority pay", "Pay", "Devon LMC", "17",
    )  # fmt: skip
    assert (entry.conference, entry.conference_name, entry.year) == (conference, conference.name, 2026)
    assert entry.date == datetime.date(2026, 11, 12)
    assert (entry.status, entry.outcome) == ("policy", "carried")
    assert (entry.votes_for, entry.votes_against, entry.votes_abstain) == (150, 50, 10)
    assert (entry.percent_for, entry.percent_against, entry.percent_abstain) == (
        Decimal("75.0"), Decimal("25.0"), Decimal("4.8"),
    )  # fmt: skip
    audit = AuditEntry.objects.get(action="policy.recorded")
    assert audit.conference == conference and audit.actor == secretariat
    assert audit.details["created"] == ["2026/ENG/17"]


def test_each_carried_part_is_its_own_entry_opening_with_the_motions_own_words(book):
    conference, body, _ = book
    motion = motion_record(
        1,
        "A new GMS contract",
        "That conference mandates GPC England to negotiate a contract which delivers:",
        outcome="carried_in_part",
        parts=[
            {"label": "i", "text": "uplifts above inflation", "outcome": "carried",
             "counts": [{"key": "for", "count": 90}, {"key": "against", "count": 10}, {"key": "abstain", "count": 0}]},
            {"label": "ii", "text": "multi-year deals", "outcome": "lost"},
            {"label": "iii", "text": "index-linked enhanced services", "outcome": "carried_as_reference",
             "wording": "index-linked enhanced services, reviewed every year"},
        ],
    )  # fmt: skip

    record(conference, body, motion)

    entries = {e.reference: e for e in PolicyEntry.objects.all()}
    assert set(entries) == {"2026/ENG/1(i)", "2026/ENG/1(iii)"}
    first, third = entries["2026/ENG/1(i)"], entries["2026/ENG/1(iii)"]
    assert first.wording == (
        "That conference mandates GPC England to negotiate a contract which delivers:\n(i) uplifts above inflation"
    )
    assert (first.part, first.status, first.votes_for, first.votes_against) == ("i", "policy", 90, 10)
    assert third.wording.endswith("(iii) index-linked enhanced services, reviewed every year")
    assert third.tabled_wording.endswith("(iii) index-linked enhanced services")
    assert (third.outcome, third.status) == ("carried_as_reference", "reference")


def test_parts_without_an_outcome_of_their_own_were_decided_with_the_whole(book):
    conference, body, _ = book
    motion = motion_record(
        3, "Premises", "That conference demands:", counts={"for": 80, "against": 20},
        parts=[{"label": "i", "text": "premises funding", "outcome": ""}, {"label": "ii", "text": "lease guarantees"}],
    )  # fmt: skip

    record(conference, body, motion)

    entries = PolicyEntry.objects.order_by("part")
    assert [(e.reference, e.outcome, e.votes_for) for e in entries] == [
        ("2026/ENG/3(i)", "carried", 80),
        ("2026/ENG/3(ii)", "carried", 80),
    ]


@pytest.mark.parametrize("outcome", ["lost", "withdrawn", "fell", "referred", "not_reached", ""])
def test_a_motion_not_carried_makes_no_entry(book, outcome):
    conference, body, _ = book
    assert not record(conference, body, motion_record(4, "Lost", "That conference loses.", outcome)).any
    assert not PolicyEntry.objects.exists()
    assert not AuditEntry.objects.filter(action="policy.recorded").exists()


def test_publishing_again_changes_nothing_and_keeps_the_statuses_set_since(book):
    conference, body, secretariat = book
    motions = [motion_record(5, "Indemnity", "That conference wants indemnity."), motion_record(6, "Pay", SENIORITY)]
    record(conference, body, *motions)
    later = make_entry(body, year=2027, title="Indemnity, again")
    actions.set_status(PolicyEntry.objects.get(reference="2026/ENG/5"), "superseded", later, actor=secretariat,
                       reason="Replaced in 2027")  # fmt: skip
    audits = AuditEntry.objects.count()

    again = record(conference, body, *motions)

    assert not again.any
    assert AuditEntry.objects.count() == audits
    assert PolicyEntry.objects.get(reference="2026/ENG/5").status == "superseded"
    assert PolicyEntry.objects.filter(conference=conference).count() == 2


def test_a_corrected_record_updates_its_entries_and_removes_one_no_longer_carried(book):
    conference, body, _ = book
    record(conference, body, motion_record(7, "Workload", "Safe limits."), motion_record(8, "CQC", "Abolish CQC."))

    result = record(
        conference, body,
        motion_record(7, "Workload", "Safe limits.", outcome="carried_as_reference"),
        motion_record(8, "CQC", "Abolish CQC.", outcome="lost"),
    )  # fmt: skip

    assert (result.changed, result.removed, result.kept) == (["2026/ENG/7"], ["2026/ENG/8"], [])
    entry = PolicyEntry.objects.get(reference="2026/ENG/7")
    assert (entry.outcome, entry.status) == ("carried_as_reference", "reference")
    assert StatusChange.objects.get(entry=entry).previous == "policy"
    assert not PolicyEntry.objects.filter(reference="2026/ENG/8").exists()


def test_an_entry_no_longer_carried_but_linked_to_is_kept_and_reported(book):
    conference, body, secretariat = book
    record(conference, body, motion_record(9, "Pay", SENIORITY))
    older = make_entry(body, year=2020, title="Seniority pay in 2020")
    actions.reaffirm(older, PolicyEntry.objects.get(reference="2026/ENG/9"), actor=secretariat)

    result = record(conference, body, motion_record(9, "Pay", SENIORITY, outcome="lost"))

    assert result.kept == ["2026/ENG/9"] and not result.removed
    assert PolicyEntry.objects.filter(reference="2026/ENG/9").exists()


def test_the_desks_resolutions_export_records_as_it_is(book):
    """The real export: a motion decided with an amendment, and one in parts carried in part."""
    from desk.exports import resolutions_json

    conference, body, _ = book
    section = make_section(conference, title="Pay")
    lmc = make_lmc(conference, name="Devon LMC")
    pay = make_motion(conference, number=17, section=section, proposer=lmc, title="Restore seniority pay",
                      text=SENIORITY, text_as_amended=AMENDED)  # fmt: skip
    Amendment.objects.create(motion=pay, text="add 'in full for every GP'", new_wording=AMENDED, outcome="carried")
    parts = make_motion(conference, number=18, section=section, title="Contract", text="That conference demands:",
                        parts=["more money", "fewer targets"])  # fmt: skip
    Motion.objects.filter(pk=pay.pk).update(outcome=Outcome.CARRIED, status="decided")
    Motion.objects.filter(pk=parts.pk).update(outcome=Outcome.CARRIED_IN_PART, status="decided")
    MotionPart.objects.filter(motion=parts, label="i").update(outcome=Outcome.CARRIED)
    MotionPart.objects.filter(motion=parts, label="ii").update(outcome=Outcome.LOST)

    motions = records.motions_from_resolutions(json.loads(resolutions_json(conference)))
    actions.record_entries(conference, body, motions)

    assert sorted(PolicyEntry.objects.values_list("reference", "section")) == [
        ("2026/ENG/17", "Pay"),
        ("2026/ENG/18(i)", "Pay"),
    ]
    part = PolicyEntry.objects.get(reference="2026/ENG/18(i)")
    assert part.wording == "That conference demands:\n(i) more money"
    # Today's export prints the text as tabled (issue 12 adds the wording as decided); the
    # entry takes whichever wording the record gives.
    assert PolicyEntry.objects.get(reference="2026/ENG/17").proposer == "Devon LMC"


def test_only_the_conferences_own_secretariat_may_record_it(book):
    conference, body, _ = book
    elsewhere = keeper(make_conference())
    chair = make_rep(conference, role=Representative.Role.CHAIR)
    for actor in (elsewhere, chair):
        with pytest.raises(Refused) as refused:
            record(conference, body, motion_record(10, "Pay", SENIORITY), actor=actor)
        assert refused.value.code == "forbidden"
    assert not PolicyEntry.objects.exists()


def test_a_reference_taken_by_another_conference_is_refused_and_nothing_is_written(book):
    conference, body, _ = book
    make_entry(body, year=2026, motion_number="11", conference_name="Special conference 2026")

    with pytest.raises(Refused) as refused:
        record(conference, body, motion_record(11, "Pay", SENIORITY), motion_record(12, "Other", "Other."))

    assert refused.value.code == "reference_taken"
    assert not PolicyEntry.objects.filter(conference=conference).exists()
