"""WCAG 2.2 AA on the policy book's pages, checked by axe-core: the search with its highlights and
filters, an entry's page, the same page with the secretariat's status form, and the desk's
existing policy for each motion."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .support import PHONE, WIDE, axe, db, described, screenshot, write_artifact


def test_the_policy_pages_pass_axe_for_wcag_2_2_aa(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str
) -> None:
    from desk import demo_data
    from policy.demo import load_policy_demo

    db(load_policy_demo)
    findings: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name, context in (("wide", WIDE), ("phone", PHONE)):
        page = browser.new_context(**context).new_page()
        page.goto(f"{app_server}/policy/?q=seniority+OR+indemnity&body=ENG")
        expect(page.get_by_test_id("hit").first).to_be_visible()
        expect(page.locator("mark").first).to_be_visible()
        findings[f"policy-search-{name}"] = axe(page, axe_js, f"policy-search-{name}")
        page.get_by_role("link", name="Seniority payments", exact=True).click()
        expect(page.get_by_test_id("status")).to_have_text("Policy")
        findings[f"policy-entry-{name}"] = axe(page, axe_js, f"policy-entry-{name}")

    desk = browser.new_context(**WIDE).new_page()
    desk.goto(f"{app_server}/login/?next=/policy/2021/ENG/32/")
    desk.get_by_label("Username").fill("secretariat")
    desk.get_by_label("Password").fill(demo_data.staff_password("secretariat"))
    desk.get_by_role("button", name="Sign in").click()
    desk.wait_for_url("**/policy/2021/ENG/32/")
    expect(desk.get_by_label("Reason")).to_be_visible()
    findings["policy-entry-secretariat"] = axe(desk, axe_js, "policy-entry-secretariat")
    desk.get_by_label("Reason").fill("Recorded in error")
    desk.get_by_label("Superseded or reaffirmed by (its reference)").fill("2099/ENG/1")
    desk.get_by_role("button", name="Change the status").click()
    expect(desk.get_by_test_id("error")).to_be_visible()
    findings["policy-entry-refused"] = axe(desk, axe_js, "policy-entry-refused")
    desk.goto(f"{app_server}/c/england-2026/desk/policy/")
    expect(desk.locator("#existing-policy").get_by_role("link", name="2025/ENG/9").first).to_be_visible()
    screenshot(desk, "desk-existing-policy")
    findings["desk-existing-policy"] = axe(desk, axe_js, "desk-existing-policy")

    write_artifact(
        "axe/policy-summary.json", {page: sorted({v["id"] for v in found["wcag"]}) for page, found in findings.items()}
    )
    assert not any(found["wcag"] for found in findings.values()), "axe-core found WCAG A/AA violations:\n" + described(
        findings
    )
