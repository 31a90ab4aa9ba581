"""An amendment, as the hall sees it: the chair records it by editing the motion's wording
(no retyping, a proposing LMC), the console, phone and projector show the amendment with its
change marked word by word and the motion as it would read; once it is carried the motion is
still undecided on the console (agenda badge and floor card agree), and the next vote is
labelled "as amended" with that wording on the phone and the projector."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .support import MOTION, PHONE, PROJECTOR, WIDE, chair_console, close_and_publish, join, projector, screenshot

ADDED = "within two years"


def test_an_amendment_is_shown_as_a_change_and_the_motion_as_amended_is_put_next(
    browser: Any, app_server: str, demo: dict[str, Any]
) -> None:
    phone = join(browser.new_context(**PHONE), app_server, demo["codes"][0])
    console = chair_console(browser.new_context(**WIDE), app_server, demo["chair"])
    screen = projector(browser.new_context(**PROJECTOR), app_server)
    row = console.get_by_test_id(f"motion-{MOTION}")
    row.get_by_role("button", name="Call").click()
    expect(console.get_by_test_id("item")).to_contain_text(f"motion {MOTION}")

    console.get_by_text("Propose an amendment or rider").click()
    wording = console.get_by_label("An amendment: edit the motion's wording to read as amended")
    original = wording.input_value()
    assert original.endswith("."), "the form offers the motion's current wording to edit"
    wording.fill(original[:-1] + " " + ADDED + ".")
    lmc = console.get_by_label("Proposing LMC")
    lmc.select_option(index=1)
    lmc_name = lmc.locator("option").nth(1).inner_text()
    console.get_by_role("button", name="Add", exact=True).click()
    diff = console.get_by_test_id("amendment-diff")
    expect(diff.locator("ins")).to_have_text(ADDED)
    expect(console.get_by_test_id("procedure")).to_contain_text(f"Amendment ({lmc_name}): Insert “{ADDED}” after")
    screenshot(console, "console-amendment")

    console.get_by_role("button", name="Put", exact=True).click()
    words = phone.get_by_test_id("words")
    expect(words).to_contain_text(f"Insert “{ADDED}” after")
    expect(words.get_by_test_id("words-diff").locator("ins")).to_have_text(ADDED)
    expect(phone.get_by_test_id("choice-for")).to_be_visible()
    screenshot(phone, "phone-amendment")
    expect(screen.get_by_test_id("words").locator("ins")).to_have_text(ADDED)
    screenshot(screen, "projector-amendment")

    for code in demo["codes"]:
        voter = phone if code == demo["codes"][0] else join(browser.new_context(**PHONE), app_server, code)
        voter.get_by_test_id("choice-for").click()
        expect(voter.get_by_test_id("counted")).to_be_visible()
    close_and_publish(console)

    # The amendment carried; the motion itself is not decided (the bug marked it carried).
    expect(row).to_have_attribute("data-status", "under_debate")
    expect(row.locator(":scope > .row > .status")).to_have_text("Under debate")
    expect(console.get_by_test_id("item-status")).to_have_text("Under debate")
    asked: list[str] = []
    console.on("dialog", lambda dialog: asked.append(dialog.message))
    row.get_by_role("button", name="Put to the vote").click()
    expect(phone.locator("#poll-question")).to_contain_text("as amended")
    assert not [m for m in asked if "already decided" in m], asked
    expect(phone.get_by_test_id("words")).to_contain_text("The motion as amended")
    expect(phone.get_by_test_id("words")).to_contain_text(ADDED)
    expect(screen.get_by_test_id("words")).to_contain_text(ADDED)
    screenshot(phone, "phone-as-amended")
