"""The desk's access codes (issue 13) in a browser, at zero axe violations: the codes card on
the desk's home page, a refusal (new codes for everyone without the confirmation), one
person's new code and card shown once, and a phone that signs in with that code."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .support import PHONE, SLUG, WIDE, axe, described, join, screenshot


def secretariat_desk(browser: Any, app_server: str) -> Any:
    from desk import demo_data

    page = browser.new_context(**WIDE).new_page()
    page.goto(f"{app_server}/login/?next=/c/{SLUG}/desk/")
    page.get_by_label("Username").fill("secretariat")
    page.get_by_label("Password").fill(demo_data.staff_password("secretariat"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/c/{SLUG}/desk/")
    return page


def test_a_new_code_and_card_at_the_desk_signs_a_phone_in_and_the_pages_pass_axe(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str
) -> None:
    page = secretariat_desk(browser, app_server)
    codes = page.get_by_test_id("codes")
    expect(codes).to_contain_text("0 representatives have no code yet")
    found = {"desk-codes": axe(page, axe_js, "desk-codes")}
    page.get_by_label("Everyone: new codes for all").check()
    page.get_by_role("button", name="Issue codes and print login cards (PDF)").click()
    expect(page.get_by_text("Confirm that every login card printed before will stop working")).to_be_visible()
    found["desk-codes-refused"] = axe(page, axe_js, "desk-codes-refused")

    page.goto(f"{app_server}/c/{SLUG}/desk/people/")
    first = page.locator("#people tbody tr").first
    name = first.locator("td").first.inner_text()
    first.get_by_role("button", name="New code and card").click()
    notice = page.get_by_test_id("new-code")
    expect(notice).to_contain_text(f"New code for {name}")
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", notice.inner_text())
    assert code is not None
    expect(page.locator("#job-download")).to_be_visible()
    found["desk-new-code"] = axe(page, axe_js, "desk-new-code")
    screenshot(page, "desk-new-code")

    phone = join(browser.new_context(**PHONE), app_server, code.group(0).lower())
    expect(phone.get_by_text(name).first).to_be_visible()
    assert not any(f["wcag"] for f in found.values()), described(found)
