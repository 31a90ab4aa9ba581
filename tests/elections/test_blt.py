"""The BLT file: what is read, what is written back, and every refusal naming its line."""

from __future__ import annotations

import pytest

from elections.count import Ballots, BLTError, read_blt, write_blt

EXAMPLE = """4 2
-2
3 1 3 4 0
4 1 3 2 0
2 4 1 3 0
1 2 0
2 2 4 3 1 0
1 3 4 2 0
0
"Adam"
"Basil"
"Charlotte"
"Donald"
"Title"
"""


def test_reads_the_algorithm_123_example_with_a_withdrawn_candidate():
    ballots = read_blt(EXAMPLE)
    assert ballots.candidates == ["Adam", "Basil", "Charlotte", "Donald"]
    assert ballots.seats == 2
    assert ballots.withdrawn == frozenset({1})
    assert ballots.title == "Title"
    assert ballots.votes[0] == (3, (0, 2, 3))
    assert ballots.votes[4] == (2, (1, 3, 2, 0))
    assert sum(w for w, _ in ballots.votes) == 13


def test_reads_unquoted_names_comments_blank_lines_ids_and_extra_quoted_lines():
    text = """# a comment
3 1   # candidates, seats

(a1) 2 1 2 0
1 3 0
0
Ada Lovelace
"Bo"
Cy
"Chair 2026"
"source"
"""
    ballots = read_blt(text)
    assert ballots.candidates == ["Ada Lovelace", "Bo", "Cy"]
    assert ballots.votes == [(2, (0, 1)), (1, (2,))]
    assert ballots.title == "Chair 2026"


def test_write_then_read_gives_the_same_ballots():
    ballots = Ballots(
        candidates=["Dr A. Smith", "B", "C"],
        seats=2,
        votes=[(5, (0, 1)), (1, (2, 1, 0))],
        withdrawn=frozenset({1}),
        title="Agenda committee",
    )
    again = read_blt(write_blt(ballots))
    assert again == ballots


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "empty"),
        ("3\n", 1, "expected 'candidates seats'"),
        ("three 1\n", 1, "whole number"),
        ("2 3\n1 1 0\n0\nA\nB\nT\n", 1, "more seats (3) than candidates (2)"),
        ("3 2\n-1 -2\n1 3 0\n0\nA\nB\nC\nT\n", 2, "more seats (2) than candidates standing (1)"),
        ("3 1\n-4\n1 1 0\n0\nA\nB\nC\nT\n", 2, "no candidate 4"),
        ("3 1\n1 1 0\n2 4 0\n0\nA\nB\nC\nT\n", 3, "candidates are 1 to 3"),
        ("3 1\n1 1 0\n2 0\n0\nA\nB\nC\nT\n", 3, "names no candidate"),
        ("3 1\n1 1=2 0\n0\nA\nB\nC\nT\n", 2, "equal rankings"),
        ("3 1\n1 1 - 2 0\n0\nA\nB\nC\nT\n", 2, "skipped rankings"),
        ("3 1\n1 1 2\n0\nA\nB\nC\nT\n", 2, "must end with 0"),
        ("3 1\n1 1 2 1 0\n0\nA\nB\nC\nT\n", 2, "ranked twice"),
        ("3 1\n0 1 0\n0\nA\nB\nC\nT\n", 2, "at least 1"),
        ("3 1\n1.5 1 0\n0\nA\nB\nC\nT\n", 2, "whole number"),
        ("3 1\n1 1 0\n1 2 0\n", 3, "must end with a line '0'"),
        ("3 1\n1 1 0\n0\nA\nB\n", 5, "expected 3 candidate names"),
        ("3 1\n1 1 0\n0\nA\nB\nA\nT\n", 6, "two candidates are called 'A'"),
        ("3 1\n1 1 0\n0\nA\nB\nC\nT\nstray\n", 8, "after the title"),
    ],
)
def test_a_malformed_file_is_refused_naming_its_line(text, line, words):
    with pytest.raises(BLTError) as refused:
        read_blt(text)
    assert refused.value.line == line
    assert str(refused.value).startswith(f"line {line}: ")
    assert words in str(refused.value)
