"""The election's result sheet as PDF (ReportLab, as the desk's documents are).

Stages are columns. A count with more stages than fit across a landscape A4 page is cut into
blocks of stages (each a table of its own, the candidate column repeated); a block with more
candidates than fit down a page runs on to the next page with its heading rows repeated.
Each cell shows the transfer during the stage above the total at its end.
"""

from __future__ import annotations

import math
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .table import Table as SheetTable
from .table import table

METHODS = {"scottish": "Scottish STV (SSI 2007/42)", "ers97": "ERS97", "meek": "Meek STV"}

NAME_WIDTH = 46 * mm
NUMBER_SIZE = 7.5
ELECTED = colors.HexColor("#dcefdc")
EXCLUDED = colors.HexColor("#ececec")
HEAD = colors.HexColor("#e8eef6")

TITLE = ParagraphStyle("t", fontName="Helvetica-Bold", fontSize=16, leading=20)
BODY = ParagraphStyle("b", fontName="Helvetica", fontSize=9.5, leading=12)
BOLD = ParagraphStyle("e", parent=BODY, fontName="Helvetica-Bold")
SECTION = ParagraphStyle(
    "sec", fontName="Helvetica-Bold", fontSize=10.5, leading=13, spaceBefore=4, spaceAfter=2, keepWithNext=1
)
SMALL = ParagraphStyle("s", fontName="Helvetica", fontSize=7.5, leading=9)
HEADING = ParagraphStyle("h", fontName="Helvetica-Bold", fontSize=7.5, leading=9)
NUMBER = ParagraphStyle("n", fontName="Helvetica", fontSize=NUMBER_SIZE, leading=9.5, alignment=2)  # right
NAME_ELECTED = ParagraphStyle("ne", parent=HEADING)


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(text), style)


def _column_width(t: SheetTable) -> float:
    """Wide enough for the longest figure (Meek's nine decimals are wider than Scottish five)."""
    figures = [c.text + " E" for _, _, cells in t.rows for c in cells] + [
        c.transfer for _, _, cells in t.rows for c in cells
    ]
    figures += t.non_transferable + t.quotas + t.transfer_values
    widest = max((stringWidth(f, "Helvetica", NUMBER_SIZE) for f in figures if f), default=0.0)
    return max(20 * mm, widest + 14)  # the cell pads 6 points a side


def _blocks(stages: int, per_block: int) -> list[range]:
    """Stages cut into blocks of (nearly) equal size: 27 stages at 10 a page are 9 + 9 + 9."""
    count = max(1, math.ceil(stages / per_block))
    size = math.ceil(stages / count) if stages else 0
    return [range(start, min(stages, start + size)) for start in range(0, stages, size or 1)]


def _figure(total: str, mark: str, transfer: str, with_transfer: bool) -> Paragraph:
    letter = " <b>E</b>" if mark == "elected" else " <b>X</b>" if mark == "excluded" else ""
    text = f"{escape(total)}{letter}"
    if with_transfer:
        text = f'<font color="#4a4a4a" size="6.5">{escape(transfer) or "&nbsp;"}</font><br/>{text}'
    return Paragraph(text, NUMBER)


def _block(t: SheetTable, stages: range, column: float, with_transfers: bool) -> Table:
    heads = [
        Paragraph(f"{escape(t.heads[i])}<br/><font name='Helvetica' size='7'>{escape(t.actions[i])}</font>", HEADING)
        for i in stages
    ]
    data: list[list[Any]] = [[_p("Candidate", HEADING)] + heads]
    data.append(
        [_p("Transfer value", SMALL)] + [Paragraph(escape(t.transfer_values[i] or "—"), NUMBER) for i in stages]
    )
    style: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("VALIGN", (0, 0), (-1, 0), "TOP"),
        ("VALIGN", (0, 1), (-1, -1), "BOTTOM"),
        ("TOPPADDING", (0, 1), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 2),
    ]
    for name, elected, cells in t.rows:
        row = len(data)
        label = _p(name + (" (elected)" if elected else ""), NAME_ELECTED if elected else SMALL)
        data.append(
            [label] + [_figure(cells[i].text, cells[i].mark, cells[i].transfer, with_transfers) for i in stages]
        )
        for col, i in enumerate(stages, start=1):
            if cells[i].mark:
                style.append(
                    ("BACKGROUND", (col, row), (col, row), ELECTED if cells[i].mark == "elected" else EXCLUDED)
                )
    nt = t.non_transferable_transfers or [""] * len(t.non_transferable)
    data.append(
        [_p("Non-transferable", SMALL)] + [_figure(t.non_transferable[i], "", nt[i], with_transfers) for i in stages]
    )
    data.append([_p("Quota", HEADING)] + [Paragraph(f"<b>{escape(t.quotas[i])}</b>", NUMBER) for i in stages])
    style.append(("LINEABOVE", (0, -2), (-1, -2), 1, colors.black))
    grid = Table(data, colWidths=[NAME_WIDTH] + [column] * len(stages), repeatRows=2, hAlign="LEFT")
    grid.setStyle(TableStyle(style))
    return grid


