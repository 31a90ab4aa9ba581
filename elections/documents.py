"""The election's result sheet as PDF (ReportLab, as the desk's documents are)."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .table import table

METHODS = {"scottish": "Scottish STV (SSI 2007/42)", "ers97": "ERS97", "meek": "Meek STV"}


def sheet_pdf(conference_name: str, sheet: dict[str, Any]) -> bytes:
    t = table(sheet)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm
    )
    title = ParagraphStyle("t", fontName="Helvetica-Bold", fontSize=16, leading=20)
    body = ParagraphStyle("b", fontName="Helvetica", fontSize=9.5, leading=12)
    small = ParagraphStyle("s", fontName="Helvetica", fontSize=7, leading=8.5)
    head = ParagraphStyle("h", fontName="Helvetica-Bold", fontSize=7.5, leading=9)

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        from xml.sax.saxutils import escape

        return Paragraph(escape(text), style)

    story: list[Any] = [
        p(f"{sheet.get('title') or 'Election'}: result sheet", title),
        p(conference_name),
        Spacer(1, 3 * mm),
        p(
            f"Method: {METHODS.get(sheet['method'], sheet['method'])}. Seats: {sheet['seats']}. "
            f"Valid ballots: {sheet['valid']}. Invalid: {sheet['invalid']}. Quota: {sheet['quota']}. "
            f"Seed of any lot: {sheet['seed']}."
        ),
        p("Elected: " + ", ".join(sheet["elected"]), ParagraphStyle("e", parent=body, fontName="Helvetica-Bold")),
        Spacer(1, 4 * mm),
    ]
    data: list[list[Any]] = [
        [p("Candidate", head)] + [p(f"{h}: {a}", head) for h, a in zip(t.heads, t.actions, strict=True)]
    ]
    data.append([p("Transfer value", small)] + [p(v or "—", small) for v in t.transfer_values])
    for name, elected, cells in t.rows:
        label = name + (" (elected)" if elected else "")
        data.append(
            [p(label, head if elected else small)]
            + [
                p(c.text + (" E" if c.mark == "elected" else " X" if c.mark == "excluded" else ""), small)
                for c in cells
            ]
        )
    data.append([p("Non-transferable", small)] + [p(v, small) for v in t.non_transferable])
    data.append([p("Quota", small)] + [p(v, small) for v in t.quotas])
    first = 48 * mm
    rest = (doc.width - first) / max(1, len(t.heads))
    grid = Table(data, colWidths=[first] + [rest] * len(t.heads), repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    story += [grid, Spacer(1, 3 * mm), p("E elected, X excluded at that stage.", small)]
    story += [p(line, small) for line in t.ties + t.notes]
    story.append(
        p(
            "Anyone can recount: download the anonymised ballots (BLT) and run "
            f"python manage.py count_election ballots.blt --method {sheet['method']} --seed {sheet['seed']}.",
            small,
        )
    )
    doc.build(story)
    return out.getvalue()
