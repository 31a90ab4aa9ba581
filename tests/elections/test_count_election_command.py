"""``manage.py count_election``: the JSON and text result sheets, and refusals with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WARD = ROOT / "tests" / "fixtures" / "stv" / "edinburgh-2017" / "city-of-edinburgh_S13002921.blt"
STAGE_KEYS = {"number", "action", "subject", "transfer_value", "totals", "non_transferable", "elected", "excluded"}
PLACES = {"scottish": 5, "ers97": 2, "meek": 9}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "count_election", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def places(text: str) -> int:
    exponent = Decimal(text).as_tuple().exponent
    assert isinstance(exponent, int)
    return -exponent


@pytest.mark.parametrize("method", ["scottish", "ers97", "meek"])
def test_json_has_the_result_sheet_shape_with_decimals_at_the_rules_precision(method):
    done = run(str(WARD), "--method", method, "--format", "json")
    assert done.returncode == 0, done.stderr
    sheet = json.loads(done.stdout)
    assert {"method", "seats", "valid", "invalid", "quota", "candidates", "stages", "elected"} <= set(sheet)
    assert (sheet["method"], sheet["seats"], sheet["valid"], sheet["invalid"]) == (method, 3, 9474, 0)
    assert sheet["candidates"][0] == "Robert Christopher ALDRIDGE (LD)" and len(sheet["candidates"]) == 5
    assert places(sheet["quota"]) == PLACES[method]
    first = sheet["stages"][0]
    assert STAGE_KEYS <= set(first)
    assert (first["number"], first["action"], first["subject"], first["transfer_value"]) == (
        1,
        "first preferences",
        None,
        None,
    )
    for stage in sheet["stages"]:
        assert stage["action"] in {"first preferences", "surplus", "exclusion"}
        assert list(stage["totals"]) == sheet["candidates"]
        assert all(places(v) == PLACES[method] for v in stage["totals"].values())
        assert places(stage["non_transferable"]) == PLACES[method]
    assert len(sheet["elected"]) == 3 and "seed" in sheet


def test_json_of_the_scottish_count_carries_the_official_figures():
    sheet = json.loads(run(str(WARD), "--format", "json").stdout)
    assert sheet["quota"] == "2369.00000"
    second = sheet["stages"][1]
    assert (second["action"], second["subject"], second["transfer_value"]) == (
        "surplus",
        "Robert Christopher ALDRIDGE (LD)",
        "0.25409",
    )
    assert second["totals"]["Mark BROWN (C)"] == "2411.26792"
    assert second["elected"] == ["Mark BROWN (C)"]


def test_text_prints_a_stage_table():
    done = run(str(WARD), "--method", "scottish", "--format", "text")
    assert done.returncode == 0
    assert "Stage 2: Surplus of Robert Christopher ALDRIDGE (LD) (transfer value 0.25409)" in done.stdout
    assert "Mark BROWN (C)                    2084.00000    2411.26792 E" in done.stdout
    assert "Elected: Robert Christopher ALDRIDGE (LD), Claire BRIDGMAN (SNP), Mark BROWN (C)" in done.stdout


def test_the_seed_is_used_and_printed(tmp_path):
    level = tmp_path / "level.blt"
    level.write_text('2 1\n1 1 0\n1 2 0\n0\n"A"\n"B"\n"Level"\n')
    sheets = [json.loads(run(str(level), "--format", "json", "--seed", str(s)).stdout) for s in range(8)]
    assert {s["elected"][0] for s in sheets} == {"A", "B"}
    assert all(s["seed"] == n and s["ties"][0]["settled_by"] == "lot" for n, s in enumerate(sheets))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("3 1\n1 1 0\n1 7 0\n0\nA\nB\nC\nT\n", "line 3: a preference for candidate 7, but the candidates are 1 to 3"),
        ("3 1\n1 1 0\n4 0\n0\nA\nB\nC\nT\n", "line 3: a ballot names no candidate"),
        ("2 3\n1 1 0\n0\nA\nB\nT\n", "line 1: more seats (3) than candidates (2)"),
        ("3 x\n", "line 1: the number of seats must be a whole number"),
    ],
)
def test_a_bad_file_exits_2_naming_the_line(tmp_path, content, message):
    bad = tmp_path / "bad.blt"
    bad.write_text(content)
    done = run(str(bad))
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_a_missing_file_or_an_unknown_method_exits_2(tmp_path):
    assert run(str(tmp_path / "nowhere.blt")).returncode == 2
    assert run(str(WARD), "--method", "borda").returncode == 2
