"""Search the policy book: one interface, PostgreSQL's full-text search or SQLite's FTS5.

``search(q, filters, page)`` is all a caller needs. The query is read once
(``policy.query.parse``) and each backend renders the same atoms:

- PostgreSQL: a stored, generated ``tsvector`` (title weight A over wording B, each in
  the 'english' and the 'simple' configuration) with a GIN index. A word matches in
  either configuration, so English is stemmed and Welsh or mixed text (PostgreSQL has no
  Welsh stemmer) still matches word for word; a phrase is matched stemmed only when the
  English configuration keeps all its words ("out of area" has two English stop words,
  so it is matched exactly). When the words match nothing, pg_trgm's word similarity is
  the fall-back: "meddygon" still finds a text with the mutated "feddygon".
- SQLite: an FTS5 table (porter stemmer over unicode61) with bm25, title weighted
  above the wording, and highlight(). Its fall-back looks for each word without its
  first consonants (Welsh mutates them: meddygon, feddygon; Cymru, Gymru, Nghymru).

Either way the matches come back marked ``<mark>``, the rest HTML-escaped.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.contrib.postgres.search import SearchHeadline, SearchQueryField, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from .models import EntryStatus, PolicyEntry
from .query import MAX_QUERY_CHARS, Atom, ParsedQuery, fts5_any, parse, to_fts5

PER_PAGE = 20
MAX_PAGE = 500
TITLE_WEIGHT = 5.0  # a title word counts five times a word of the wording, on both backends
FTS_TABLE = "policy_entry_fts"
TABLE = PolicyEntry._meta.db_table
VECTOR = f'"{TABLE}"."search_vector"'
DOCUMENT = f'("{TABLE}"."title" || \' \' || "{TABLE}"."wording")'
OPEN, CLOSE = "\x01\x03", "\x02\x04"  # the marks of a first and a second highlighting pass


@dataclass(frozen=True)
class Filters:
    body: str = ""
    conference: str = ""  # the slug of a conference in this database
    year: int | None = None
    section: str = ""
    status: str = ""
    lmc: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filters:
        """The URL's parameters; a value that cannot be a filter is left out, never an error."""

        def text(name: str) -> str:
            return " ".join(str(params.get(name, "")).split())[:MAX_QUERY_CHARS]

        year = text("year")
        status = text("status")
        return cls(
            body=text("body").upper(),
            conference=text("conference"),
            year=int(year) if year.isdigit() and 1900 <= int(year) <= 2999 else None,
            section=text("section"),
            status=status if status in EntryStatus.values else "",
            lmc=text("lmc"),
        )

    def as_params(self) -> dict[str, str]:
        values = {
            "body": self.body,
            "conference": self.conference,
            "year": str(self.year or ""),
            "section": self.section,
            "status": self.status,
            "lmc": self.lmc,
        }
        return {name: value for name, value in values.items() if value}

    def apply(self, entries: QuerySet[PolicyEntry]) -> QuerySet[PolicyEntry]:
        exact = {"body__code": self.body, "conference__slug": self.conference, "year": self.year, "status": self.status}
        entries = entries.filter(**{name: value for name, value in exact.items() if value})
        if self.section:
            entries = entries.filter(section__icontains=self.section)
        if self.lmc:
            entries = entries.filter(proposer__icontains=self.lmc)
        return entries


@dataclass
class Hit:
    entry: PolicyEntry
    rank: float
    title_html: SafeString
    wording_html: SafeString


@dataclass
class SearchResult:
    query: str
    filters: Filters
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    parsed: ParsedQuery = field(default_factory=ParsedQuery)
    similar_spelling: bool = False  # found by PostgreSQL's trigram fall-back, not by the words

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


# --- Marks -----------------------------------------------------------------------------


def marked_html(text: str) -> SafeString:
    """Escape the text and turn the highlighting marks (nested or not) into one <mark> each."""
    out, depth = [], 0
    for ch in html.escape(text, quote=False):
        if ch in OPEN:
            depth += 1
            if depth == 1:
                out.append("<mark>")
        elif ch in CLOSE:
            if depth == 1:
                out.append("</mark>")
            depth = max(0, depth - 1)
        else:
            out.append(ch)
    if depth:
        out.append("</mark>")
    return mark_safe("".join(out))  # every character of the text was escaped above


