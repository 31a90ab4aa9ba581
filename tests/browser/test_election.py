"""The demo election (the agenda committee: 5 seats, 9 candidates) from three windows: the
chair opens it from the console, a representative ranks candidates with the buttons (no
dragging) and sends, the chair closes and publishes, the projector and the public page show
the count stage by stage, and the PDF and the BLT download (the BLT recounts the same)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .support import (
    PHONE,
    PROJECTOR,
    SLUG,
    WIDE,
    axe,
    chair_console,
    close_and_publish,
    db,
    described,
    join,
    projector,
    screenshot,
)


def _election() -> dict[str, Any]:
    from elections.models import Election

    election = Election.objects.get(conference__slug=SLUG, title="Agenda committee")
    return {
        "poll": election.poll_id,
        "keys": [c.key for c in election.candidates.all()],
        "names": [c.name for c in election.candidates.all()],
    }


def _sheet(poll_id: int) -> dict[str, Any]:
    from elections.models import Election

    election = Election.objects.get(poll_id=poll_id)
    return {"sheet": election.sheet, "seed": election.seed}


def test_the_agenda_committee_election_end_to_end(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str
) -> None:
    election = db(_election)
    keys, names = election["keys"], election["names"]
    assert len(keys) == 9
    phone = join(browser.new_context(**PHONE), app_server, demo["codes"][0])
    console = chair_console(browser.new_context(**WIDE), app_server, demo["chair"])
    screen = projector(browser.new_context(**PROJECTOR), app_server)

    console.locator(f'#live-polls li[data-poll="{election["poll"]}"] button[data-action="open-poll"]').click()
    expect(console.get_by_test_id("turnout")).to_be_visible()

    # Rank three: tap to add, then move the third up and remove the second.
    expect(phone.get_by_test_id(f"rank-{keys[4]}")).to_be_visible()
    for k in (keys[4], keys[1], keys[7]):
        phone.get_by_test_id(f"rank-{k}").click()
    ranking = phone.get_by_test_id("ranking")
    expect(ranking.locator("li")).to_have_count(3)
    screenshot(phone, "election-phone-ranking", docs=True)
    phone.get_by_role("button", name=f"Move up: {names[7]}").click()
    phone.get_by_role("button", name=f"Remove: {names[1]}").click()
    phone.get_by_test_id(f"rank-{keys[0]}").click()
    expect(ranking.locator("li")).to_have_count(3)
    expect(ranking.locator("li").nth(0)).to_contain_text(names[4])
    expect(ranking.locator("li").nth(1)).to_contain_text(names[7])
    expect(ranking.locator("li").nth(2)).to_contain_text(names[0])
    found = {"phone-ranking": axe(phone, axe_js, "election-phone-ranking")}
    phone.get_by_test_id("review-ranking").click()
    review = phone.get_by_test_id("review-list")
    expect(review).to_contain_text(f"1st preference: {names[4]}")
    expect(review).to_contain_text(f"3rd preference: {names[0]}")
    screenshot(phone, "election-phone-review")
    phone.get_by_test_id("send-ranking").click()
    expect(phone.get_by_test_id("receipt")).to_have_text(re.compile(r"\S{4}-\S{4}"))
    screenshot(phone, "election-phone-sent")

    # Two more representatives rank, so the count has something to transfer.
    for code, order in zip(demo["codes"][1:3], ([keys[1], keys[4]], [keys[7], keys[2], keys[5]]), strict=True):
        other = join(browser.new_context(**PHONE), app_server, code)
        for k in order:
            other.get_by_test_id(f"rank-{k}").click()
        other.get_by_test_id("review-ranking").click()
        other.get_by_test_id("send-ranking").click()
        expect(other.get_by_test_id("receipt")).to_be_visible()
    expect(console.get_by_test_id("turnout")).to_have_attribute("data-voted", "3")

    close_and_publish(console)
    expect(console.get_by_test_id("declared").get_by_test_id("elected")).to_contain_text("Elected:")
    screenshot(console, "election-console")
    result = screen.get_by_test_id("result")
    expect(result).to_contain_text("Elected:")
    expect(result.locator("table.stages")).to_be_visible()
    screenshot(screen, "election-projector", docs=True)
    width = screen.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PROJECTOR["viewport"]["width"], f"the projector scrolls sideways ({width} px)"
    expect(phone.get_by_test_id("result")).to_contain_text("Elected:")  # the top card shows the latest result
    # Its one-line summary names the elected, not the first preferences as if they were a motion's counts.
    expect(phone.get_by_test_id("result-summary")).to_have_text("5 of 5 seats filled by STV")
    # The caption's box is the table's width; its words must sit within the phone's.
    words_right = (
        "c => { const r = document.createRange(); r.selectNodeContents(c); return r.getBoundingClientRect().right; }"
    )
    right = phone.get_by_test_id("result").locator("caption").evaluate(words_right)
    assert right <= PHONE["viewport"]["width"], f"the caption's words run off the phone ({right} px)"
    screenshot(phone, "election-phone-result")
    phone_width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert phone_width <= PHONE["viewport"]["width"] + 1, "the phone page scrolls sideways: only the table may"

    counted = db(_sheet, election["poll"])
    public = browser.new_context(**WIDE).new_page()
    public.goto(f"{app_server}/c/{SLUG}/results/{election['poll']}/")
    sheet = public.get_by_test_id("stv-sheet")
    expect(sheet).to_contain_text(", ".join(counted["sheet"]["elected"]))
    expect(sheet.get_by_test_id("seed")).to_have_text(str(counted["seed"]))
    screenshot(public, "election-public", docs=True)
    found["public-result"] = axe(public, axe_js, "election-public")
    with public.expect_download() as pdf:
        public.get_by_test_id("sheet-pdf").click()
    assert pdf.value.path().read_bytes().startswith(b"%PDF")
    with public.expect_download() as blt:
        public.get_by_test_id("ballots-blt").click()
    from elections.count import as_dict, count, read_blt

    recount = count(
        read_blt(blt.value.path().read_text()),
        "scottish",
        constraints=_constraints(counted["sheet"]),
        seed=counted["seed"],
    )
    assert as_dict(recount)["elected"] == counted["sheet"]["elected"]
    assert not any(f["wcag"] for f in found.values()), described(found)


def _constraints(sheet: dict[str, Any]) -> list[Any]:
    from elections.count import Constraint

    return [Constraint(c["name"], c["candidates"], c["minimum"], c["maximum"]) for c in sheet["constraints"]]
