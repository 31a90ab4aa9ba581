"""The printed documents: login cards and the resolutions, as PDF (ReportLab).

ReportLab, not WeasyPrint: both render here, but ReportLab is a pure wheel while
WeasyPrint needs Pango and its fonts on every web and worker host; and a card sheet is
a fixed grid, which a canvas draws exactly. QR codes come from segno (no dependencies).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from conference.models import Conference, Representative, format_code

from . import exports

Card = tuple[Representative, str]  # a representative and the plaintext code just issued to them

CARD_W, CARD_H = 85 * mm, 54 * mm  # a credit card: fits a lanyard badge holder
COLUMNS, ROWS = 2, 5
CARDS_PER_PAGE = COLUMNS * ROWS
Progress = Callable[[int], None]


def _fonts() -> tuple[str, str]:
    """A Unicode TrueType font (names are not all Latin-1): DejaVu if the host has it,
    else the Vera that ships inside ReportLab, so it works on any host."""
    if "MH-Regular" not in pdfmetrics.getRegisteredFontNames():
        system = Path("/usr/share/fonts/truetype/dejavu")
        if (system / "DejaVuSans.ttf").exists() and (system / "DejaVuSans-Bold.ttf").exists():
            regular, bold = system / "DejaVuSans.ttf", system / "DejaVuSans-Bold.ttf"
        else:
            import reportlab

            fonts = Path(reportlab.__file__).parent / "fonts"
            regular, bold = fonts / "Vera.ttf", fonts / "VeraBd.ttf"
        pdfmetrics.registerFont(TTFont("MH-Regular", str(regular)))
        pdfmetrics.registerFont(TTFont("MH-Bold", str(bold)))
    return "MH-Regular", "MH-Bold"


def join_link(base_url: str, conference: Conference, code: str) -> str:
    return f"{base_url.rstrip('/')}/c/{conference.slug}/join/{code}/"


def _qr_image(url: str) -> ImageReader:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    return ImageReader(buffer)


def _break_anywhere(c: canvas.Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most ``width``, broken after a "/", "." or "-" where one is near, else
    anywhere: an address has no spaces to wrap at."""
    lines: list[str] = []
    while text:
        end = len(text)
        while end > 1 and c.stringWidth(text[:end], font, size) > width:
            end -= 1
        if end < len(text):
            soft = max(text.rfind(ch, 0, end) for ch in "/.-")
            end = soft + 1 if soft >= end // 2 else end
        lines.append(text[:end])
        text = text[end:]
    return lines


def _wrap(
    c: canvas.Canvas, text: str, font: str, size: float, width: float, max_lines: int, *, smallest: float = 6
) -> tuple[list[str], float]:
    """``text`` in at most ``max_lines`` lines of ``width``, at the largest size from ``size``
    down to ``smallest``; at the smallest, the last line is cut with an ellipsis."""
    while True:
        lines = []
        for line in simpleSplit(text, font, size, width):
            lines += _break_anywhere(c, line, font, size, width)
        if len(lines) <= max_lines:
            return lines, size
        if size - 0.5 < smallest:
            break
        size -= 0.5
    last = lines[max_lines - 1]
    while last and c.stringWidth(last + "…", font, size) > width:
        last = last[:-1]
    return [*lines[: max_lines - 1], last.rstrip() + "…"], size


def _draw_lines(c: canvas.Canvas, lines: list[str], font: str, size: float, x: float, top: float) -> float:
    """Draw ``lines`` from ``top`` down; returns the baseline below the last."""
    leading = size * 1.18
    y = top - size
    for line in lines:
        c.setFont(font, size)
        c.drawString(x, y, line)
        y -= leading
    return y + leading - size * 0.35


