"""Imports: a good file is written whole; a bad one is reported row by row and writes nothing."""

from __future__ import annotations

import io

import pytest
import tablib
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from conference.errors import Refused
from conference.models import LMC, AuditEntry, Representative
from desk import actions, imports
from motions.models import Motion, MotionPart, Section
from tests.desk.conftest import staff_client
from tests.factories import issue_code, make_conference, make_lmc, make_rep, make_staff

pytestmark = pytest.mark.django_db

LMCS = "name,seats\nAvon LMC,2\nKent LMC,3\n"
REPS = (
    "name,lmc,email,role,active\nDr Ann Avon,Avon LMC,ann@example.org,,\nDr Bob Avon,Avon LMC,,representative,yes\n"
    "Dr Deputy Avon,Avon LMC,,representative,no\nDr Kay Kent,Kent LMC,kay@example.org,,\n"
)
MOTIONS = (
    "number,section,title,text,category,parts,proposer,two_thirds\n"
    '1,The GP contract,A new contract,"That conference demands:",prioritised,'
    '"(i) more money\n(ii) fewer targets",Avon LMC,\n'
    "2,Workload,Safe working,That conference insists on safe working limits.,AR,,Kent LMC,no\n"
    "3,The GP contract,Standing orders,That standing order 12 be amended.,chosen,,,yes\n"
)


def check(conf, kind: str, text: str | bytes, name: str = "file.csv") -> imports.ImportReport:
    return imports.check_file(conf, kind, name, text.encode() if isinstance(text, str) else text)


def xlsx(text: str) -> bytes:
    return tablib.Dataset().load(text, format="csv").export("xlsx")


def load(conf, kind: str, text: str, name: str = "file.csv"):
    report = check(conf, kind, text, name)
    assert report.ok, report.problems
    return actions.apply_import(conf, report, None, name)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_files_import_lmcs_representatives_and_motions_with_parts(fmt):
    conf = make_conference()
    as_file = (lambda t: t) if fmt == "csv" else xlsx
    for kind, text in (("lmcs", LMCS), ("representatives", REPS), ("motions", MOTIONS)):
        report = check(conf, kind, as_file(text), f"{kind}.{fmt}")
        assert report.ok, report.problems
        actions.apply_import(conf, report, None, f"{kind}.{fmt}")
    assert dict(conf.lmcs.values_list("name", "seats")) == {"Avon LMC": 2, "Kent LMC": 3}
    ann = Representative.objects.get(name="Dr Ann Avon")
    assert ann.lmc.name == "Avon LMC" and ann.email == "ann@example.org" and ann.is_active
    assert not Representative.objects.get(name="Dr Deputy Avon").is_active  # a deputy: off the roll
    m1 = Motion.objects.get(conference=conf, number=1)
    assert m1.section.title == "The GP contract" and m1.proposer.name == "Avon LMC"
    assert list(m1.parts.values_list("label", "text")) == [("i", "more money"), ("ii", "fewer targets")]
    assert Motion.objects.get(number=2).category == "AR"
    assert Motion.objects.get(number=3).requires_two_thirds and Motion.objects.get(number=3).proposer is None
    assert [s.title for s in Section.objects.filter(conference=conf)] == ["The GP contract", "Workload"]
    assert list(AuditEntry.objects.filter(conference=conf).values_list("action", flat=True)) == [
        "import.lmcs",
        "import.representatives",
        "import.motions",
    ]


def test_importing_the_same_file_again_changes_nothing():
    conf = make_conference()
    load(conf, "lmcs", LMCS)
    load(conf, "representatives", REPS)
    load(conf, "motions", MOTIONS)
    codes = set(Representative.objects.values_list("access_code_hash", flat=True))
    for kind, text in (("lmcs", LMCS), ("representatives", REPS), ("motions", MOTIONS)):
        counts = load(conf, kind, text)
        assert counts["created"] == counts["updated"] == 0
    assert set(Representative.objects.values_list("access_code_hash", flat=True)) == codes  # no code reissued


def problems(report) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in report.problems]


def assert_nothing_written(conf, before: dict[str, int]) -> None:
    assert {
        "lmcs": LMC.objects.filter(conference=conf).count(),
        "reps": Representative.objects.filter(conference=conf).count(),
        "motions": Motion.objects.filter(conference=conf).count(),
        "parts": MotionPart.objects.filter(motion__conference=conf).count(),
    } == before


