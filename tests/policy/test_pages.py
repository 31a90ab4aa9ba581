"""The public pages: /policy/ (no sign-in), the same search as JSON and CSV, each entry's own page."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from policy import actions
from policy.demo import load_policy_demo
from tests.policy.conftest import make_body, make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_policy_demo()


def test_the_search_page_needs_no_sign_in_and_reads_its_query_and_filters_from_the_address(client, demo):
    response = client.get("/policy/", {"q": "indemnity", "year": "2025", "body": "ENG"})

    assert response.status_code == 200
    page = response.content.decode()
    assert sorted(re.findall(r'data-reference="([^"]+)" data-testid="hit"', page)) == ["2025/ENG/3", "2025/ENG/4"]
    assert "<mark>Indemnity</mark> for all NHS work" in page
    assert 'value="indemnity"' in page and 'value="2025"' in page
    assert 'href="/policy/search.csv?q=indemnity&amp;body=ENG&amp;year=2025"' in page


def test_every_field_of_the_search_form_has_a_label_and_the_page_has_its_landmarks(client, demo):
    page = client.get("/policy/").content.decode()
    form = page[page.index('<form method="get"') : page.index("</form>")]
    for field_id in re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', form):
        assert f'<label for="{field_id}">' in form, field_id
    assert 'role="search"' in page and '<main id="main"' in page and "<h1>" in page
    assert 'aria-labelledby="policy-found"' in page


def test_the_search_is_paged_and_the_links_keep_the_query_and_filters(client, book):
    _, body, _ = book
    for year in range(2001, 2026):
        make_entry(body, year=year, title="Premises", wording="That premises are funded.")

    page = client.get("/policy/", {"q": "premises", "body": "ENG"}).content.decode()
    assert "Page 1 of 2" in page and 'href="?q=premises&amp;body=ENG&amp;page=2" rel="next"' in page
    second = client.get("/policy/", {"q": "premises", "body": "ENG", "page": "2"}).content.decode()
    assert len(re.findall('data-testid="hit"', second)) == 5 and 'rel="prev"' in second
    assert client.get("/policy/", {"page": "x"}).status_code == 200


def test_an_empty_book_and_a_search_that_finds_nothing_say_so(client, book):
    assert "The book is empty" in client.get("/policy/").content.decode()
    make_entry(book[1])
    assert "No entry matches" in client.get("/policy/", {"q": "xylophone"}).content.decode()


def test_the_json_is_the_same_search_with_its_highlights(client, demo):
    body = client.get("/policy/search.json", {"q": '"seniority payments"', "status": "policy"}).json()

    assert (body["total"], body["page"], body["filters"]) == (1, 1, {"status": "policy"})
    hit = body["results"][0]
    assert hit["reference"] == "2025/ENG/9" and hit["status_label"] == "Policy"
    assert hit["url"] == "http://testserver/policy/2025/ENG/9/"
    assert "<mark>" in hit["title_html"] and (hit["for"], hit["against"], hit["abstain"]) == (198, 44, 12)
    reaffirmed = client.get("/policy/search.json", {"q": "seniority", "status": "reaffirmed"}).json()["results"]
    assert [(r["reference"], r["reaffirmed_by"]) for r in reaffirmed] == [("2021/ENG/32", "2025/ENG/9")]


def test_the_csv_writes_every_cell_a_spreadsheet_would_run_as_text(client, book):
    _, body, _ = book
    make_entry(body, title='=HYPERLINK("http://evil.example","click")', wording="-2+3 is policy",
               proposer="@SUM(A1)", section="+44 Section")  # fmt: skip
    make_entry(body, title="Tabbed", wording="\tstarts with a tab", proposer="Kent LMC")

    response = client.get("/policy/search.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="policy.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffreference,body,conference,year,")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    first = next(r for r in rows if "HYPERLINK" in r["title"])
    assert first["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert (first["wording"], first["proposer"], first["section"]) == ("'-2+3 is policy", "'@SUM(A1)", "'+44 Section")
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_an_entrys_page_is_its_permalink_with_its_status_links_and_counts(client, demo):
    page = client.get("/policy/2025/ENG/9/").content.decode()
    assert "<h1>Seniority payments" in page
    assert 'data-testid="status">Policy' in page
    assert '<a href="/policy/2021/ENG/32/">2021/ENG/32</a>' in page  # the entry it reaffirms
    assert re.search(r"For</th><td class=\"num\">198</td><td class=\"num\">81.8%", page)

    older = client.get("/policy/2021/ENG/32/").content.decode()
    assert 'data-testid="status">Reaffirmed' in older
    assert 'Policy, reaffirmed by <a href="/policy/2025/ENG/9/">2025/ENG/9</a>' in older

    superseded = client.get("/policy/2019/ENG/18/").content.decode()
    assert 'superseded by <a href="/policy/2025/ENG/3/">2025/ENG/3</a>' in superseded


def test_a_parts_reference_is_an_address_too_and_an_unknown_one_is_not_found(client, demo):
    url = reverse("policy-entry", kwargs={"reference": "2025/ENG/1(ii)"})
    assert url == "/policy/2025/ENG/1(ii)/"
    page = client.get(url).content.decode()
    assert "part (ii)" in page and "Carried as a reference" in page and "As tabled" not in page
    assert client.get("/policy/2025/ENG/99/").status_code == 404


def test_the_page_shows_the_history_of_its_statuses(client, book):
    conference, body, secretariat = book
    entry = make_entry(body, year=2020)
    actions.set_status(entry, "rescinded", actor=secretariat, reason="Rescinded by motion 40 of 2026.")
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Rescinded: no longer policy." in page
    assert "Policy → Rescinded" in page and "Rescinded by motion 40 of 2026." in page


def test_the_pages_only_answer_get(client, book):
    make_body("UK")
    for name in ("policy-search", "policy-search-json", "policy-search-csv"):
        assert client.post(reverse(name)).status_code == 405
