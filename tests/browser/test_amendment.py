"""An amendment on the phone: the chair adds one from the console and puts it first; the
phone shows its words and how the motion would read beside the question, and lists it under
the motion."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .support import MOTION, PHONE, WIDE, chair_console, join

TEXT = 'Insert "within two years" after "abolish"'
WORDING = "That conference calls for the out-of-area registration clause to be abolished within two years."


def test_the_phone_shows_the_amendment_under_vote(browser: Any, app_server: str, demo: dict[str, Any]) -> None:
    phone = join(browser.new_context(**PHONE), app_server, demo["codes"][0])
    console = chair_console(browser.new_context(**WIDE), app_server, demo["chair"])
    console.get_by_test_id(f"motion-{MOTION}").get_by_role("button", name="Call").click()
    expect(console.get_by_test_id("item")).to_contain_text(f"motion {MOTION}")

    console.get_by_text("Propose an amendment or rider").click()
    console.get_by_label("Text as moved").fill(TEXT)
    console.get_by_label("The motion as amended (amendment only)").fill(WORDING)
    console.get_by_role("button", name="Add", exact=True).click()
    console.get_by_role("button", name="Put", exact=True).click()

    amendment = phone.get_by_test_id("poll-amendment")
    expect(amendment).to_contain_text(TEXT)
    expect(amendment).to_contain_text("The motion would read: " + WORDING)
    expect(phone.get_by_test_id("choice-for")).to_be_visible()
    expect(phone.get_by_test_id("item")).to_contain_text("Amendment: " + TEXT)