def _trigrams(word: str) -> set[str]:
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def word_core(word: str) -> str:
    """A word without its first consonants, which Welsh mutates (meddygon → eddygon ← feddygon)."""
    core = word.lower().lstrip("bcdfghjklmnpqrstvxz")
    return core if len(core) >= 3 else word.lower()


def fallback_words(query: ParsedQuery) -> list[str]:
    """The words the fall-back looks for: three letters or more (shorter ones match anything)."""
    return sorted({w for atom in query.positive for w in atom.words if len(w) >= 3})


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def mark_similar(text: str, words: list[str], threshold: float = 0.45) -> str:
    """Marks around the words of ``text`` spelt like one of ``words`` (pg_trgm's similarity, or the core)."""
    wanted = [_trigrams(w) for w in words]
    cores = [word_core(w) for w in words]

    def mark(match: re.Match[str]) -> str:
        grams = _trigrams(match.group(0))
        close = any(len(grams & w) / len(grams | w) >= threshold for w in wanted)
        close = close or any(core in match.group(0).lower() for core in cores)
        return f"{OPEN[0]}{match.group(0)}{CLOSE[0]}" if close else match.group(0)

    return re.sub(r"\w+", mark, text)


# --- Backends --------------------------------------------------------------------------

Ranked = list[tuple[int, float]]


class Backend(Protocol):
    def count(self, entries: QuerySet[PolicyEntry], query: ParsedQuery) -> int: ...

    def ranked(self, entries: QuerySet[PolicyEntry], query: ParsedQuery, offset: int, limit: int) -> Ranked: ...

    def marks(self, query: ParsedQuery, ids: list[int]) -> dict[int, tuple[str, str]]: ...

    def similar_spelling(self, entries: QuerySet[PolicyEntry], query: ParsedQuery) -> QuerySet[PolicyEntry]: ...

    def ranked_similar(self, entries: QuerySet[PolicyEntry], query: ParsedQuery, offset: int, limit: int) -> Ranked: ...


def _pg_atom(atom: Atom) -> tuple[str, list[str]]:
    if not atom.phrase:
        sql = "(websearch_to_tsquery('english'::regconfig, %s) || websearch_to_tsquery('simple'::regconfig, %s))"
        return sql, [atom.text, atom.text]
    english, simple = "phraseto_tsquery('english'::regconfig, %s)", "phraseto_tsquery('simple'::regconfig, %s)"
    sql = f"(CASE WHEN numnode({english}) = numnode({simple}) THEN {english} || {simple} ELSE {simple} END)"
    return sql, [atom.text] * 5


def _pg_any(atoms: tuple[Atom, ...] | list[Atom]) -> tuple[str, list[str]]:
    parts = [_pg_atom(atom) for atom in atoms]
    return "(" + " || ".join(sql for sql, _ in parts) + ")", [p for _, params in parts for p in params]


def pg_tsquery(query: ParsedQuery, positive_only: bool = False) -> tuple[str, list[str]]:
    """The tsquery SQL of a parsed query: groups joined by &&, each group's atoms by ||."""
    clauses = [_pg_any(group) for group in query.groups]
    if not positive_only:
        clauses += [(f"!!{sql}", params) for sql, params in (_pg_any([atom]) for atom in query.excluded)]
    return "(" + " && ".join(sql for sql, _ in clauses) + ")", [p for _, params in clauses for p in params]


