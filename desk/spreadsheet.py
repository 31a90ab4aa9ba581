"""Spreadsheet files that are safe to open: every export goes through here.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
to Excel, LibreOffice and Google Sheets ("CSV injection"): a motion's text or a name typed
by anyone could run on the secretariat's machine. In CSV such a cell is written with a
leading apostrophe, which spreadsheets show as text; in XLSX every string is written as a
string cell, never as a formula, so the text is kept exactly.
"""

from __future__ import annotations

import io
from typing import Any

import tablib
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    return f"'{value}" if looks_like_formula(value) else value


def csv_bytes(data: tablib.Dataset) -> bytes:
    """CSV with a byte-order mark (so Excel reads the UTF-8) and formula-like cells made text."""
    safe = tablib.Dataset(headers=[csv_cell(h) for h in data.headers or []], title=data.title)
    for row in data:
        safe.append([csv_cell(c) for c in row])
    return ("\ufeff" + safe.export("csv")).encode("utf-8")


def xlsx_bytes(data: tablib.Dataset) -> bytes:
    """XLSX whose string cells are strings: a cell "=1+1" shows "=1+1", it never computes."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = (data.title or "data")[:31]
    rows = [list(data.headers or [])] + [list(r) for r in data]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = TYPE_STRING  # openpyxl would take "=..." for a formula
            if r == 1 and data.headers:
                cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_bytes(data: tablib.Dataset, fmt: str) -> bytes:
    return xlsx_bytes(data) if fmt == "xlsx" else csv_bytes(data)
