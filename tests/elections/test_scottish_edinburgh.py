"""The Scottish count against the official result of every ward of Edinburgh's 2017 election.

The fixtures (tests/fixtures/stv/edinburgh-2017/, CC-BY-SA 4.0, sources in their README) hold
each ward's ballots as a BLT file and the official sheet: the valid poll, the quota, and for
each official "count" every candidate's total as printed, then the elected candidates.

How the official counts line up with our stages: one to one. Under the Order each count
after the first moves exactly one surplus or one exclusion, and so does each of our stages;
the sheet stops when the last seat is filled, and so do we (rule 48(1) transfers no surplus
once no vacancy remains; rule 52's last places are filled at the end of the stage whose
exclusion brings them about, after its transfer, as the sheets show). Excluded candidates
are printed as 0. The sheet drops trailing zeros ("2727.8" for 2727.80000), so each computed
total is rounded to the decimals the official figure shows before comparing. The official
invalid papers are not in the BLT files, so our ``invalid`` is 0.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from elections.count import count, read_blt_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "stv" / "edinburgh-2017"
WARDS = sorted(p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json"))


def test_all_seventeen_wards_are_there():
    assert len(WARDS) == 17


@pytest.mark.parametrize("ward", WARDS)
def test_every_official_stage_total_and_the_elected_are_reproduced(ward):
    official = json.loads((FIXTURES / f"{ward}.expected.json").read_text())
    ballots = read_blt_file(FIXTURES / f"{ward}.blt")
    assert ballots.candidates == official["candidates"]

    result = count(ballots, "scottish")

    assert (result.seats, result.valid, result.quota) == (official["seats"], official["valid"], official["quota"])
    assert [s.number for s in result.stages] == [c["count"] for c in official["counts"]]
    for sheet in official["counts"]:
        stage = result.stages[sheet["count"] - 1]
        for row in sheet["totals"]:
            printed = Decimal(row["total"])
            shown = printed.as_tuple().exponent  # the decimals the sheet prints
            assert isinstance(shown, int)
            computed = stage.totals[row["name"]].quantize(Decimal(1).scaleb(shown))
            assert computed == printed, f"count {sheet['count']}, {row['name']}: {stage.totals[row['name']]}"
    assert sorted(result.elected) == sorted(e["name"] for e in official["elected"])
    assert not result.ties  # no ward needed a tie to be settled