class PostgresBackend:
    weights = [0.05, 0.1, 1.0 / TITLE_WEIGHT, 1.0]  # D, C, B (the wording), A (the title)

    def _matching(self, entries: QuerySet[PolicyEntry], query: ParsedQuery) -> QuerySet[PolicyEntry]:
        sql, params = pg_tsquery(query)
        return entries.filter(RawSQL(f"{VECTOR} @@ {sql}", params, output_field=BooleanField()))

    def count(self, entries: QuerySet[PolicyEntry], query: ParsedQuery) -> int:
        return self._matching(entries, query).count()

    def ranked(self, entries: QuerySet[PolicyEntry], query: ParsedQuery, offset: int, limit: int) -> Ranked:
        sql, params = pg_tsquery(query)
        vector = RawSQL(VECTOR, [], output_field=SearchVectorField())
        rank = SearchRank(vector, RawSQL(sql, params, output_field=SearchQueryField()), weights=self.weights)
        rows = self._matching(entries, query).annotate(rank=rank).order_by("-rank", *TIE_BREAK)
        return list(rows.values_list("pk", "rank")[offset : offset + limit])

    def marks(self, query: ParsedQuery, ids: list[int]) -> dict[int, tuple[str, str]]:
        if not query.groups or not ids:
            return {}
        sql, params = pg_tsquery(query, positive_only=True)

        def headline(column: str) -> SearchHeadline:
            # English first (stems: "payments" for "payment"), then simple (the words English
            # drops: "out of area"); marked_html merges the two passes' marks.
            tsquery = RawSQL(sql, params, output_field=SearchQueryField())
            first = SearchHeadline(
                column, tsquery, config="english", start_sel=OPEN[0], stop_sel=CLOSE[0], highlight_all=True
            )
            return SearchHeadline(
                first, tsquery, config="simple", start_sel=OPEN[1], stop_sel=CLOSE[1], highlight_all=True
            )

        rows = PolicyEntry.objects.filter(pk__in=ids).annotate(t=headline("title"), w=headline("wording"))
        return {pk: (t, w) for pk, t, w in rows.values_list("pk", "t", "w")}

    # The fall-back: the words spelt alike, close together (pg_trgm's word similarity), or
    # every word's core (Welsh mutations: Cymru, Nghymru). The trigram index serves both.

    def similar_spelling(self, entries: QuerySet[PolicyEntry], query: ParsedQuery) -> QuerySet[PolicyEntry]:
        cores = sorted({like_pattern(word_core(w)) for w in fallback_words(query)})
        every_core = " AND ".join([f"{DOCUMENT} ILIKE %s"] * len(cores)) or "FALSE"
        sql = f"({DOCUMENT} %%> %s OR ({every_core}))"
        entries = entries.filter(RawSQL(sql, [query.positive_text, *cores], output_field=BooleanField()))
        if query.excluded:
            sql, params = _pg_any(query.excluded)
            entries = entries.filter(~Q(RawSQL(f"{VECTOR} @@ {sql}", params, output_field=BooleanField())))
        return entries

    def ranked_similar(self, entries: QuerySet[PolicyEntry], query: ParsedQuery, offset: int, limit: int) -> Ranked:
        similarity = RawSQL(f"word_similarity(%s, {DOCUMENT})", [query.positive_text], output_field=FloatField())
        rows = self.similar_spelling(entries, query).annotate(rank=similarity).order_by("-rank", *TIE_BREAK)
        return list(rows.values_list("pk", "rank")[offset : offset + limit])


class SQLiteBackend:
    def _ids_sql(self, entries: QuerySet[PolicyEntry]) -> tuple[str, tuple[object, ...]]:
        sql, params = entries.order_by().values("pk").query.sql_with_params()
        return sql, tuple(params)

    def _without_excluded(self, entries: QuerySet[PolicyEntry], query: ParsedQuery) -> QuerySet[PolicyEntry]:
        # FTS5 has no "all but": an only-minus query leaves out the matches of its words.
        excluded = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [fts5_any(query.excluded)])
        return entries.exclude(pk__in=excluded)

    def count(self, entries: QuerySet[PolicyEntry], query: ParsedQuery) -> int:
        match = to_fts5(query)
        if not match:
            return self._without_excluded(entries, query).count()
        ids, params = self._ids_sql(entries)
        sql = f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({ids})"
        with connection.cursor() as cursor:
            cursor.execute(sql, (match, *params))
            return int(cursor.fetchone()[0])

    def ranked(self, entries: QuerySet[PolicyEntry], query: ParsedQuery, offset: int, limit: int) -> Ranked:
        match = to_fts5(query)
        if not match:
            rows = self._without_excluded(entries, query).order_by(*TIE_BREAK)
            return [(pk, 0.0) for pk in rows.values_list("pk", flat=True)[offset : offset + limit]]
        ids, params = self._ids_sql(entries)
        sql = (
            f"SELECT e.id, -bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0) AS rank FROM {FTS_TABLE} "
            f"JOIN {TABLE} e ON e.id = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH %s AND e.id IN ({ids}) "
            "ORDER BY rank DESC, e.date DESC, e.year DESC, e.number_order, e.part, e.id LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (match, *params, limit, offset))
            return [(int(pk), float(rank)) for pk, rank in cursor.fetchall()]

    def marks(self, query: ParsedQuery, ids: list[int]) -> dict[int, tuple[str, str]]:
        if not query.groups or not ids:
            return {}
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, highlight({FTS_TABLE}, 0, %s, %s), highlight({FTS_TABLE}, 1, %s, %s) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})"
        )
        marks = (OPEN[0], CLOSE[0]) * 2
        with connection.cursor() as cursor:
            cursor.execute(sql, (*marks, fts5_any(query.positive), *ids))
            return {int(pk): (t, w) for pk, t, w in cursor.fetchall()}

    # The fall-back: every word's core somewhere in the title or the wording.

    def similar_spelling(self, entries: QuerySet[PolicyEntry], query: ParsedQuery) -> QuerySet[PolicyEntry]:
        for word in fallback_words(query):
            core = word_core(word)
            entries = entries.filter(Q(title__icontains=core) | Q(wording__icontains=core))
        return self._without_excluded(entries, query) if query.excluded else entries

    def ranked_similar(self, entries: QuerySet[PolicyEntry], query: ParsedQuery, offset: int, limit: int) -> Ranked:
        rows = self.similar_spelling(entries, query).order_by(*TIE_BREAK)
        return [(pk, 0.0) for pk in rows.values_list("pk", flat=True)[offset : offset + limit]]


