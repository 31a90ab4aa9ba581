"""A search box's words, as in a web search, read once for both search backends.

``"out of area"`` is a phrase, ``indemnity OR insurance`` either word, ``-locum`` leaves
out entries with that word, and words side by side must all be there. OR binds tighter
than the space between words: ``pay OR pensions seniority`` is (pay or pensions) and
seniority. Everything else is text: an operator of the database's own query language
(``:``, ``*``, ``&``, ``NEAR``, brackets) is never passed on as an operator, so whatever is
typed cannot break the query.

``ParsedQuery`` says what was asked; each backend renders it (``to_fts5`` here for SQLite,
``policy.search`` builds PostgreSQL's ``tsquery`` from the same atoms).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 200
MAX_ATOMS = 16

# A phrase (its closing quote may be missing), or a run of anything but space and quotes.
_TOKEN = re.compile(r'(-*)"([^"]*)(?:"|$)|([^\s"]+)')
_OR = {"or", "|"}
# An acronym's plural (GPs, LMCs, ICBs) also finds its singular: PostgreSQL's English
# stemmer leaves "GPs" alone, and "GP" is in nearly every motion.
_ACRONYM_PLURAL = re.compile(r"^[A-Z]{2,6}s$")


@dataclass(frozen=True)
class Atom:
    text: str
    phrase: bool = False

    @property
    def words(self) -> list[str]:
        return re.findall(r"\w+", self.text.lower())


@dataclass(frozen=True)
class ParsedQuery:
    groups: tuple[tuple[Atom, ...], ...] = ()  # every group must match; any atom of a group
    excluded: tuple[Atom, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def positive(self) -> list[Atom]:
        return [atom for group in self.groups for atom in group]

    @property
    def positive_text(self) -> str:
        return " ".join(atom.text for atom in self.positive)


def clean_query(raw: str) -> str:
    """Printable characters only (no NUL, controls or lone surrogates), one space between words."""
    text = "".join(ch if not unicodedata.category(ch).startswith("C") else " " for ch in str(raw)[:MAX_QUERY_CHARS])
    return " ".join(text.split())


def _searchable(text: str) -> bool:
    # Both backends index letters and digits; an atom of punctuation alone matches nothing.
    return any(ch.isalnum() for ch in text)


def _tokens(text: str) -> list[tuple[bool, Atom | None]]:
    """(negated, atom) per token; atom None is the OR operator."""
    tokens: list[tuple[bool, Atom | None]] = []
    for match in _TOKEN.finditer(text):
        minus, phrase, word = match.groups()
        if word is not None:
            if word.lower() in _OR:
                tokens.append((False, None))
                continue
            negated, word = word.startswith("-"), word.lstrip("-")
            tokens.append((negated, Atom(word)))
        else:
            words = " ".join(phrase.split())
            tokens.append((bool(minus), Atom(words, phrase=" " in words)))
    return tokens


def parse(raw: str) -> ParsedQuery:
    groups: list[list[Atom]] = []
    excluded: list[Atom] = []
    joining = False
    for negated, atom in _tokens(clean_query(raw)):
        if atom is None:
            joining = bool(groups)
            continue
        if not _searchable(atom.text) or len(groups) + len(excluded) >= MAX_ATOMS:
            joining = False
            continue
        atoms = [atom, Atom(atom.text[:-1])] if _ACRONYM_PLURAL.match(atom.text) else [atom]
        if negated:
            excluded.extend(atoms)
        elif joining:
            groups[-1].extend(atoms)
        else:
            groups.append(atoms)
        joining = False
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded))


# --- SQLite FTS5 -----------------------------------------------------------------------


def fts5_atom(atom: Atom) -> str:
    """Every atom is an FTS5 string: inside double quotes nothing is an operator."""
    return '"' + atom.text.replace('"', '""') + '"'


def fts5_any(atoms: tuple[Atom, ...] | list[Atom]) -> str:
    return " OR ".join(fts5_atom(atom) for atom in atoms)


def to_fts5(query: ParsedQuery) -> str:
    """The FTS5 MATCH expression of the positive part, minus the excluded words.

    Empty when there is nothing positive: FTS5 cannot say "all but", so the caller
    leaves out the matches of ``fts5_any(query.excluded)`` instead.
    """
    if not query.groups:
        return ""
    expression = " AND ".join(f"({fts5_any(group)})" for group in query.groups)
    for atom in query.excluded:
        expression = f"({expression}) NOT {fts5_atom(atom)}"
    return expression
