"""Reading a search box as a web search, and rendering it for FTS5 so that nothing typed can break it."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from policy.query import MAX_ATOMS, Atom, ParsedQuery, fts5_any, parse, to_fts5


def test_words_phrases_or_and_minus():
    assert parse('seniority "out of area" indemnity OR insurance -locum -"last person"') == ParsedQuery(
        groups=((Atom("seniority"),), (Atom("out of area", phrase=True),), (Atom("indemnity"), Atom("insurance"))),
        excluded=(Atom("locum"), Atom("last person", phrase=True)),
    )


def test_an_or_at_either_end_or_twice_is_ignored_and_a_lone_minus_is_nothing():
    assert parse("OR pay OR OR pensions OR") == ParsedQuery(groups=((Atom("pay"), Atom("pensions")),))
    assert parse("pay - -") == ParsedQuery(groups=((Atom("pay"),),))
    assert parse("pay OR -locum") == ParsedQuery(groups=((Atom("pay"),),), excluded=(Atom("locum"),))


def test_an_unclosed_quote_runs_to_the_end_and_a_one_word_phrase_is_a_word():
    assert parse('pay "out of area') == ParsedQuery(groups=((Atom("pay"),), (Atom("out of area", phrase=True),)))
    assert parse('"pay"') == ParsedQuery(groups=((Atom("pay"),),))


def test_the_query_languages_operators_are_plain_text():
    assert parse("title:pay NEAR(a b) pay* ^x") == ParsedQuery(
        groups=((Atom("title:pay"),), (Atom("NEAR(a"),), (Atom("b)"),), (Atom("pay*"),), (Atom("^x"),))
    )
    assert to_fts5(parse('title:pay "a ""b"')) == '("title:pay") AND ("a") AND ("b")'


def test_an_acronyms_plural_also_finds_its_singular():
    assert parse("GPs -LMCs") == ParsedQuery(groups=((Atom("GPs"), Atom("GP")),), excluded=(Atom("LMCs"), Atom("LMC")))
    assert parse("gps") == ParsedQuery(groups=((Atom("gps"),),))


def test_control_characters_are_spaces_and_long_queries_are_cut():
    assert parse("pay\x00pensions\u200b") == ParsedQuery(groups=((Atom("pay"),), (Atom("pensions"),)))
    assert len(parse(" ".join(f"w{i}" for i in range(100))).groups) == MAX_ATOMS


def test_the_fts5_expression_of_each_shape():
    assert to_fts5(parse("a b OR c -d -e")) == '((("a") AND ("b" OR "c")) NOT "d") NOT "e"'
    assert to_fts5(parse("-d")) == ""


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_fts5_accepts_every_expression_made_from_any_text(text):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, wording, tokenize='porter unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO t VALUES ('Seniority pay', 'That seniority payments be restored.')")
    query = parse(text)
    expression = to_fts5(query)
    if expression:
        db.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()
    if query.excluded:
        db.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts5_any(query.excluded),)).fetchall()
