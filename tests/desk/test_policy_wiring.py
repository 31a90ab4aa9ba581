"""The desk and the policy book: publishing the record makes its entries (the wording as
decided, part by part, with the counts); the desk lists the existing policy each motion
restates and records, in one action, that a carried motion reaffirms it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from conference.models import AuditEntry, Conference, Representative
from desk import actions
from motions import procedure
from motions.models import Motion, Outcome
from policy.models import PolicyEntry
from tests.desk.conftest import decide, staff_client
from tests.desk.test_record_wording import decide_amendment
from tests.factories import make_conference, make_motion, make_staff
from tests.policy.conftest import make_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def conf() -> Conference:
    return make_conference(name="Conference of England LMCs 2026", starts_on=datetime.date(2026, 11, 12))


def test_publishing_the_record_makes_entries_with_the_wording_as_amended_part_by_part_and_again_changes_nothing(conf):
    make_body("ENG", conf, lapse_years=5)
    chair = make_staff(conf)
    secretariat = make_staff(conf, role=Representative.Role.SECRETARIAT)
    funding = make_motion(conf, number=2, text="That conference demands funding.")
    amendment = procedure.propose_amendment(
        funding, "amendment", "Insert 'urgent'", chair, new_wording="That conference demands urgent funding."
    )
    rider = procedure.propose_amendment(funding, "rider", "It instructs the negotiators to act.", chair)
    for a in (amendment, rider):
        decide_amendment(a, chair, 3, 1)
    decide(funding, chair, {"for": 3, "against": 1, "abstain": 1})
    parts = make_motion(conf, number=3, text="That conference calls for:", parts=["a cap", "a floor", "a ceiling"])
    floor = parts.parts.get(label="ii")
    higher = procedure.propose_amendment(
        parts, "amendment", "A higher floor", chair, new_wording="a higher floor", part=floor
    )
    decide_amendment(higher, chair, 2, 1)
    decide(parts, chair, {"for": 3, "against": 1}, part=parts.parts.get(label="i"))
    decide(parts, chair, {"for": 2}, part=floor)
    decide(parts, chair, {"against": 2}, part=parts.parts.get(label="iii"))
    lost = make_motion(conf, number=4, text="That conference gives up.")
    decide(lost, chair, {"against": 3})

    actions.publish_record(conf, secretariat)

    entries = {e.reference: e for e in PolicyEntry.objects.filter(conference=conf)}
    assert sorted(entries) == ["2026/ENG/2", "2026/ENG/3(i)", "2026/ENG/3(ii)"]
    whole = entries["2026/ENG/2"]
    assert whole.wording == "That conference demands urgent funding.\nIt instructs the negotiators to act."
    assert whole.tabled_wording == "That conference demands funding."
    assert (whole.votes_for, whole.votes_against, whole.votes_abstain) == (3, 1, 1)
    assert entries["2026/ENG/3(ii)"].wording == "That conference calls for:\n(ii) a higher floor"
    assert entries["2026/ENG/3(ii)"].tabled_wording == "That conference calls for:\n(ii) a floor"
    assert (entries["2026/ENG/3(ii)"].votes_for, entries["2026/ENG/3(ii)"].votes_against) == (2, 0)
    assert entries["2026/ENG/3(i)"].wording == "That conference calls for:\n(i) a cap"
    assert entries["2026/ENG/3(i)"].votes_for == 3
    assert AuditEntry.objects.filter(conference=conf, action="policy.recorded").count() == 1

    actions.publish_record(conf, secretariat)  # published again: nothing changes

    assert PolicyEntry.objects.filter(conference=conf).count() == 3
    assert AuditEntry.objects.filter(conference=conf, action="policy.recorded").count() == 1


def test_a_conference_keeping_no_policy_book_publishes_its_record_without_entries(conf):
    secretariat = make_staff(conf, role=Representative.Role.SECRETARIAT)
    decide(make_motion(conf, number=1, text="That conference is ready."), make_staff(conf), {"for": 2})

    actions.publish_record(conf, secretariat)

    assert Conference.objects.get(pk=conf.pk).record_published_at is not None
    assert not PolicyEntry.objects.exists()


def test_the_desk_finds_the_2025_seniority_pay_entry_for_the_2026_motion_and_records_it_reaffirmed():
    call_command("load_demo", quiet=True, stdout=io.StringIO())
    conf = Conference.objects.get(slug="england-2026")
    secretariat = make_staff(conf, role=Representative.Role.SECRETARIAT)
    desk = staff_client(secretariat)
    seniority = conf.motions.get(number=17)

    listed = next(row for row in actions.policy_suggestions(conf) if row["motion"] == seniority)
    assert "2025/ENG/9" in [s.entry.reference for s in listed["similar"]]
    page = desk.get(reverse("desk-policy", args=[conf.slug])).content.decode()
    assert "2025/ENG/9" in page and "Reaffirms 2025/ENG/9" not in page  # not carried yet

    Motion.objects.filter(pk=seniority.pk).update(outcome=Outcome.CARRIED, status="decided")
    actions.publish_record(conf, secretariat)
    assert "Reaffirms 2025/ENG/9" in desk.get(reverse("desk-policy", args=[conf.slug])).content.decode()
    desk.post(reverse("desk-reaffirm-policy", args=[conf.slug]), {"motion": seniority.pk, "entry": "2025/ENG/9"})

    old = PolicyEntry.objects.get(reference="2025/ENG/9")
    assert old.status == "reaffirmed" and old.reaffirmed_by.reference == "2026/ENG/17"
    assert AuditEntry.objects.filter(conference=conf, action__startswith="policy.", actor=secretariat).exists()


def test_reaffirming_needs_the_motions_own_entry_first(desk):
    conf, _secretariat, client = desk
    motion = make_motion(conf, number=5, text="That conference restores seniority pay.")
    response = client.post(
        reverse("desk-reaffirm-policy", args=[conf.slug]), {"motion": motion.pk, "entry": "x"}, follow=True
    )
    assert "has no policy entry yet" in response.content.decode()
