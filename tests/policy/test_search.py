"""Search, the same on PostgreSQL and SQLite: phrase, OR, minus, filters, highlights, ranking, Welsh."""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy.models import PolicyEntry
from policy.search import Filters, search
from tests.policy.conftest import make_body, make_entry

pytestmark = pytest.mark.django_db


def refs(q: str, **filters) -> list[str]:
    return [hit.entry.reference for hit in search(q, Filters(**filters)).hits]


@pytest.fixture
def entries(book) -> dict[str, PolicyEntry]:
    _, body, _ = book
    uk = make_body("UK", name="UK LMC conference")
    made = {
        "area": make_entry(body, year=2024, motion_number="1", section="The GP contract", proposer="Londonwide LMCs",
                           title="Out-of-area registration",
                           wording="That conference calls for the end of out of area registration."),
        "scattered": make_entry(body, year=2024, motion_number="2", section="Premises",
                                title="Premises in rural areas", proposer="Devon LMC",
                                wording="That practices out in the rural area of each ICB get premises funding."),
        "indemnity": make_entry(body, year=2023, motion_number="3", section="Indemnity", proposer="Wessex LMCs",
                                title="Indemnity for all NHS work",
                                wording="That state indemnity covers every locum and salaried GP."),
        "cqc": make_entry(body, year=2022, motion_number="4", section="Regulation", proposer="Somerset LMC",
                          title="Replace CQC inspections", wording="That CQC inspections be suspended.",
                          status="reference", outcome="carried_as_reference"),
        "locum": make_entry(uk, year=2022, motion_number="5", section="Workforce", proposer="Kent LMC",
                            title="Sessional GPs",
                            wording="That GPs working as locums are paid minimum sessional rates."),
        "salaried": make_entry(uk, year=2021, motion_number="6", section="Workforce", proposer="Kent LMC",
                               title="Salaried GPs", wording="That salaried GPs have a national contract."),
    }  # fmt: skip
    return {name: entry.reference for name, entry in made.items()}


def test_a_phrase_is_found_as_a_phrase_not_as_scattered_words(entries):
    assert refs('"out of area"') == [entries["area"]]
    assert set(refs("out of area")) >= {entries["area"]}


def test_or_finds_either_word(entries):
    assert set(refs("indemnity OR CQC")) == {entries["indemnity"], entries["cqc"]}
    assert set(refs("indemnity or cqc")) == {entries["indemnity"], entries["cqc"]}


def test_or_binds_tighter_than_the_space_between_words(entries):
    assert refs("inspections OR indemnity suspended") == [entries["cqc"]]


def test_a_minus_leaves_out_entries_with_that_word(entries):
    assert set(refs("GPs")) == {entries["indemnity"], entries["locum"], entries["salaried"]}
    assert set(refs("GPs -locum")) == {entries["salaried"]}  # "locums" too: the word is stemmed
    assert set(refs('GPs -"national contract"')) == {entries["indemnity"], entries["locum"]}
    assert entries["locum"] not in refs("-locum") and len(refs("-locum")) == 4


def test_filters_by_body_year_section_status_lmc_and_conference(book, entries):
    conference, body, _ = book
    assert set(refs("GPs", body="UK")) == {entries["locum"], entries["salaried"]}
    assert refs("GPs", year=2021) == [entries["salaried"]]
    assert refs("", section="workforce", year=2022) == [entries["locum"]]
    assert refs("", status="reference") == [entries["cqc"]]
    assert set(refs("", lmc="kent")) == {entries["locum"], entries["salaried"]}
    PolicyEntry.objects.filter(reference=entries["cqc"]).update(conference=conference)
    assert refs("", conference=conference.slug) == [entries["cqc"]]
    assert refs("indemnity", body="UK") == []


def test_filters_from_the_address_ignore_values_that_cannot_be_filters():
    filters = Filters.from_params({"year": "20x5", "status": "everything", "body": " eng ", "lmc": "Kent  LMC"})
    assert filters == Filters(body="ENG", lmc="Kent LMC")
    assert Filters.from_params({"year": "2019", "status": "lapsed"}).as_params() == {"year": "2019", "status": "lapsed"}


def test_matches_are_marked_and_everything_else_is_escaped(book):
    _, body, _ = book
    make_entry(body, title="Seniority <b>pay</b>", wording="That seniority payments & <script>x</script> return.")

    hit = search("seniority").hits[0]

    assert hit.title_html == "<mark>Seniority</mark> &lt;b&gt;pay&lt;/b&gt;"
    assert hit.wording_html == "That <mark>seniority</mark> payments &amp; &lt;script&gt;x&lt;/script&gt; return."


