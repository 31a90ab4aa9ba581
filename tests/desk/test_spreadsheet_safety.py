"""Exports are safe to open in a spreadsheet: no cell runs as a formula; imports warn."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from desk import exports, imports
from desk.spreadsheet import csv_bytes
from tests.desk.conftest import decide
from tests.factories import make_conference, make_lmc, make_motion, make_staff

pytestmark = pytest.mark.django_db

EVIL = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_every_formula_like_cell_is_written_as_text_in_csv():
    import tablib

    data = tablib.Dataset(headers=["v"])
    for value in EVIL + ["plain", 12]:
        data.append([value])
    import csv

    rows = [r[0] for r in csv.reader(io.StringIO(csv_bytes(data).decode("utf-8-sig"), newline=""))]
    assert rows[1:] == ["'" + v for v in EVIL] + ["plain", "12"]


def test_the_public_resolutions_and_results_csv_escape_a_motion_text_and_title():
    conf = make_conference()
    chair = make_staff(conf)
    motion = make_motion(conf, title="=cmd|' /C calc'!A0", text="@SUM(1+1)*cmd|' /C calc'!A0")
    decide(motion, chair, {"for": 2})
    from django.test import Client
    from django.utils import timezone

    type(conf).objects.filter(pk=conf.pk).update(record_published_at=timezone.now())

    client = Client()
    for url in (
        reverse("resolutions-download", args=[conf.slug, "csv"]),
        reverse("results-export", args=[conf.slug, "csv"]),
    ):
        import csv

        body = client.get(url).content.decode("utf-8-sig")
        cells = [c for row in csv.reader(io.StringIO(body, newline="")) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    resolutions = client.get(reverse("resolutions-download", args=[conf.slug, "csv"])).content.decode("utf-8-sig")
    assert "'@SUM(1+1)" in resolutions and "'=cmd" in resolutions


def test_the_xlsx_export_writes_strings_as_strings_and_the_import_reads_them_back_unchanged():
    conf = make_conference()
    make_lmc(conf, name="=Evil LMC")
    make_motion(conf, number=1, title="-minus first", text="=1+1")
    book = openpyxl.load_workbook(io.BytesIO(exports.export_setup(conf, "motions", "xlsx")))
    sheet = book.active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value in ("=1+1", "-minus first")]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)
    lmcs = exports.export_setup(conf, "lmcs", "csv")
    assert "'=Evil LMC" in lmcs.decode("utf-8-sig")
    report = imports.check_file(conf, "lmcs", "lmcs.csv", lmcs)
    assert report.ok and report.rows == [{"name": "=Evil LMC", "seats": 3}]


def test_an_import_warns_about_a_cell_a_spreadsheet_would_run():
    conf = make_conference()
    report = imports.check_file(conf, "lmcs", "lmcs.csv", b"name,seats\n=HYPERLINK(1),2\nKent LMC,1\n")
    assert report.ok
    assert [(w.row, w.column) for w in report.warnings] == [(2, "name")]
    assert "formula" in report.warnings[0].message