@pytest.fixture
def base():
    conf = make_conference()
    load(conf, "lmcs", LMCS)
    return conf, {"lmcs": 2, "reps": 0, "motions": 0, "parts": 0}


def test_unknown_lmc_is_reported_on_its_row_and_nothing_is_written(base):
    conf, before = base
    report = check(conf, "representatives", "name,lmc\nDr Ann,Avon LMC\nDr Zed,Atlantis LMC\n")
    assert problems(report) == [(3, "lmc")] and "Atlantis LMC" in report.problems[0].message
    with pytest.raises(Refused):
        actions.apply_import(conf, report, None)
    assert_nothing_written(conf, before)


def test_an_lmc_over_its_seats_is_reported_and_nothing_is_written(base):
    conf, before = base
    report = check(conf, "representatives", "name,lmc\nDr A,Avon LMC\nDr B,Avon LMC\nDr C,Avon LMC\nDr D,Kent LMC\n")
    assert problems(report) == [(4, "lmc")] and "2 seats" in report.problems[0].message
    assert report.rows == []
    assert_nothing_written(conf, before)


def test_seats_count_representatives_already_on_the_roll():
    conf = make_conference()
    lmc = make_lmc(conf, name="Avon LMC", seats=1)
    make_rep(conf, lmc, name="Dr Already Here")
    report = check(conf, "representatives", "name,lmc\nDr Newcomer,Avon LMC\n")
    assert problems(report) == [(2, "lmc")]
    assert check(conf, "lmcs", "name,seats\nAvon LMC,0\n").problems[0].column == "seats"


def test_duplicate_motion_number_is_reported_and_nothing_is_written(base):
    conf, before = base
    report = check(
        conf, "motions", "number,section,title,text\n7,S,One,Text one.\n8,S,Two,Text two.\n7,S,Three,Text three.\n"
    )
    assert problems(report) == [(4, "number")] and "row 2" in report.problems[0].message
    assert_nothing_written(conf, before)


def test_empty_text_is_reported_and_nothing_is_written(base):
    conf, before = base
    report = check(conf, "motions", "number,section,title,text\n1,S,Good,That conference.\n2,S,Empty,\n")
    assert problems(report) == [(3, "text")]
    assert_nothing_written(conf, before)


def test_a_file_that_is_not_utf8_is_reported_and_nothing_is_written(base):
    conf, before = base
    latin1 = "name,lmc\nDr Zoë Brontë,Avon LMC\n".encode("latin-1")
    report = check(conf, "representatives", latin1)
    assert problems(report) == [(0, "")] and "UTF-8" in report.problems[0].message
    assert_nothing_written(conf, before)


def test_a_bad_header_a_bad_category_and_a_broken_workbook_are_reported(base):
    conf, before = base
    report = check(conf, "motions", "number,section,titel,text\n1,S,T,X\n")
    assert sorted(problems(report)) == [(1, "titel"), (1, "title")]
    report = check(conf, "motions", "number,section,title,text,category\n1,S,T,X,urgent\n")
    assert problems(report) == [(2, "category")]
    report = check(conf, "lmcs", b"PK\x03\x04 not really a workbook", "lmcs.xlsx")
    assert problems(report) == [(0, "")]
    assert check(conf, "lmcs", LMCS, "lmcs.txt").problems[0].message.startswith("Upload")
    assert_nothing_written(conf, before)


def test_a_good_row_in_a_bad_file_is_not_written_either(base):
    conf, before = base
    report = check(conf, "motions", MOTIONS + "4,Workload,No text,,prioritised,,,\n")
    assert problems(report) == [(5, "text")]  # spreadsheet rows: a multi-line cell is one row
    assert report.rows == []
    assert_nothing_written(conf, before)


