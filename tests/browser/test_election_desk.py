"""The secretariat's Elections page (issue 15) at zero axe violations, in each state it shows:
the demo election with its candidates, an election made by the form, a refusal, and an import
with a bad row; and the phone's HTTP fallback for a ranked ballot when its socket cannot
connect: the ranking goes out by POST after the phone's switch, is counted once, in order."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .support import PHONE, SLUG, WIDE, axe, chair_console, db, described, screenshot


def secretariat(browser: Any, app_server: str) -> Any:
    from desk import demo_data

    page = browser.new_context(**WIDE).new_page()
    page.goto(f"{app_server}/login/?next=/c/{SLUG}/desk/elections/")
    page.get_by_label("Username").fill("secretariat")
    page.get_by_label("Password").fill(demo_data.staff_password("secretariat"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/c/{SLUG}/desk/elections/")
    return page


def test_the_desk_elections_page_passes_axe_in_every_state(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str, tmp_path: Any
) -> None:
    page = secretariat(browser, app_server)
    demo_election = page.locator("section.card", has=page.get_by_role("heading", name="Agenda committee"))
    expect(demo_election.locator("tbody tr")).to_have_count(9)
    found = {"desk-elections": axe(page, axe_js, "desk-elections")}
    screenshot(page, "desk-elections", docs=True)

    page.get_by_label("Title", exact=True).fill("Deputy chair")
    page.get_by_label("Seats").fill("1")
    page.get_by_role("button", name="Create the election").click()
    deputy = page.locator("section.card", has=page.get_by_role("heading", name="Deputy chair"))
    expect(deputy).to_contain_text("No candidates yet.")
    found["desk-elections-new"] = axe(page, axe_js, "desk-elections-new")
    for name in ("Dr Ada Adams", "Dr Bo Brown"):
        deputy.get_by_label("Name").fill(name)
        deputy.get_by_role("button", name="Add the candidate").click()
        deputy = page.locator("section.card", has=page.get_by_role("heading", name="Deputy chair"))
    deputy.get_by_role("button", name="Move up: Dr Bo Brown").click()
    deputy = page.locator("section.card", has=page.get_by_role("heading", name="Deputy chair"))
    expect(deputy.locator("tbody tr").first).to_contain_text("Dr Bo Brown")
    deputy.get_by_label("Name").fill("Dr Ada Adams")  # twice: refused, said plainly
    deputy.get_by_role("button", name="Add the candidate").click()
    expect(page.get_by_text("Dr Ada Adams is already a candidate in this election.")).to_be_visible()
    found["desk-elections-refused"] = axe(page, axe_js, "desk-elections-refused")

    bad = tmp_path / "elections.csv"
    bad.write_text("election,seats,method,candidate,lmc,statement,group\nTreasurer,two,scottish,Dr Cy Clarke,,,\n")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_test_id("import-report")).to_contain_text("nothing was imported")
    found["desk-elections-import-report"] = axe(page, axe_js, "desk-elections-import-report")
    screenshot(page, "desk-elections-import-report")
    assert not any(f["wcag"] for f in found.values()), described(found)


def _ranked_ballots() -> list[list[str]]:
    from elections.models import Election
    from tests import ballots

    election = Election.objects.get(conference__slug=SLUG, title="Agenda committee")
    return [list(c.choice) for c in ballots.stored(election.poll_id)]


def _election_keys() -> dict[str, Any]:
    from elections.models import Election

    election = Election.objects.get(conference__slug=SLUG, title="Agenda committee")
    return {"poll": election.poll_id, "keys": [c.key for c in election.candidates.all()]}


def test_a_ranked_ballot_goes_by_http_when_the_socket_cannot_connect(
    browser: Any, app_server: str, demo: dict[str, Any]
) -> None:
    from .support import join

    election = db(_election_keys)
    keys = election["keys"]
    context = browser.new_context(**PHONE)
    phone = join(context, app_server, demo["codes"][0])
    console = chair_console(browser.new_context(**WIDE), app_server, demo["chair"])
    console.locator(f'#live-polls li[data-poll="{election["poll"]}"] button[data-action="open-poll"]').click()
    expect(phone.get_by_test_id(f"rank-{keys[2]}")).to_be_visible()

    # From now on every socket the phone opens is refused; plain HTTP still works.
    context.route_web_socket(re.compile(r".*/ws/.*"), lambda ws: ws.close(code=1011, reason="down"))
    phone.evaluate("() => window.dispatchEvent(new Event('offline'))")
    phone.reload()
    expect(phone.get_by_test_id("connection")).not_to_have_attribute("data-state", "online")
    expect(phone.get_by_test_id(f"rank-{keys[2]}")).to_be_visible()  # the page's own snapshot
    for k in (keys[2], keys[0], keys[5]):
        phone.get_by_test_id(f"rank-{k}").click()
    phone.get_by_test_id("review-ranking").click()
    phone.get_by_test_id("send-ranking").click()
    expect(phone.get_by_test_id("receipt")).to_have_text(re.compile(r"\S{4}-\S{4}"), timeout=25_000)
    screenshot(phone, "election-phone-sent-by-http")
    assert db(_ranked_ballots) == [[keys[2], keys[0], keys[5]]]
    expect(console.get_by_test_id("turnout")).to_have_attribute("data-voted", "1")
