"""Search the policy book: one interface, PostgreSQL's full-text search or SQLite's FTS5.

``search(q, filters, page)`` is all a caller needs. The query is read once
(``policy.query.parse``) and each backend renders the same atoms:

- PostgreSQL: a stored, generated ``tsvector`` (title weight A over wording B, each in
  the 'english' and the 'simple' configuration) with a GIN index, ``websearch_to_tsquery``
  per word, ``ts_rank`` and ``ts_headline``. A word matches in either configuration, so
  English is stemmed and Welsh or mixed text (PostgreSQL has no Welsh stemmer) still
  matches word for word; a phrase is matched stemmed only when the English configuration
  keeps all its words ("out of area" has two English stop words, so it is matched as
  written).
- SQLite: an FTS5 table (porter stemmer over unicode61) with bm25, title weighted above
  the wording, and highlight().

When the words match nothing, the fall-back looks each word up in the book's vocabulary
(PostgreSQL: pg_trgm similarity over ``policy_word``; both: the word without its first
consonants, which Welsh mutates: meddygon, feddygon; Cymru, Gymru, Nghymru) and searches
again for the words found. Either way the matches come back marked ``<mark>``, the rest
HTML-escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.postgres.search import SearchHeadline, SearchQueryField, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from .models import EntryStatus, PolicyEntry
from .query import MAX_QUERY_CHARS, Atom, ParsedQuery, fts5_any, parse, to_fts5

PER_PAGE = 20
MAX_PAGE = 500
TITLE_WEIGHT = 5.0  # a title word counts five times a word of the wording, on both backends
SIMILAR_WORDS = 8  # the fall-back's words spelt like each word searched for
SPELT_ALIKE = 0.45  # trigram similarity: "indemnitty" and "indemnity" yes, "index" no
FTS_TABLE, VOCAB_TABLE = "policy_entry_fts", "policy_entry_vocab"
TABLE = PolicyEntry._meta.db_table
VECTOR = f'"{TABLE}"."search_vector"'
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
    similar_spelling: bool = False  # found by the fall-back: words spelt like those searched for

    @property
    def pages(self) -> int:
        return max(1, min(MAX_PAGE, math.ceil(self.total / self.per_page)))


# --- Marks and words -------------------------------------------------------------------


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


def trigrams(word: str) -> set[str]:
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity, for SQLite's fall-back."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb)


def word_core(word: str) -> str:
    """A word without its first consonants, which Welsh mutates (meddygon → eddygon ← feddygon)."""
    core = word.lower().lstrip("bcdfghjklmnpqrstvxz")
    return core if len(core) >= 3 else word.lower()


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- Backends --------------------------------------------------------------------------

Ranked = list[tuple[int, float]]


class Backend(Protocol):
    def count(self, entries: QuerySet[PolicyEntry], query: ParsedQuery) -> int: ...

    def ranked(
        self, entries: QuerySet[PolicyEntry], query: ParsedQuery, offset: int, limit: int
    ) -> tuple[int, Ranked]: ...

    def marks(self, query: ParsedQuery, ids: list[int]) -> dict[int, tuple[str, str]]: ...

    def spelt_like(self, word: str) -> list[str]: ...

    def document_counts(self, words: list[str], cap: int) -> dict[str, int]: ...


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

    def ranked(self, entries: QuerySet[PolicyEntry], query: ParsedQuery, offset: int, limit: int) -> tuple[int, Ranked]:
        """(how many match, one page of them best first): ranking reads every match, so it counts them too.

        The rank is computed in a subquery that hands on only what the ordering needs (the
        ``OFFSET 0`` keeps PostgreSQL from folding it into the outer query): counted in the
        same query's window, whole rows with their tsvector overflowed work_mem for a word
        in a third of the book and went through temporary files (bench/README.md).
        """
        sql, params = pg_tsquery(query)
        vector = RawSQL(VECTOR, [], output_field=SearchVectorField())
        rank = SearchRank(vector, RawSQL(sql, params, output_field=SearchQueryField()), weights=self.weights)
        keys = ("pk", "rank", "date", "year", "number_order", "part")
        inner = self._matching(entries, query).annotate(rank=rank).order_by().values_list(*keys)
        inner_sql, inner_params = inner.query.sql_with_params()
        ranked_sql = (
            f"SELECT m.id, m.rank, count(*) OVER () FROM ({inner_sql} OFFSET 0) "
            "AS m(id, rank, date, year, number_order, part) "
            "ORDER BY m.rank DESC, m.date DESC NULLS LAST, m.year DESC, m.number_order, m.part, m.id "
            "LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(ranked_sql, [*inner_params, limit, offset])
            page = cursor.fetchall()
        total = page[0][2] if page else (self.count(entries, query) if offset else 0)
        return int(total), [(int(pk), float(score)) for pk, score, _ in page]

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

    def spelt_like(self, word: str) -> list[str]:
        # "%%" finds the candidates by the trigram index (similarity 0.3 and up); only the close ones are kept.
        sql = (
            "SELECT word FROM policy_word WHERE (word %% %s AND similarity(word, %s) >= %s) OR word LIKE %s "
            "ORDER BY similarity(word, %s) DESC, word LIMIT %s"
        )
        word = word.lower()
        params: list[str | float | int] = [word, word, SPELT_ALIKE, like_pattern(word_core(word)), word, SIMILAR_WORDS]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def document_counts(self, words: list[str], cap: int) -> dict[str, int]:
        """How many entries have each word (counting stops at ``cap``): one round trip."""
        tsquery = "websearch_to_tsquery('english'::regconfig, w) || websearch_to_tsquery('simple'::regconfig, w)"
        sql = (
            f"SELECT w, (SELECT count(*) FROM (SELECT 1 FROM {TABLE} e WHERE e.search_vector @@ ({tsquery}) "
            "LIMIT %s) found) FROM unnest(%s::text[]) AS w"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [cap, words])
            return {word: int(n) for word, n in cursor.fetchall()}


class SQLiteBackend:
    def _ids_sql(self, entries: QuerySet[PolicyEntry]) -> tuple[str, tuple[Any, ...]]:
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

    def ranked(self, entries: QuerySet[PolicyEntry], query: ParsedQuery, offset: int, limit: int) -> tuple[int, Ranked]:
        match = to_fts5(query)
        if not match:
            rows = self._without_excluded(entries, query)
            ids = rows.order_by(*TIE_BREAK).values_list("pk", flat=True)[offset : offset + limit]
            return rows.count(), [(pk, 0.0) for pk in ids]
        ids_sql, params = self._ids_sql(entries)
        # bm25() cannot sit beside a window function: rank in a subquery, count outside it.
        matches = (
            f"SELECT e.id, -bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0) AS rank, e.date, e.year, e.number_order, e.part "
            f"FROM {FTS_TABLE} JOIN {TABLE} e ON e.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND e.id IN ({ids_sql})"
        )
        sql = (
            f"SELECT id, rank, count(*) OVER () FROM ({matches}) "
            "ORDER BY rank DESC, date DESC, year DESC, number_order, part, id LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (match, *params, limit, offset))
            page = cursor.fetchall()
        total = page[0][2] if page else (self.count(entries, query) if offset else 0)
        return int(total), [(int(pk), float(rank)) for pk, rank, _ in page]

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

    def spelt_like(self, word: str) -> list[str]:
        """The vocabulary's terms (porter stems) with the word's core, or spelt much like it."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term, doc FROM {VOCAB_TABLE} WHERE term LIKE %s ESCAPE '\\' OR length(term) BETWEEN %s AND %s",
                [like_pattern(word_core(word)), len(word) // 2 + 1, len(word) + 3],  # stems are shorter
            )
            rows = cursor.fetchall()
        core = word_core(word)
        scored = [(trigram_similarity(word, term), doc, term) for term, doc in rows]
        alike = [(s, d, t) for s, d, t in scored if s >= SPELT_ALIKE or core in t]
        return [term for _s, _d, term in sorted(alike, key=lambda x: (-x[0], -x[1], x[2]))[:SIMILAR_WORDS]]

    def document_counts(self, words: list[str], cap: int) -> dict[str, int]:
        sql = f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s)"
        counts = {}
        with connection.cursor() as cursor:
            for word in words:
                cursor.execute(sql, [fts5_any([Atom(word)]), cap])
                counts[word] = int(cursor.fetchone()[0])
        return counts