def test_the_import_page_shows_the_report_and_writes_nothing_for_a_bad_file(desk):
    conf, secretariat, client = desk
    url = reverse("desk-import", args=[conf.slug])
    bad = io.BytesIO(b"name,seats\nAvon LMC,two\n")
    bad.name = "lmcs.csv"
    response = client.post(url, {"kind": "lmcs", "file": bad})
    assert response.status_code == 400
    assert b"nothing was imported" in response.content and b"Seats must be a whole number" in response.content
    assert not LMC.objects.filter(conference=conf).exists()
    good = io.BytesIO(LMCS.encode())
    good.name = "lmcs.csv"
    response = client.post(url, {"kind": "lmcs", "file": good})
    assert response.status_code == 302
    assert LMC.objects.filter(conference=conf).count() == 2
    assert AuditEntry.objects.get(action="import.lmcs").actor == secretariat


def test_the_import_page_refuses_the_chair_representatives_and_strangers(desk):
    conf, _secretariat, _client = desk
    url = reverse("desk-import", args=[conf.slug])
    chair = make_staff(conf)
    assert staff_client(chair).get(url).status_code == 403
    other_conf_secretariat = make_staff(make_conference(), role="secretariat")
    assert staff_client(other_conf_secretariat).get(url).status_code == 403
    from django.test import Client

    assert Client().get(url).status_code == 302  # to the sign-in page
    rep = make_rep(conf)
    client = Client()
    client.get(reverse("join-link", args=[conf.slug, issue_code(rep)]))
    assert client.get(url).status_code == 302


def test_the_management_command_imports_a_good_file_and_refuses_a_bad_one(tmp_path):
    conf = make_conference()
    good = tmp_path / "lmcs.csv"
    good.write_text(LMCS)
    call_command("desk_import", conf.slug, "lmcs", str(good), stdout=io.StringIO())
    assert conf.lmcs.count() == 2
    bad = tmp_path / "reps.csv"
    bad.write_text("name,lmc\nDr Zed,Atlantis LMC\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("desk_import", conf.slug, "representatives", str(bad), stdout=io.StringIO(), stderr=err)
    assert "row 2 lmc" in err.getvalue()
    assert not conf.representatives.exists()


def test_an_import_that_changes_the_motion_under_debate_sends_its_update(
    base, monkeypatch, django_capture_on_commit_callbacks
):
    from conference import events
    from motions.agenda import call_motion

    conf, _before = base
    load(conf, "motions", MOTIONS)
    call_motion(conf, Motion.objects.get(conference=conf, number=1), None)
    sent: list[dict] = []
    monkeypatch.setattr(events, "send_together", lambda conference_id, together, audience: sent.extend(together))
    reworded = MOTIONS.replace('"(i) more money\n(ii) fewer targets"', '"(i) more money\n(ii) far fewer targets"')
    reworded = reworded.replace("That conference insists", "That conference demands")
    with django_capture_on_commit_callbacks(execute=True):
        counts = load(conf, "motions", reworded)
    assert counts["updated"] == 2
    # Motion 1 is on the floor: the hall gets its new part; motion 2 waits for its call.
    on_floor = Motion.objects.get(conference=conf, number=1).pk
    assert [(e["type"], e["item"]["id"]) for e in sent] == [("motion.updated", on_floor)]
    assert [p["text"] for p in sent[0]["item"]["parts"]] == ["more money", "far fewer targets"]
    conf.refresh_from_db()
    assert sent[0]["seq"] == conf.event_seq


def test_a_decided_motion_cannot_change_by_import_and_the_audit_lists_each_change():
    conf = make_conference()
    load(conf, "lmcs", LMCS)
    load(conf, "motions", MOTIONS)
    Motion.objects.filter(conference=conf, number=2).update(outcome="carried", status="decided")
    changed = MOTIONS.replace("insists on safe working limits", "asks for limits").replace(
        "Standing orders", "Standing orders changed"
    )
    report = check(conf, "motions", changed)
    assert problems(report) == [(3, "number")]
    assert "Motion 2 is decided (Carried): it cannot change by import" in report.problems[0].message
    assert Motion.objects.get(conference=conf, number=2).text == "That conference insists on safe working limits."
    # The same file with the decided motion left as it is imports; the audit says what changed.
    load(conf, "motions", MOTIONS.replace("Standing orders", "Standing orders changed"))
    entry = AuditEntry.objects.filter(action="import.motions").last()
    assert entry.details["changes"] == [
        {"row": "motion 3", "field": "title", "from": "Standing orders", "to": "Standing orders changed"}
    ]
