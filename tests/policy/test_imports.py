"""Imports of past records: checked whole with a row report; a file with one bad row writes nothing."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conference.models import AuditEntry
from policy import actions, exports, imports
from policy.models import PolicyEntry, StatusChange
from tests.policy.conftest import make_entry

pytestmark = pytest.mark.django_db

OLDER = (
    "year,date,motion,part,section,proposer,title,wording,outcome,for,against,abstain,status,superseded_by,"
    "reaffirmed_by\n"
    "2018,22/11/2018,14,,Indemnity,Wessex LMCs,State indemnity,That conference demands state-backed indemnity.,"
    "carried,201,12,3,superseded,2019/ENG/5,\n"
    "2019,2019-11-21,5,,Indemnity,Wessex LMCs,Indemnity for all,That indemnity covers all NHS work.,Carried,,,,,,\n"
    '2019,2019-11-21,6,ii,Workload,Kent LMC,Safe working,"That conference demands:\n(ii) a safe limit",'
    "carried as a reference,,,,,,\n"
)


def check(body, text: str | bytes, kind: str = "policy-csv", **kw) -> imports.ImportReport:
    return imports.check_import(kind, text.encode() if isinstance(text, str) else text, body, **kw)


def load(body, text: str, kind: str = "policy-csv", **kw) -> actions.Imported:
    report = check(body, text, kind, **kw)
    assert report.ok, report.problems
    return actions.apply_import(report.rows, body, actor=None, filename="older.csv")


def test_a_bodys_older_records_import_with_their_statuses_and_links(book):
    conference, body, secretariat = book
    report = check(body, OLDER)
    assert report.ok, report.problems

    done = actions.apply_import(report.rows, body, actor=secretariat, filename="older.csv")

    assert sorted(done.created) == ["2018/ENG/14", "2019/ENG/5", "2019/ENG/6(ii)"]
    first = PolicyEntry.objects.get(reference="2018/ENG/14")
    assert (first.status, first.superseded_by.reference) == ("superseded", "2019/ENG/5")
    assert (first.date, first.votes_for, first.conference, first.conference_name) == (
        datetime.date(2018, 11, 22), 201, None, "Conference of ENG LMCs 2018",
    )  # fmt: skip
    part = PolicyEntry.objects.get(reference="2019/ENG/6(ii)")
    assert (part.part, part.outcome, part.status) == ("ii", "carried_as_reference", "reference")
    assert part.wording == "That conference demands:\n(ii) a safe limit"
    audit = AuditEntry.objects.get(action="policy.imported")
    assert audit.conference == conference and sorted(audit.details["created"]) == sorted(done.created)


def test_importing_the_same_file_again_changes_nothing(book):
    _, body, _ = book
    load(body, OLDER)
    again = load(body, OLDER)
    assert (again.created, again.changed, again.statuses) == ([], [], [])
    assert not StatusChange.objects.exists()


def test_a_file_with_one_bad_row_writes_nothing_and_reports_every_problem_by_row(book):
    _, body, _ = book
    bad = OLDER + (
        "19x,2020-13-01,A-1,zz,,,,,won,-3,many,,pending,,\n"
        "2020,2019-05-01,7,,,,Title,Wording,carried,,,,superseded,,\n"
        "2020,,8,,,,Title,Wording,carried,,,,,2099/ENG/1,\n"
        "2018,,14,,,,Again,Twice,carried,,,,,,\n"
    )

    report = check(body, bad)

    assert not report.ok and report.rows == []
    found = {(p.row, p.column) for p in report.problems}
    assert {(5, "year"), (5, "date"), (5, "motion"), (5, "part"), (5, "title"), (5, "wording"), (5, "outcome"),
            (5, "for"), (5, "against"), (5, "status")} <= found  # fmt: skip
    assert {(6, "date"), (6, "superseded_by"), (7, "superseded_by"), (8, "reference")} <= found
    assert not PolicyEntry.objects.exists()


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("year,motion,title,wording\n2019,1,T,W\n", "outcome"),
        ("year,motion,title,wording,outcome,colour\n2019,1,T,W,carried,red\n", "colour"),
        ("year,motion,title,wording,outcome\n", ""),
        ("", ""),
    ],
)
def test_a_bad_header_or_an_empty_file_is_reported(book, text, column):
    report = check(book[1], text)
    assert not report.ok and report.problems[0].column == column


def test_a_file_that_is_not_utf8_is_reported(book):
    report = check(book[1], "year,motion,title,wording,outcome\n2019,1,Caf\xe9,W,carried\n".encode("latin-1"))
    assert not report.ok and "UTF-8" in report.problems[0].message


def test_a_link_to_an_earlier_entry_or_a_reference_of_another_conference_is_refused(book):
    _, body, _ = book
    make_entry(body, year=2019, motion_number="5", conference_name="Special conference 2019")
    text = (
        "year,motion,title,wording,outcome,status,superseded_by\n"
        "2019,5,Clash,W,carried,,\n"
        "2020,9,Later,W,carried,superseded,2018/ENG/1\n"
        "2018,1,Earlier,W,carried,,\n"
    )
    report = check(body, text)
    assert {(p.row, p.column) for p in report.problems} == {(2, "reference"), (3, "superseded_by")}


def test_the_policy_books_own_csv_export_imports_back_unchanged(book):
    _, body, _ = book
    load(body, OLDER)
    make_entry(body, year=2020, title='=HYPERLINK("http://x")', wording="+44 is a phone prefix", proposer="@me")
    entries = PolicyEntry.objects.select_related("body", "superseded_by", "reaffirmed_by")
    before = {e.reference: exports.entry_record(e, "") for e in entries}
    exported = exports.entries_csv(entries, lambda e: f"https://hall.example.org{e.get_absolute_url()}")
    PolicyEntry.objects.update(superseded_by=None, reaffirmed_by=None)
    PolicyEntry.objects.all().delete()

    report = check(body, exported)
    assert report.ok, report.problems
    assert not report.warnings  # every formula-like cell was written as text
    actions.apply_import(report.rows, body, actor=None, filename="policy.csv")

    assert {e.reference: exports.entry_record(e, "") for e in entries.all()} == before


def test_cells_a_spreadsheet_would_run_are_kept_as_text_with_a_warning(book):
    report = check(book[1], "year,motion,title,wording,outcome\n2019,1,=SUM(A1),W,carried\n")
    assert report.ok and report.rows[0].title == "=SUM(A1)"
    assert [(w.row, w.column) for w in report.warnings] == [(2, "title")]


# --- The platform's own resolutions -------------------------------------------------------

RESOLUTIONS = {
    "conference": {"name": "Conference of England LMCs 2024", "slug": "england-2024"},
    "sections": [
        {
            "section": "Pay",
            "motions": [
                {"number": 3, "title": "Seniority", "text": "That seniority pay returns.", "proposer": "Devon LMC",
                 "outcome": "carried", "parts": [], "decided_at": "2024-11-14T11:00:00+00:00"},
                {"number": 4, "title": "Contract", "text": "That conference demands:", "proposer": "",
                 "outcome": "carried_in_part", "decided_at": "2024-11-14T12:00:00+00:00",
                 "parts": [{"label": "i", "text": "more money", "outcome": "carried"},
                           {"label": "ii", "text": "fewer targets", "outcome": "lost"}]},
                {"number": 5, "title": "Lost", "text": "That it be lost.", "outcome": "lost", "parts": []},
            ],
        }
    ],
}  # fmt: skip
RESULTS = {
    "conference": {"name": "Conference of England LMCs 2024"},
    "polls": [
        {"poll_id": 1, "motion": 3, "part": "", "kind": "motion", "status": "annulled",
         "counts": [{"key": "for", "count": 1}, {"key": "against", "count": 99}]},
        {"poll_id": 2, "motion": 3, "part": "", "kind": "motion", "status": "closed",
         "counts": [{"key": "for", "count": 140}, {"key": "against", "count": 60}, {"key": "abstain", "count": 4}]},
        {"poll_id": 3, "motion": 4, "part": "i", "kind": "motion", "status": "closed",
         "counts": [{"key": "for", "count": 120}, {"key": "against", "count": 80}, {"key": "abstain", "count": 0}]},
    ],
}  # fmt: skip


def test_the_platforms_resolutions_json_imports_with_the_counts_of_its_results(book):
    _, body, _ = book
    report = check(body, json.dumps(RESOLUTIONS), "resolutions-json", results=json.dumps(RESULTS).encode())
    assert report.ok, report.problems
    actions.apply_import(report.rows, body, actor=None, filename="resolutions.json")

    entries = {e.reference: e for e in PolicyEntry.objects.all()}
    assert set(entries) == {"2024/ENG/3", "2024/ENG/4(i)"}
    assert (entries["2024/ENG/3"].votes_for, entries["2024/ENG/3"].votes_against) == (140, 60)
    assert entries["2024/ENG/4(i)"].votes_for == 120
    assert entries["2024/ENG/3"].date == datetime.date(2024, 11, 14)
    assert entries["2024/ENG/3"].conference_name == "Conference of England LMCs 2024"


def test_a_resolutions_json_with_a_bad_motion_writes_nothing(book):
    _, body, _ = book
    broken = json.loads(json.dumps(RESOLUTIONS))
    broken["sections"][0]["motions"][1]["parts"][1]["label"] = "i"
    broken["sections"][0]["motions"][2]["outcome"] = "maybe"
    report = check(body, json.dumps(broken), "resolutions-json")
    assert {(p.row, p.column) for p in report.problems} == {(2, "part"), (3, "outcome")}
    assert report.rows == [] and not PolicyEntry.objects.exists()
    for junk in (b"{not json", b"[1, 2]", b'{"sections": [{"motions": 3}]}'):
        assert not check(body, junk, "resolutions-json").ok


def test_the_platforms_resolutions_csv_imports_given_its_conference_and_date(book):
    _, body, _ = book
    text = (
        "\ufeffsection,motion,part,title,text,proposer,outcome\n"
        "Pay,4,,Contract,That conference demands:,,carried_in_part\n"
        "Pay,4,i,Contract,more money,,carried\n"
        "Pay,4,ii,Contract,fewer targets,,lost\n"
        "Pay,3,,Seniority,That seniority pay returns.,Devon LMC,carried\n"
    )
    assert {p.column for p in check(body, text, "resolutions-csv").problems} == {"conference", "date"}

    load(body, text, "resolutions-csv", conference_name="Conference of England LMCs 2024",
         date=datetime.date(2024, 11, 14))  # fmt: skip

    assert sorted(PolicyEntry.objects.values_list("reference", "wording")) == [
        ("2024/ENG/3", "That seniority pay returns."),
        ("2024/ENG/4(i)", "That conference demands:\n(i) more money"),
    ]
    orphan = "section,motion,part,title,text,proposer,outcome\nPay,9,i,Contract,a part,,carried\n"
    report = check(body, orphan, "resolutions-csv", conference_name="X", date=datetime.date(2024, 1, 1))
    assert [(p.row, p.column) for p in report.problems] == [(2, "part")]


def test_the_import_command_writes_nothing_from_a_bad_file(book, tmp_path, capsys):
    path = tmp_path / "older.csv"
    path.write_text(OLDER + "2020,,7,,,,,Wording,carried,,,,,,\n")
    with pytest.raises(CommandError):
        call_command("policy_import", "policy-csv", str(path), "--body", "ENG")
    assert "row 5 title" in capsys.readouterr().err
    assert not PolicyEntry.objects.exists()

    path.write_text(OLDER)
    call_command("policy_import", "policy-csv", str(path), "--body", "ENG")
    assert "3 new" in capsys.readouterr().out