def _numbered(title: str) -> Any:
    def footer(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(doc.leftMargin, 7 * mm, f"{title}: result sheet")
        canvas.drawRightString(doc.leftMargin + doc.width, 7 * mm, f"Page {doc.page}")
        canvas.restoreState()

    return footer


def sheet_pdf(conference_name: str, sheet: dict[str, Any]) -> bytes:
    import io

    t = table(sheet)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=14 * mm
    )
    title = sheet.get("title") or "Election"
    method = METHODS.get(sheet["method"], sheet["method"])
    story: list[Flowable] = [
        _p(f"{title}: result sheet", TITLE),
        _p(conference_name),
        Spacer(1, 3 * mm),
        _p(
            f"Method: {method}. Seats: {sheet['seats']}. Valid ballots: {sheet['valid']}. "
            f"Invalid ballots: {sheet['invalid']}. Candidates: {len(sheet['candidates'])}."
        ),
        _p(f"Quota: {sheet['quota']}", BOLD),
        _p("Elected: " + ", ".join(sheet["elected"]), BOLD),
    ]
    if sheet.get("withdrawn"):
        story.append(_p("Withdrawn: " + ", ".join(sheet["withdrawn"])))
    for c in sheet.get("constraints") or []:
        bounds = [f"at least {c['minimum']}"] if c.get("minimum") else []
        bounds += [f"at most {c['maximum']}"] if c.get("maximum") is not None else []
        story.append(_p(f"Constraint '{c['name']}' ({', '.join(c['candidates'])}): {' and '.join(bounds)}.", SMALL))
    story.append(Spacer(1, 3 * mm))
    column = _column_width(t)
    per_block = max(1, int((doc.width - NAME_WIDTH) // column))
    blocks = _blocks(len(t.heads), per_block)
    with_transfers = len(t.heads) > 1
    for block in blocks:
        if len(blocks) > 1:
            story.append(_p(f"Stages {block.start + 1} to {block.stop} (of {len(t.heads)})", SECTION))
        story += [_block(t, block, column, with_transfers), Spacer(1, 3 * mm)]
    legend = "E elected, X excluded at that stage."
    if with_transfers:
        legend = (
            "Each cell gives the transfer during the stage (small, above) and the total at its end. "
            "Non-transferable: the papers set aside so far. " + legend
        )
    tail: list[Flowable] = [_p(legend, SMALL), _p("Ties and the lot", SECTION)]
    tail += [_p(line, SMALL) for line in t.ties] or [_p("No ties arose in this count.", SMALL)]
    tail.append(
        _p(f"Seed for any lot: {sheet['seed']} (drawn when the election closed, recorded before the count).", SMALL)
    )
    if t.notes:
        tail.append(_p("Notes", SECTION))
        tail += [_p(line, SMALL) for line in t.notes]
    tail.append(Spacer(1, 2 * mm))
    tail.append(
        _p(
            "Anyone can recount: download the anonymised ballots (BLT) and run "
            f"python manage.py count_election ballots.blt --method {sheet['method']} --seed {sheet['seed']}.",
            SMALL,
        )
    )
    story.append(KeepTogether(tail))
    footer = _numbered(title)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
