"""A vote from start to finish, as the people in the hall see it: a representative joins
with the code on the card, the chair puts a motion to the vote, the phone votes and shows
its receipt, the chair sees the turnout rise, closes and publishes, and the projector,
the phone and the public results page show the result."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .support import (
    PHONE,
    PROJECTOR,
    SLUG,
    WIDE,
    chair_console,
    close_and_publish,
    db,
    join,
    projector,
    put_to_the_vote,
    screenshot,
    stored,
    turnout,
)


def test_a_representative_votes_and_the_hall_sees_the_published_result(
    browser: Any, app_server: str, demo: dict[str, Any]
) -> None:
    phone = join(browser.new_context(**PHONE), app_server, demo["codes"][0])
    expect(phone.get_by_test_id("no-poll")).to_be_visible()
    screenshot(phone, "phone-idle")
    console = chair_console(browser.new_context(**WIDE), app_server, demo["chair"])
    screen = projector(browser.new_context(**PROJECTOR), app_server)

    put_to_the_vote(console)
    expect(turnout(console)).to_have_attribute("data-voted", "0")
    vote_for = phone.get_by_test_id("choice-for")
    expect(vote_for).to_be_visible()
    expect(phone.get_by_test_id("poll")).to_contain_text("Secret ballot")
    screenshot(phone, "phone-vote-open")

    vote_for.click()
    receipt = phone.get_by_test_id("receipt")
    expect(receipt).to_have_text(re.compile(r"\S{4,}"))
    my_receipt = receipt.inner_text()
    expect(phone.get_by_test_id("counted")).to_contain_text("You voted: For")
    expect(vote_for).to_have_attribute("aria-pressed", "true")
    screenshot(phone, "phone", docs=True)

    expect(turnout(console)).to_have_attribute("data-voted", "1")
    expect(turnout(screen)).to_have_attribute("data-voted", "1")
    # Two more representatives vote, one each way: the turnout rises with each.
    for voted, (code, choice) in enumerate(zip(demo["codes"][1:3], ("for", "against"), strict=True), start=2):
        other = join(browser.new_context(**PHONE), app_server, code)
        other.get_by_test_id(f"choice-{choice}").click()
        expect(other.get_by_test_id("counted")).to_be_visible()
        expect(turnout(console)).to_have_attribute("data-voted", str(voted))
    expect(turnout(screen)).to_have_attribute("data-voted", "3")
    screenshot(console, "console", docs=True)
    screenshot(screen, "projector-vote-open")
    assert db(stored)["ballots"] == 3

    close_and_publish(console)
    expect(console.get_by_test_id("declared").get_by_test_id("outcome")).to_have_text("Carried")
    result = screen.get_by_test_id("result")
    expect(result).to_be_visible()
    expect(result.get_by_test_id("outcome")).to_have_text("Carried")
    expect(result.locator('li[data-key="for"] .count')).to_have_text("2")
    expect(result.locator('li[data-key="against"] .count')).to_have_text("1")
    screenshot(screen, "projector", docs=True)
    # On a 16:9 projector the result sits beside the item, all of it on the one screen.
    expect(screen.locator("#screen")).to_have_class("split")
    bottom = screen.evaluate("() => document.getElementById('result').getBoundingClientRect().bottom")
    assert bottom <= PROJECTOR["viewport"]["height"], f"the result runs off the screen at {bottom} px"
    # The result sits in the phone's top card, where the vote was, until the next item is called.
    top = phone.get_by_test_id("poll")
    expect(top.get_by_test_id("outcome")).to_have_text("Carried")
    expect(top.get_by_test_id("result-summary")).to_have_text("Carried, For 2 / Against 1 / Abstain 0")
    expect(top).to_contain_text(f"Your receipt: {my_receipt}")
    screenshot(phone, "phone-result")

    public = browser.new_context(**WIDE).new_page()
    public.goto(f"{app_server}/c/{SLUG}/results/")
    published = public.get_by_test_id("published-poll")
    expect(published).to_have_count(1)
    expect(published.get_by_test_id("outcome")).to_have_text("Carried")
    expect(published.locator('tr[data-key="for"] td').first).to_have_text("2")
    expect(published.locator('tr[data-key="against"] td').first).to_have_text("1")
    screenshot(public, "results")
    # The representative finds the receipt on the published result.
    published.get_by_role("link", name="Full result and receipts").click()
    expect(public.get_by_text(my_receipt)).to_be_visible()