def marked(html: str) -> list[str]:
    """The words inside marks (SQLite marks a phrase whole, PostgreSQL word by word)."""
    return [w for m in re.findall(r"<mark>(.*?)</mark>", html) for w in m.split()]


def test_a_stemmed_word_and_each_word_of_a_phrase_are_marked(entries):
    hit = search('registration "out of area"').hits[0]
    assert set(marked(hit.wording_html)) == {"out", "of", "area", "registration"}
    hit = search("inspection").hits[0]
    assert marked(hit.wording_html) == ["inspections"]  # stemmed


def test_an_entry_whose_title_matches_ranks_above_one_that_mentions_the_word_once(book):
    _, body, _ = book
    mention = make_entry(
        body,
        year=2025,
        title="General practice funding",
        wording="That the funding formula counts every patient, and workload is measured.",
    )
    titled = make_entry(body, year=2019, title="Workload", wording="That a safe limit on the day's work is agreed.")

    assert refs("workload")[:2] == [titled.reference, mention.reference]


def test_entries_of_equal_rank_come_newest_first_and_a_query_page_by_page(book):
    _, body, _ = book
    for year in range(2000, 2025):
        make_entry(body, year=year, title="Premises", wording="That premises are funded.")
    first, second = search("premises", page=1), search("premises", page=2)
    assert first.total == 25 and first.pages == 2 and len(second.hits) == 5
    assert [h.entry.year for h in first.hits][:3] == [2024, 2023, 2022]
    assert {h.entry.pk for h in first.hits}.isdisjoint({h.entry.pk for h in second.hits})
    assert search("premises", page=99).hits == []


def test_welsh_text_is_found_word_for_word_and_mutated(book):
    _, body, _ = book
    welsh = make_entry(
        body,
        title="Cyllid teg i feddygon teulu",
        wording="Mae'r gynhadledd yn galw am gyllid teg i feddygon teulu yng Nghymru.",
    )
    plain = make_entry(body, title="Meddygon teulu", wording="Meddygon teulu a nyrsys ym mhob practis.")

    assert refs("meddygon teulu")[0] == plain.reference
    assert refs('"meddygon teulu"') == [plain.reference]
    assert refs("nyrsys") == [plain.reference]
    assert refs("gyllid") == [welsh.reference]
    # Welsh mutates a word's first letters: "Cymru" is "Nghymru" after "yng".
    found = search("Cymru cyllid")
    assert [h.entry.reference for h in found.hits] == [welsh.reference] and found.similar_spelling
    assert "<mark>Nghymru</mark>" in found.hits[0].wording_html


def test_a_misspelling_falls_back_to_the_words_of_the_book_spelt_like_it(book):
    _, body, _ = book
    entry = make_entry(body, title="Indemnity", wording="That indemnity covers all NHS work.")
    found = search("indemnitty")
    assert [h.entry.reference for h in found.hits] == [entry.reference] and found.similar_spelling


@pytest.mark.parametrize("q", ['"', '""', "-", "- -", "OR", "OR OR -", "()", "*", ":", '-"', "   ", "\x00", "\u200b"])
def test_a_query_of_operators_or_punctuation_alone_finds_nothing_and_never_fails(entries, q):
    result = search(q)
    assert result.hits == [] or not q.strip("\x00\u200b ")


OPERATORS = [
    '"',
    "-",
    "OR",
    "or",
    "(",
    ")",
    "*",
    ":",
    "^",
    "NEAR",
    "AND",
    "NOT",
    "+",
    "'",
    "\\",
    "%",
    "_",
    "&",
    "|",
    "!",
]
QUERY_PIECES = st.sampled_from([*OPERATORS, "<->", "é", "ŵ", "seniority", "pay", " ", "\x00", "\ud7ff"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.one_of(st.text(max_size=60), st.lists(QUERY_PIECES, max_size=12).map("".join)))
def test_no_query_ever_breaks_the_search(entries, q):
    result = search(q)
    assert result.total >= len(result.hits) >= 0
    for hit in result.hits:
        assert hit.wording_html.count("<mark>") == hit.wording_html.count("</mark>")


def test_the_date_breaks_ties_on_both_databases(book):
    _, body, _ = book
    older = make_entry(body, year=2020, date=datetime.date(2020, 1, 1), title="Locums", wording="Locums.")
    newer = make_entry(body, year=2020, date=datetime.date(2020, 12, 1), title="Locums", wording="Locums.")
    assert refs("locums") == [newer.reference, older.reference]