TIE_BREAK = (F("date").desc(nulls_last=True), "-year", "number_order", "part", "pk")


def backend() -> PostgresBackend | SQLiteBackend:
    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()


# --- The one interface -----------------------------------------------------------------


def entries_for(filters: Filters) -> QuerySet[PolicyEntry]:
    return filters.apply(PolicyEntry.objects.all())


def search(q: str, filters: Filters | None = None, page: int = 1, per_page: int = PER_PAGE) -> SearchResult:
    """One page of the entries matching ``q`` and ``filters``, best first, matches marked."""
    filters = filters or Filters()
    parsed = parse(q)
    page = min(max(1, page), MAX_PAGE)
    offset = (page - 1) * per_page
    entries = entries_for(filters)
    result = SearchResult(q, filters, [], 0, page, per_page, parsed)
    if parsed.empty:
        if q.strip():
            return result  # only punctuation: nothing to look for
        result.total = entries.count()
        ranked = [
            (pk, 0.0) for pk in entries.order_by(*TIE_BREAK).values_list("pk", flat=True)[offset : offset + per_page]
        ]
        return _with_hits(result, ranked, {})
    engine = backend()
    result.total = engine.count(entries, parsed)
    if result.total:
        ranked = engine.ranked(entries, parsed, offset, per_page)
        return _with_hits(result, ranked, engine.marks(parsed, [pk for pk, _ in ranked]))
    if fallback_words(parsed):
        return _similar_spelling(engine, result, entries, offset)
    return result


def _similar_spelling(
    engine: Backend, result: SearchResult, entries: QuerySet[PolicyEntry], offset: int
) -> SearchResult:
    result.total = engine.similar_spelling(entries, result.parsed).count()
    result.similar_spelling = bool(result.total)
    ranked = engine.ranked_similar(entries, result.parsed, offset, result.per_page) if result.total else []
    words = fallback_words(result.parsed)
    rows = PolicyEntry.objects.filter(pk__in=[pk for pk, _ in ranked]).values_list("pk", "title", "wording")
    marks = {pk: (mark_similar(title, words), mark_similar(wording, words)) for pk, title, wording in rows}
    return _with_hits(result, ranked, marks)


def _with_hits(result: SearchResult, ranked: Ranked, marks: dict[int, tuple[str, str]]) -> SearchResult:
    related = ("body", "conference", "superseded_by", "reaffirmed_by")
    entries = PolicyEntry.objects.select_related(*related).in_bulk([pk for pk, _ in ranked])
    for pk, rank in ranked:
        entry = entries[pk]
        title, wording = marks.get(pk, (entry.title, entry.wording))
        result.hits.append(Hit(entry, rank, marked_html(title), marked_html(wording)))
    return result


def all_matching(q: str, filters: Filters, limit: int) -> list[PolicyEntry]:
    """Every matching entry (up to ``limit``), best first: the CSV export's rows."""
    result = search(q, filters, page=1, per_page=limit)
    return [hit.entry for hit in result.hits]
