"""Issue 14: the cards carry the conference's public address (PUBLIC_BASE_URL), and a long
LMC name, person's name, conference name or address stays inside the card's cutting line."""

from __future__ import annotations

import io
import math

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from desk import documents
from desk.models import Job
from desk.tasks import build_login_cards
from tests.factories import make_conference, make_lmc, make_rep

pytestmark = pytest.mark.django_db
LONG_LMC = "Bedfordshire and Hertfordshire Local Medical Committees Limited"
LONG_ADDRESS = "https://conference-of-england-lmcs.example-secretariat.org.uk"
PAD = 4 * mm
QR_AT_LEAST = 20 * mm  # the QR code on the right of the card is at least this wide


def chunks(pdf: bytes) -> list[tuple[str, float, float, str, float]]:
    """(text, x, y, font, size) of every line drawn on the first page."""
    found: list[tuple[str, float, float, str, float]] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            name = str(font.get("/BaseFont", "")) if font else ""
            face = "Courier-Bold" if "Courier" in name else "MH-Bold" if "Bold" in name else "MH-Regular"
            found.append((text.strip("\n"), tm[4], tm[5], face, size))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found


def long_cards(settings) -> bytes:
    settings.PUBLIC_BASE_URL = LONG_ADDRESS
    conf = make_conference(
        name="Annual Conference of England Local Medical Committees 2026 (Liverpool)", slug="england-lmcs-2026"
    )
    lmc = make_lmc(conf, name=LONG_LMC)
    reps = [make_rep(conf, lmc, name="Dr Alexandra Montgomery-Fitzwilliam"), make_rep(conf, lmc, name="Dr Li")]
    job = Job.objects.create(
        conference=conf, kind=Job.Kind.LOGIN_CARDS, params={"rep_ids": [r.pk for r in reps], "base_url": LONG_ADDRESS}
    )
    assert build_login_cards(job.pk) == "done"
    from desk import actions

    taken = actions.take_download(job.pk, conf, None)
    assert taken is not None
    return taken[1]


def test_every_line_on_a_card_stays_inside_its_cutting_line(settings):
    pdf = long_cards(settings)
    left, bottom = (A4[0] - 2 * documents.CARD_W) / 2, (A4[1] - 5 * documents.CARD_H) / 2
    lines = chunks(pdf)
    assert len(lines) > 10
    for text, x, y, face, size in lines:
        column, row = math.floor((x - left) / documents.CARD_W), math.floor((y - bottom) / documents.CARD_H)
        card_left, card_bottom = left + column * documents.CARD_W, bottom + row * documents.CARD_H
        width = pdfmetrics.stringWidth(text, face, size)
        assert card_left + PAD - 0.5 <= x and x + width <= card_left + documents.CARD_W - PAD + 0.5, text
        assert card_bottom + PAD - 1 <= y and y + size * 0.8 <= card_bottom + documents.CARD_H - PAD + 1, text
        if text in LONG_LMC or text in "Dr Alexandra Montgomery-Fitzwilliam":  # beside the QR code, not under it
            assert x + width <= card_left + documents.CARD_W - 2 * PAD - QR_AT_LEAST + 0.5, text


def test_the_whole_public_address_and_the_whole_lmc_name_are_on_the_card(settings):
    pdf = long_cards(settings)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "conference-of-england-lmcs.example-secretariat.org.uk/c/england-lmcs-2026/" in text.replace("\n", "")
    assert LONG_LMC in text.replace("\n", " ")
    assert "testserver" not in text and "localhost" not in text


def test_a_name_too_long_for_two_lines_is_cut_with_an_ellipsis_not_run_off():
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(io.BytesIO())
    documents._fonts()
    lines, size = documents._wrap(c, "Dr " + "Verylongname " * 12, "MH-Bold", 11, 120, 2, smallest=7)
    assert len(lines) == 2 and lines[-1].endswith("…") and size == 7
    assert all(c.stringWidth(line, "MH-Bold", size) <= 120 for line in lines)
    pieces = documents._break_anywhere(c, "host.example.org/" * 20, "MH-Bold", 7, 120)
    assert "".join(pieces) == "host.example.org/" * 20
    assert all(c.stringWidth(p, "MH-Bold", 7) <= 120 for p in pieces)
