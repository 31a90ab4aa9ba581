"""A chosen-motions ballot on the phone: tick up to the number allowed, send them as one
vote, change them while the ballot is open; the database holds one ballot with the picks."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .support import PHONE, SLUG, WIDE, chair_console, db, join, screenshot


def ballot_id() -> int:
    from voting.models import Poll

    return Poll.objects.get(conference__slug=SLUG, kind=Poll.Kind.PICK).pk


def picks_stored(poll_id: int) -> list[list[str]]:
    from tests import ballots

    return [sorted(c.choice) for c in ballots.stored(poll_id)]


def test_a_representative_picks_sends_and_changes_the_picks(
    browser: Any, app_server: str, demo: dict[str, Any]
) -> None:
    phone = join(browser.new_context(**PHONE), app_server, demo["codes"][0])
    from desk import demo_data

    # The secretariat opens the ballot from the console: one pick each (the demo has two grey motions).
    desk = chair_console(
        browser.new_context(**WIDE),
        app_server,
        {"username": "secretariat", "password": demo_data.staff_password("secretariat")},
    )
    desk.get_by_label("Picks each").fill("1")
    desk.get_by_role("button", name="Open the ballot").click()
    send = phone.get_by_test_id("send-picks")
    expect(send).to_have_attribute("aria-disabled", "true")  # nothing ticked yet
    first, second = phone.locator("button[data-pick]").all()
    first_key, second_key = first.get_attribute("data-pick"), second.get_attribute("data-pick")

    first.click()
    expect(first).to_have_attribute("aria-pressed", "true")
    expect(second).to_have_attribute("aria-disabled", "true")  # one pick allowed: the other waits
    second.click(force=True)
    expect(second).to_have_attribute("aria-pressed", "false")
    expect(phone.locator("#pick-count")).to_have_text("1 of 1 picked.")
    send.click()
    expect(phone.get_by_test_id("counted")).to_be_visible()
    poll_id = db(ballot_id)
    receipt = phone.get_by_test_id("receipt").inner_text()
    screenshot(phone, "phone-pick-ballot")
    assert db(picks_stored, poll_id) == [[first_key]]

    # Changeable: untick, tick the other, send again; still one ballot, now with the new pick.
    expect(send).to_have_attribute("aria-disabled", "true")  # nothing changed yet
    first.click()
    second.click()
    expect(send).to_have_text("Send my changed picks")
    send.click()
    expect(phone.get_by_test_id("counted")).to_contain_text(second.inner_text().replace(" ✓", ""))
    expect(phone.get_by_test_id("receipt")).to_have_text(receipt)
    assert db(picks_stored, poll_id) == [[second_key]]
