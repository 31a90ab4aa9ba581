"""The existing policy a motion restates, on the console's floor card and the phone's motion
card (issue 16): the chair calls the demo's 2026 seniority-pay motion, both show the 2025
seniority-pay entry as a link to its permalink, the link opens the entry, and both pages pass
axe."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .support import PHONE, WIDE, axe, chair_console, described, join, screenshot

SENIORITY = 17  # the demo's "Restore seniority pay"


def test_the_console_and_the_phone_link_the_existing_policy_of_the_motion_under_debate(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str
) -> None:
    phone = join(browser.new_context(**PHONE), app_server, demo["codes"][0])
    console = chair_console(browser.new_context(**WIDE), app_server, demo["chair"])
    console.get_by_test_id(f"motion-{SENIORITY}").get_by_role("button", name="Call").click()
    expect(console.get_by_test_id("item")).to_contain_text(f"motion {SENIORITY}")

    found = {}
    for name, page in (("console", console), ("phone", phone)):
        links = page.get_by_test_id("item").get_by_test_id("existing-policy")
        expect(links).to_contain_text("Existing policy")
        link = links.locator('a[data-ref="2025/ENG/9"]')
        expect(link).to_be_visible()
        expect(link).to_have_attribute("href", "/policy/2025/ENG/9/")
        expect(link).to_contain_text("eniority")
        assert links.locator("li").count() <= 3
        page.get_by_test_id("item").scroll_into_view_if_needed()
        screenshot(page, f"{name}-existing-policy", docs=True)
        found[name] = axe(page, axe_js, f"{name}-existing-policy")
    assert not any(f["wcag"] for f in found.values()), described(found)

    phone.get_by_test_id("item").locator('a[data-ref="2025/ENG/9"]').click()
    phone.wait_for_url("**/policy/2025/ENG/9/")
    expect(phone.locator("h1")).to_contain_text("eniority")
