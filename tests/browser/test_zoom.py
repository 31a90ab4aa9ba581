"""The phone at 200% zoom (WCAG 1.4.4 and 1.4.10: text resized, content reflows): a 390 px
wide phone zoomed to 200% lays out in 195 CSS pixels. The vote still fits without
sideways scrolling, its buttons keep a 44 px target, the keyboard reaches them in order,
the opening brings the vote to the front, and the opening and the acknowledgement are
announced in the live region."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .support import MOTION, WIDE, chair_console, join, screenshot

ZOOMED = {"viewport": {"width": 195, "height": 422}, "device_scale_factor": 4, "is_mobile": True, "has_touch": True}


def test_the_phone_votes_at_200_percent_zoom_by_keyboard(browser: Any, app_server: str, demo: dict[str, Any]) -> None:
    phone = join(browser.new_context(**ZOOMED), app_server, demo["codes"][0])
    console = chair_console(browser.new_context(**WIDE), app_server, demo["chair"])
    motion = console.get_by_test_id(f"motion-{MOTION}")
    motion.get_by_role("button", name="Call").click()
    expect(phone.get_by_test_id("item-title")).to_be_visible()
    phone.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")  # reading the motion further down
    assert phone.evaluate("() => document.getElementById('poll').getBoundingClientRect().top") < 0
    motion.get_by_role("button", name="Put to the vote").click()
    choices = [phone.get_by_test_id(f"choice-{key}") for key in ("for", "against", "abstain")]
    expect(choices[0]).to_be_visible()
    expect(phone.locator("#announce")).to_contain_text("Vote open")
    # The vote comes to the front: the page scrolled back to its card.
    assert abs(phone.evaluate("() => document.getElementById('poll').getBoundingClientRect().top")) < 2

    overflow = phone.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at 200% zoom"
    for button in choices:
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 195, box
    screenshot(phone, "phone-zoom-200")

    # Keyboard: Tab from the top reaches For, Against, Abstain in that order; Enter votes.
    phone.locator("body").focus()
    reached = []
    for _ in range(15):
        phone.keyboard.press("Tab")
        key = phone.evaluate("() => document.activeElement && document.activeElement.getAttribute('data-choice')")
        if key:
            reached.append(key)
        if len(reached) == 3:
            break
    assert reached == ["for", "against", "abstain"]
    phone.keyboard.press("Shift+Tab")
    phone.keyboard.press("Shift+Tab")
    expect(choices[0]).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.get_by_test_id("counted")).to_be_visible()
    expect(phone.locator("#announce")).to_contain_text("Vote counted. Receipt")