TIE_BREAK = (F("date").desc(nulls_last=True), "-year", "number_order", "part", "pk")


def backend() -> PostgresBackend | SQLiteBackend:
    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()


# --- The one interface -----------------------------------------------------------------


def entries_for(filters: Filters) -> QuerySet[PolicyEntry]:
    return filters.apply(PolicyEntry.objects.all())


def spelt_alike(engine: Backend, query: ParsedQuery) -> ParsedQuery:
    """The fall-back's query: each group's words replaced by the book's words spelt like them.

    A group of short words only (under three letters match too much) is kept as it was;
    a group with nothing spelt alike in the book leaves nothing to find.
    """
    groups = []
    for group in query.groups:
        words = [w for atom in group for w in atom.words if len(w) >= 3]
        if not words:
            groups.append(group)
            continue
        alike = list(dict.fromkeys(term for word in words for term in engine.spelt_like(word)))
        if not alike:
            return ParsedQuery()
        groups.append(tuple(Atom(term) for term in alike))
    return ParsedQuery(tuple(groups), query.excluded)


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
        ids = entries.order_by(*TIE_BREAK).values_list("pk", flat=True)[offset : offset + per_page]
        return _with_hits(result, [(pk, 0.0) for pk in ids], {})
    engine = backend()
    _found(engine, result, entries, parsed, offset)
    if not result.total and parsed.groups:
        alike = spelt_alike(engine, parsed)
        if alike.groups and alike != parsed:
            result.similar_spelling = _found(engine, result, entries, alike, offset)
    return result


def _found(
    engine: Backend, result: SearchResult, entries: QuerySet[PolicyEntry], query: ParsedQuery, offset: int
) -> bool:
    result.total, ranked = engine.ranked(entries, query, offset, result.per_page)
    if not result.total:
        return False
    _with_hits(result, ranked, engine.marks(query, [pk for pk, _ in ranked]))
    return True


def _with_hits(result: SearchResult, ranked: Ranked, marks: dict[int, tuple[str, str]]) -> SearchResult:
    related = ("body", "superseded_by", "reaffirmed_by")
    entries = PolicyEntry.objects.select_related(*related).in_bulk([pk for pk, _ in ranked])
    for pk, rank in ranked:
        entry = entries[pk]
        title, wording = marks.get(pk, (entry.title, entry.wording))
        result.hits.append(Hit(entry, rank, marked_html(title), marked_html(wording)))
    return result


def all_matching(q: str, filters: Filters, limit: int) -> list[PolicyEntry]:
    """Every matching entry (up to ``limit``), best first: the CSV export's rows."""
    parsed = parse(q)
    entries = entries_for(filters)
    if parsed.empty:
        ids = list(entries.order_by(*TIE_BREAK).values_list("pk", flat=True)[:limit]) if not q.strip() else []
    else:
        ids = [pk for pk, _ in backend().ranked(entries, parsed, 0, limit)[1]]
    found = PolicyEntry.objects.select_related("body", "superseded_by", "reaffirmed_by").in_bulk(ids)
    return [found[pk] for pk in ids]
