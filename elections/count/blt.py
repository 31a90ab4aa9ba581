"""The BLT ballot file (Hill, Wichmann & Woodall 1987; the format OpenSTV and the Scottish
councils publish), read and written.

    4 2                 candidates, seats
    -2                  optional: withdrawn candidates, each with a minus sign
    3 1 3 4 0           a ballot line: weight, then preferences by candidate number, then 0
    1 2 0
    0                   the end of the ballots
    "Adam"              the candidates' names in number order, quoted or not
    "Basil"
    "Charlotte"
    "Donald"
    "Title"             the title; further quoted lines (a source, a comment) are allowed

``#`` starts a comment to the end of a line, and an OpenSTV ballot id such as ``(17)`` may
open a ballot line. Equal rankings (``1=2``) and skipped rankings (``-``) are refused: our
counts have no rule for them. Every problem is a ``BLTError`` naming its line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from elections.count.types import Ballots, CountError


class BLTError(CountError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Numbered lines with comments removed, blank ones skipped."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.lstrip("\ufeff") if number == 1 else raw
        if not line.lstrip().startswith('"') and "#" in line:
            line = line[: line.index("#")]
        line = line.strip()
        if line:
            yield number, line


def _int(token: str, number: int, what: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise BLTError(number, f"{what} must be a whole number, not {token!r}") from None


def _text(line: str) -> str:
    if line.startswith('"'):
        end = line.rfind('"')
        return line[1:end] if end > 0 else line[1:]
    return line


def read_blt(text: str) -> Ballots:
    lines = _lines(text)
    n, seats, last = _header(lines)
    withdrawn, votes, last = _ballot_lines(lines, n, seats, last)
    names, title = _names(list(lines), n, last)
    return Ballots(candidates=names, seats=seats, votes=votes, withdrawn=frozenset(withdrawn), title=title)


def _header(lines: Iterator[tuple[int, str]]) -> tuple[int, int, int]:
    header = next(lines, None)
    if header is None:
        raise BLTError(1, "the file is empty: expected 'candidates seats'")
    number, line = header
    tokens = line.split()
    if len(tokens) != 2:
        raise BLTError(number, f"expected 'candidates seats', found {line!r}")
    n, seats = _int(tokens[0], number, "the number of candidates"), _int(tokens[1], number, "the number of seats")
    if n < 1:
        raise BLTError(number, "there must be at least one candidate")
    if seats < 1:
        raise BLTError(number, "there must be at least one seat")
    if seats > n:
        raise BLTError(number, f"more seats ({seats}) than candidates ({n})")
    return n, seats, number


def _ballot_lines(
    lines: Iterator[tuple[int, str]], n: int, seats: int, last: int
) -> tuple[set[int], list[tuple[int, tuple[int, ...]]], int]:
    """The optional withdrawn line and the ballot lines, up to the closing '0'."""
    withdrawn: set[int] = set()
    votes: list[tuple[int, tuple[int, ...]]] = []
    for number, line in lines:
        last = number
        tokens = line.split()
        if not votes and not withdrawn and tokens[0].startswith("-"):
            withdrawn = _withdrawn(tokens, number, n, seats)
        elif tokens == ["0"]:
            return withdrawn, votes, number
        else:
            votes.append(_ballot(tokens, number, n))
    raise BLTError(last, "the ballots must end with a line '0'")


def _withdrawn(tokens: list[str], number: int, n: int, seats: int) -> set[int]:
    withdrawn: set[int] = set()
    for token in tokens:
        c = -_int(token, number, "a withdrawn candidate")
        if not 1 <= c <= n:
            raise BLTError(number, f"withdrawn candidate {token!r}: there is no candidate {c}")
        withdrawn.add(c - 1)
    if seats > n - len(withdrawn):
        raise BLTError(number, f"more seats ({seats}) than candidates standing ({n - len(withdrawn)})")
    return withdrawn


def _names(texts: list[tuple[int, str]], n: int, last: int) -> tuple[list[str], str]:
    """The candidates' names, then the title, then (ignored) quoted source and comment lines."""
    if len(texts) < n:
        at = texts[-1][0] if texts else last
        raise BLTError(at, f"expected {n} candidate names after the ballots, found {len(texts)}")
    names: list[str] = []
    seen: dict[str, int] = {}
    for number, line in texts[:n]:
        name = _text(line)
        if not name:
            raise BLTError(number, "a candidate's name is empty")
        if name in seen:
            raise BLTError(number, f"two candidates are called {name!r} (lines {seen[name]} and {number})")
        seen[name] = number
        names.append(name)
    title = _text(texts[n][1]) if len(texts) > n else ""
    for number, line in texts[n + 1 :]:
        if not line.startswith('"'):
            raise BLTError(number, f"unexpected text after the title: {line!r}")
    return names, title


def _ballot(tokens: list[str], number: int, n: int) -> tuple[int, tuple[int, ...]]:
    if tokens[0].startswith("(") and tokens[0].endswith(")"):
        tokens = tokens[1:]  # an OpenSTV ballot id
    if not tokens:
        raise BLTError(number, "a ballot line with an id but no weight")
    weight = _int(tokens[0], number, "a ballot's weight")
    if weight < 1:
        raise BLTError(number, f"a ballot's weight must be at least 1, not {weight}")
    if tokens[-1] != "0":
        raise BLTError(number, "a ballot line must end with 0")
    ranking: list[int] = []
    for token in tokens[1:-1]:
        c = _preference(token, number, n)
        if c in ranking:
            raise BLTError(number, f"candidate {c + 1} is ranked twice")
        ranking.append(c)
    if not ranking:
        raise BLTError(number, "a ballot names no candidate")
    return weight, tuple(ranking)


def _preference(token: str, number: int, n: int) -> int:
    if "=" in token:
        raise BLTError(number, f"equal rankings ({token!r}) are not supported")
    if token == "-":
        raise BLTError(number, "skipped rankings ('-') are not supported")
    c = _int(token, number, "a preference")
    if not 1 <= c <= n:
        raise BLTError(number, f"a preference for candidate {c}, but the candidates are 1 to {n}")
    return c - 1


def read_blt_file(path: str | Path) -> Ballots:
    return read_blt(Path(path).read_text(encoding="utf-8-sig"))


def write_blt(ballots: Ballots) -> str:
    """The ballots as a BLT file (names and title quoted), which ``read_blt`` reads back."""
    out = [f"{len(ballots.candidates)} {ballots.seats}"]
    if ballots.withdrawn:
        out.append(" ".join(f"-{c + 1}" for c in sorted(ballots.withdrawn)))
    for weight, ranking in ballots.votes:
        out.append(" ".join([str(weight), *(str(c + 1) for c in ranking), "0"]))
    out.append("0")
    out.extend(f'"{name}"' for name in ballots.candidates)
    out.append(f'"{ballots.title}"')
    return "\n".join(out) + "\n"
