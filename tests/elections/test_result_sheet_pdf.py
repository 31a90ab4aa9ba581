"""The result sheet PDF: stages as columns, cut into blocks across pages, every figure the issue asks for."""

from __future__ import annotations

import io

from pypdf import PdfReader

from bench.count import Case, make_election
from elections.count import Ballots, count
from elections.count.sheet import as_dict
from elections.documents import _blocks, sheet_pdf
from elections.table import table


def _pages(sheet: dict) -> list[str]:
    reader = PdfReader(io.BytesIO(sheet_pdf("Conference of England LMCs 2026", sheet)))
    return [page.extract_text() for page in reader.pages]


def test_stage_blocks_are_balanced_and_cover_every_stage():
    assert [list(b) for b in _blocks(7, 10)] == [list(range(7))]
    blocks = _blocks(27, 10)
    assert [len(b) for b in blocks] == [9, 9, 9]
    assert [i for b in blocks for i in b] == list(range(27))
    assert [len(b) for b in _blocks(29, 8)] == [8, 8, 8, 5]


def test_the_table_gives_each_candidates_signed_transfer_and_the_non_transferable_change():
    ballots = Ballots(candidates=["Ada", "Bo", "Cy"], seats=1, votes=[(4, (0,)), (3, (1, 0)), (2, (2,))])
    t = table(as_dict(count(ballots, "scottish", seed=7)))
    # Stage 2 excludes Cy (2 votes, no later preference): -2 to Cy, +2 to the non-transferable papers.
    cy = next(cells for name, _, cells in t.rows if name == "Cy")
    assert cy[0].transfer == "" and cy[1].transfer == "-2.00000" and cy[1].mark == "excluded"
    assert t.non_transferable_transfers[:2] == ["", "+2.00000"]


def test_a_thirty_candidate_count_runs_over_pages_in_blocks_of_stages_with_every_row():
    sheet = as_dict(count(make_election(Case("Representatives to the GPC", 2000, 30, 7)), "scottish", seed=99))
    stages = len(sheet["stages"])
    pages = _pages(sheet)
    text = "\n".join(pages)
    assert len(pages) > 2
    assert f"Stages 1 to 9 (of {stages})" in text and f"Stages 19 to 27 (of {stages})" in text
    assert "Candidate\nStage 19" in pages[-1]  # a block running on to a new page repeats its heading rows
    for name in sheet["candidates"]:  # every candidate in every block, none cut off
        assert text.count(name + "\n") + text.count(name + " (elected)") >= 3, name
    assert f"Quota: {sheet['quota']}" in text
    assert "Transfer value" in text and sheet["stages"][1]["transfer_value"] in text
    assert "Non-transferable" in text and sheet["stages"][-1]["non_transferable"] in text
    assert "No ties arose" in pages[-1] and "Seed for any lot: 99" in pages[-1]
    assert "Page 1" in pages[0]


def test_a_tie_and_how_the_lot_settled_it_are_on_the_sheet():
    ballots = Ballots(
        candidates=["Ada", "Bo", "Cy", "Di"], seats=2, votes=[(5, (0,)), (2, (1,)), (2, (2,)), (3, (3, 0))]
    )
    sheet = as_dict(count(ballots, "scottish", seed=123456789))
    text = "\n".join(_pages(sheet))
    assert "Bo, Cy were level (exclusion)" in text and "chosen by lot" in text
    assert "Seed for any lot: 123456789" in text