def _card(c: canvas.Canvas, x: float, y: float, conference: Conference, card: Card, base_url: str) -> None:
    """One card. Everything is kept inside its cutting line: a long conference or LMC name,
    a long name and a long public address wrap, then shrink, and only as a last resort
    are cut short (the address only past three lines at 5 pt, some 190 characters)."""
    rep, code = card
    regular, bold = _fonts()
    c.setStrokeColor(colors.lightgrey)
    c.setDash(2, 2)
    c.rect(x, y, CARD_W, CARD_H)  # the cutting line
    c.setDash()
    pad, qr = 4 * mm, 26 * mm
    full_w = CARD_W - 2 * pad
    text_w = CARD_W - qr - 3 * pad
    c.setFillColor(colors.black)
    # The bottom band, full width: how to join, and the public address (PUBLIC_BASE_URL).
    address = base_url.split("://", 1)[-1].rstrip("/") + f"/c/{conference.slug}/"
    address_lines, address_size = _wrap(c, address, bold, 7, full_w, 3, smallest=5)
    how = _("Scan the QR code, or go to this address and type your code:")
    band_lines, band_size = _wrap(c, how, regular, 6, full_w, 2, smallest=5)
    bottom_h = (len(address_lines) * address_size + len(band_lines) * band_size) * 1.18
    _draw_lines(c, address_lines, bold, address_size, x + pad, y + pad + len(address_lines) * address_size * 1.18)
    _draw_lines(c, band_lines, regular, band_size, x + pad, y + pad + bottom_h)
    # The code, on the left above the band.
    code_base = y + pad + bottom_h + 5
    c.setFont("Courier-Bold", 13)
    c.drawString(x + pad, code_base, format_code(code))
    c.setFont(regular, 6.5)
    c.drawString(x + pad, code_base + 15, _("Your code"))
    # The header: the conference, full width.
    top = y + CARD_H - pad
    header, header_size = _wrap(c, conference.name, regular, 7, full_w, 2, smallest=5.5)
    below = _draw_lines(c, header, regular, header_size, x + pad, top)
    # Who it is for: the name and the LMC, left of the QR code.
    name_lines, name_size = _wrap(c, rep.name, bold, 11, text_w, 2, smallest=7)
    below = _draw_lines(c, name_lines, bold, name_size, x + pad, below - 4)
    lmc = rep.lmc.name if rep.lmc else str(rep.get_role_display())
    room = max(1, int((below - (code_base + 24)) // (8 * 1.18)))
    lmc_lines, lmc_size = _wrap(c, lmc, regular, 8, text_w, min(3, room), smallest=6)
    _draw_lines(c, lmc_lines, regular, lmc_size, x + pad, below - 2)
    # The QR code: the whole join link, between the header and the band.
    qr_top = top - len(header) * header_size * 1.18 - 2
    qr_size = min(qr, qr_top - (y + pad + bottom_h + 2))
    link = join_link(base_url, conference, code)
    c.drawImage(_qr_image(link), x + CARD_W - qr_size - pad, qr_top - qr_size, qr_size, qr_size)


def login_cards_pdf(
    conference: Conference, cards: Sequence[Card], base_url: str, progress: Progress | None = None
) -> bytes:
    """One card per representative, ten to an A4 page, with cutting lines. The codes come
    with the representatives: they exist only at the moment of issue (conference.codes)."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(_("Login cards: %(name)s") % {"name": conference.name})
    page_w, page_h = A4
    left = (page_w - COLUMNS * CARD_W) / 2
    bottom = (page_h - ROWS * CARD_H) / 2
    for i, card in enumerate(cards):
        slot = i % CARDS_PER_PAGE
        if i and slot == 0:
            c.showPage()
            if progress:
                progress(i)
        col, row = slot % COLUMNS, slot // COLUMNS
        _card(c, left + col * CARD_W, bottom + (ROWS - 1 - row) * CARD_H, conference, card, base_url)
    if not cards:
        c.setFont(_fonts()[0], 12)
        c.drawString(30 * mm, page_h - 30 * mm, _("There are no representatives to print cards for."))
    c.showPage()
    c.save()
    if progress:
        progress(len(cards))
    return buffer.getvalue()


def _dates(conference: Conference) -> str:
    start, end = conference.starts_on, conference.ends_on
    if start and end and end != start:
        return f"{start:%-d %B %Y} to {end:%-d %B %Y}"
    return f"{start:%-d %B %Y}" if start else ""


def resolutions_pdf(
    conference: Conference, record: list[dict], counts: dict[str, int], *, draft: bool = False
) -> bytes:
    """The resolutions document: the conference's name, dates and venue; the counts; a
    contents by section; each motion's wording as decided (as amended marked, the tabled
    text beside it) with its final status and vote; page numbers on every page."""
    regular, bold = _fonts()
    styles = {
        "title": ParagraphStyle("title", fontName=bold, fontSize=18, leading=22, spaceAfter=4),
        "sub": ParagraphStyle("sub", fontName=regular, fontSize=10.5, leading=14, spaceAfter=2),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=13, leading=16, spaceBefore=10, spaceAfter=4),
        "motion": ParagraphStyle("motion", fontName=regular, fontSize=10, leading=13, spaceAfter=2),
        "part": ParagraphStyle("part", fontName=regular, fontSize=10, leading=13, leftIndent=14),
        "toc": ParagraphStyle("toc", fontName=regular, fontSize=10, leading=14, leftIndent=8),
        "note": ParagraphStyle(
            "note", fontName=regular, fontSize=8.5, leading=11, textColor=colors.dimgrey, spaceAfter=6
        ),
    }
    title = _("Resolutions: %(name)s") % {"name": conference.name}
    # The contents give each section's page: the document is laid out once to find them
    # (the contents take the same room either way), then again with them filled in.
    pdf, section_pages = _laid_out(conference, record, counts, draft, title, styles, {})
    if record:
        pdf, _pages = _laid_out(conference, record, counts, draft, title, styles, section_pages)
    return pdf


class _ResolutionsDoc(SimpleDocTemplate):
    """Notes the page each section heading lands on."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.section_pages: dict[int, int] = {}

    def afterFlowable(self, flowable: object) -> None:  # noqa: N802 (ReportLab's name)
        n = getattr(flowable, "section_number", None)
        if n is not None:
            self.section_pages[n] = self.page


def _laid_out(
    conference: Conference,
    record: list[dict],
    counts: dict[str, int],
    draft: bool,
    title: str,
    styles: dict[str, ParagraphStyle],
    section_pages: dict[int, int],
) -> tuple[bytes, dict[int, int]]:
    """The resolutions as PDF, the contents giving ``section_pages``; and the page each
    section's heading landed on."""
    regular = styles["sub"].fontName
    buffer = io.BytesIO()
    doc = _ResolutionsDoc(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
    )

    def page_furniture(c: canvas.Canvas, doc_: SimpleDocTemplate) -> None:
        c.saveState()
        c.setFont(regular, 8)
        c.setFillColor(colors.dimgrey)
        c.drawCentredString(A4[0] / 2, 10 * mm, _("Page %(n)s") % {"n": c.getPageNumber()})
        if draft:
            c.drawString(20 * mm, A4[1] - 10 * mm, _("DRAFT: not yet published"))
        c.restoreState()

    story: list = [Paragraph(escape(title), styles["title"])]
    when_where = " · ".join(x for x in (_dates(conference), conference.venue) if x)
    if when_where:
        story.append(Paragraph(escape(when_where), styles["sub"]))
    summary = ", ".join(f"{n} {escape(str(k)).replace('_', ' ')}" for k, n in counts.items() if k != "motions")
    story.append(Paragraph(escape(_("%(n)s motions on the agenda") % {"n": counts.get("motions", 0)}) + (
        f": {summary}" if summary else ""), styles["sub"]))  # fmt: skip
    story.append(Paragraph(escape(_("Contents")), styles["h2"]))
    for n, section in enumerate(record, start=1):
        page = _("page %(n)s") % {"n": section_pages.get(n, 0)}
        story.append(
            Paragraph(f"{n}. {escape(section['section'])} ({len(section['motions'])}), {escape(page)}", styles["toc"])
        )
    if not record:
        story.append(Paragraph(escape(_("No motion has been carried yet.")), styles["motion"]))
    for n, section in enumerate(record, start=1):
        heading = Paragraph(f"{n}. {escape(section['section'])}", styles["h2"])
        heading.section_number = n  # type: ignore[attr-defined]
        story.append(heading)
        for m in section["motions"]:
            story += _motion_paragraphs(m, styles)
        story.append(Spacer(1, 4))
    doc.build(story, onFirstPage=page_furniture, onLaterPages=page_furniture)
    return buffer.getvalue(), doc.section_pages


def _motion_paragraphs(m: dict, styles: dict[str, ParagraphStyle]) -> list:
    """A motion in the resolutions: its wording as decided, its parts, what was tabled, its vote."""
    out: list = []
    mark = f" <i>[{escape(_('as amended'))}]</i>" if m["stem_amended"] else ""
    if m["as_reference"]:
        mark += f" <b>[{escape(_('carried as a reference'))}]</b>"
    # The standing orders' order: the opening words, the parts, then the riders added to the whole.
    out.append(Paragraph(f"<b>{escape(m['reference'])}.</b> {escape(m['stem'])}{mark}", styles["motion"]))
    for p in m["parts"]:
        pmark = f" <i>[{escape(_('as amended'))}]</i>" if p["amended"] else ""
        out.append(
            Paragraph(
                f"({escape(p['label'])}) {escape(p['text'])}{pmark} <b>[{escape(p['outcome_label'])}]</b>",
                styles["part"],
            )
        )
    for rider in m["riders"]:
        out.append(Paragraph(f"{escape(rider)} <i>[{escape(_('rider'))}]</i>", styles["motion"]))
    tabled = [m["tabled_text"]] if m["stem_amended"] else []
    tabled += [f"({p['label']}) {p['tabled_text']}" for p in m["parts"] if p["amended"]]
    if tabled:
        out.append(Paragraph(escape(_("As tabled: %(t)s") % {"t": " ".join(tabled)}), styles["note"]))
    bits = [m["proposer"], m["status_label"]]
    bits += [v["summary"] for v in m["votes"] if not v["annulled"] and not v["parts"]]
    # The parts' own votes, with their counts: "Parts (i), (iii): For 5 (83.3%), ...".
    bits += [
        (_("Parts %(labels)s") if len(v["parts"]) > 1 else _("Part %(labels)s"))
        % {"labels": ", ".join(f"({label})" for label in v["parts"])}
        + f": {v['summary']}"
        for v in m["votes"]
        if not v["annulled"] and v["parts"]
    ]
    bits += [
        _("taken without debate in the block vote on %(n)s: %(s)s")
        % {"n": ", ".join(map(str, v["motions"])), "s": v["summary"]}
        for v in m["block_votes"]
        if not v["annulled"]
    ]
    bits += [_("corrected: %(r)s") % {"r": c["reason"]} for c in m["corrections"]]
    out.append(Paragraph(escape(" · ".join(b for b in bits if b)), styles["note"]))
    return out


def conference_resolutions_pdf(conference: Conference, *, draft: bool = False) -> bytes:
    """The resolutions document of a conference, from its full record."""
    record = exports.full_record(conference)
    return resolutions_pdf(
        conference, exports.resolutions(conference, record), exports.record_counts(record), draft=draft
    )
