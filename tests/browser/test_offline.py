"""A phone that loses the network: the vote pressed while offline waits on the phone
(never shown as counted), goes out after the reconnect and is counted exactly once; a
second phone signed in with the same code sees that vote, not a second one."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .support import PHONE, WIDE, chair_console, db, join, put_to_the_vote, screenshot, stored, turnout


def test_a_vote_pressed_offline_is_sent_on_reconnect_and_counted_once(
    browser: Any, app_server: str, demo: dict[str, Any]
) -> None:
    context = browser.new_context(**PHONE)
    phone = join(context, app_server, demo["codes"][0])
    console = chair_console(browser.new_context(**WIDE), app_server, demo["chair"])
    put_to_the_vote(console)
    expect(phone.get_by_test_id("choice-for")).to_be_visible()

    context.set_offline(True)
    expect(phone.get_by_test_id("connection")).not_to_have_attribute("data-state", "online")
    phone.get_by_test_id("choice-for").click()
    expect(phone.get_by_test_id("sending")).to_be_visible()
    # Past the phone's 10 s switch to HTTP, which cannot get through either: still not counted.
    phone.wait_for_timeout(11_000)
    expect(phone.get_by_test_id("sending")).to_be_visible()
    expect(phone.get_by_test_id("counted")).to_have_count(0)
    screenshot(phone, "phone-offline-sending")
    assert db(stored)["ballots"] == 0

    context.set_offline(False)
    expect(phone.get_by_test_id("connection")).to_have_attribute("data-state", "online", timeout=20_000)
    expect(phone.get_by_test_id("counted")).to_be_visible()
    expect(phone.get_by_test_id("sending")).to_have_count(0)
    receipt = phone.get_by_test_id("receipt").inner_text()
    expect(turnout(console)).to_have_attribute("data-voted", "1")
    assert db(stored) == {"ballots": 1, "participations": 1}

    # The same representative on a second phone: the same vote and receipt, nothing new to press.
    second = join(browser.new_context(**PHONE), app_server, demo["codes"][0])
    expect(second.get_by_test_id("receipt")).to_have_text(receipt)
    expect(second.get_by_test_id("choice-for")).to_have_attribute("aria-pressed", "true")
    for choice in ("for", "against"):
        button = second.get_by_test_id(f"choice-{choice}")
        expect(button).to_have_attribute("aria-disabled", "true")
        button.click(force=True)  # pressed all the same: the page must ignore it
    expect(second.get_by_test_id("sending")).to_have_count(0)
    expect(second.get_by_test_id("receipt")).to_have_text(receipt)
    screenshot(second, "phone-second-device")
    # A reload of the first phone resends nothing new either.
    phone.reload()
    expect(phone.get_by_test_id("receipt")).to_have_text(receipt)
    phone.wait_for_timeout(1_000)
    expect(turnout(console)).to_have_attribute("data-voted", "1")
    assert db(stored) == {"ballots": 1, "participations": 1}
