"""Issue 14, the secretariat's desk in the browser: registration searched and filtered by
LMC and status, paged, with aligned rows (asserted from the cells' boxes); the audit log as
sentences, filtered, exported as CSV; the record with its times and counts; axe on each."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .support import WIDE, axe, chair_console, close_and_publish, db, described, put_to_the_vote, screenshot
from .test_on_the_spot import secretariat_desk


def demo_lmc() -> tuple[int, str, int]:
    from conference.models import LMC

    lmc = LMC.objects.filter(conference__slug="england-2026", representatives__is_active=True).first()
    assert lmc is not None
    return lmc.pk, lmc.name, lmc.representatives.filter(role="representative").count()


def assert_rows_aligned(page: Any, table: str) -> None:
    """Every cell of a row starts and ends at the row's own top and bottom."""
    rows = page.locator(f"{table} tbody tr")
    for i in range(min(rows.count(), 8)):
        cells = rows.nth(i).locator(":scope > th, :scope > td")
        boxes = [cells.nth(j).bounding_box() for j in range(cells.count())]
        tops, heights = {round(b["y"]) for b in boxes}, {round(b["height"]) for b in boxes}
        assert len(tops) == 1 and len(heights) == 1, f"row {i} of {table} is not aligned: {boxes}"


def test_the_desk_lists_registration_audit_and_record(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str
) -> None:
    console = chair_console(browser.new_context(**WIDE), app_server, demo["chair"])
    put_to_the_vote(console)
    close_and_publish(console)
    lmc_id, lmc_name, in_lmc = db(demo_lmc)
    found: dict[str, Any] = {}

    desk = secretariat_desk(browser.new_context(**WIDE), app_server, "people/")
    expect(desk.get_by_test_id("people-count")).to_contain_text("people")
    assert_rows_aligned(desk, "#people")
    desk.get_by_label("LMC").select_option(str(lmc_id))
    desk.get_by_label("Status").select_option("active")
    desk.get_by_role("button", name="Show").click()
    rows = desk.locator("#people tbody tr")
    expect(rows.first).to_contain_text(lmc_name)
    assert rows.count() <= in_lmc
    first = rows.first
    first.get_by_role("button", name="Check in").click()
    expect(desk.get_by_label("LMC")).to_have_value(str(lmc_id))  # back to the same list
    expect(desk.get_by_label("Status")).to_have_value("active")
    expect(desk.locator("#people tbody tr").first.get_by_test_id("present")).to_have_text("checked in")
    assert_rows_aligned(desk, "#people")
    screenshot(desk, "desk-registration", docs=True)
    found["desk-registration"] = axe(desk, axe_js, "desk-registration")

    desk.goto(f"{app_server}/c/england-2026/desk/audit/")
    sentences = desk.get_by_test_id("audit-sentence")
    expect(sentences.filter(has_text="(Chair) opened the vote").first).to_be_visible()
    expect(sentences.filter(has_text="(Secretariat) checked in").first).to_be_visible()
    desk.get_by_label("Kind").select_option("poll")
    desk.get_by_role("button", name="Show").click()
    expect(desk.locator('#audit tr[data-action="rep.checked_in"]')).to_have_count(0)
    assert_rows_aligned(desk, "#audit")
    with desk.expect_download() as download:
        desk.get_by_test_id("audit-csv").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert "opened the vote" in text and "checked in" not in text.split("\n", 1)[1]
    screenshot(desk, "desk-audit-log", docs=True)
    found["desk-audit-log"] = axe(desk, axe_js, "desk-audit-log")

    desk.goto(f"{app_server}/c/england-2026/desk/record/")
    row = desk.locator("#record tbody tr").first
    expect(row.get_by_test_id("published")).not_to_have_text("—")
    expect(row.get_by_test_id("counts")).to_contain_text("For")
    assert_rows_aligned(desk, "#record")
    screenshot(desk, "desk-record", docs=True)
    found["desk-record"] = axe(desk, axe_js, "desk-record")
    assert described(found) == "", described(found)
