"""WCAG 2.2 AA, checked by axe-core in the browser on every page a vote passes through:
the join page, the phone (idle, with a vote open, after voting, with the result), the
chair's console, the projector and the public results. axe-core comes from the npm
registry into .cache/axe (`.ci/run` installs it) and is loaded by the test only."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .support import (
    PHONE,
    PROJECTOR,
    SLUG,
    WIDE,
    axe,
    chair_console,
    close_and_publish,
    described,
    join,
    projector,
    put_to_the_vote,
    turnout,
    write_artifact,
)


def test_every_page_of_a_vote_passes_axe_for_wcag_2_2_aa(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str
) -> None:
    findings: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def check(page: Any, name: str) -> None:
        findings[name] = axe(page, axe_js, name)

    phone_context = browser.new_context(**PHONE)
    start = phone_context.new_page()
    start.goto(f"{app_server}/c/{SLUG}/")
    check(start, "join")
    start.get_by_label("Your voting code").fill("NOT-A-CODE")
    start.get_by_role("button", name="Join").click()
    expect(start.get_by_test_id("join-error")).to_be_visible()
    check(start, "join-error")
    start.close()

    phone = join(phone_context, app_server, demo["codes"][0])
    check(phone, "phone-idle")
    wide = browser.new_context(**WIDE)
    login = wide.new_page()
    login.goto(f"{app_server}/login/")
    check(login, "staff-login")
    login.close()
    console = chair_console(wide, app_server, demo["chair"])
    check(console, "console-idle")
    screen = projector(browser.new_context(**PROJECTOR), app_server)
    check(screen, "projector-idle")

    put_to_the_vote(console)
    expect(phone.get_by_test_id("choice-for")).to_be_visible()
    check(phone, "phone-vote-open")
    check(console, "console-vote-open")
    check(screen, "projector-vote-open")

    phone.get_by_test_id("choice-against").click()
    expect(phone.get_by_test_id("counted")).to_be_visible()
    expect(turnout(console)).to_have_attribute("data-voted", "1")
    check(phone, "phone-counted")

    close_and_publish(console)
    expect(screen.get_by_test_id("result")).to_be_visible()
    expect(phone.get_by_test_id("poll").get_by_test_id("result-summary")).to_be_visible()
    check(console, "console-published")
    check(screen, "projector-result")
    check(phone, "phone-result")

    public = browser.new_context(**WIDE).new_page()
    public.goto(f"{app_server}/c/{SLUG}/results/")
    expect(public.get_by_test_id("published-poll")).to_have_count(1)
    check(public, "results")
    public.get_by_role("link", name="Full result and receipts").click()
    check(public, "poll-result")

    kinds = ("wcag", "best_practice", "needs_review")
    summary = {
        page: {kind: sorted({v["id"] for v in found[kind]}) for kind in kinds} for page, found in findings.items()
    }
    write_artifact("axe/summary.json", summary)
    assert not any(found["wcag"] for found in findings.values()), "axe-core found WCAG A/AA violations:\n" + described(
        findings
    )


def test_the_chosen_motions_pick_ballot_passes_axe_for_wcag_2_2_aa(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str
) -> None:
    from desk import demo_data

    findings: dict[str, dict[str, list[dict[str, Any]]]] = {}
    phone = join(browser.new_context(**PHONE), app_server, demo["codes"][0])
    desk = chair_console(
        browser.new_context(**WIDE),
        app_server,
        {"username": "secretariat", "password": demo_data.staff_password("secretariat")},
    )
    desk.get_by_label("Picks each").fill("1")
    desk.get_by_role("button", name="Open the ballot").click()
    expect(phone.get_by_test_id("send-picks")).to_be_visible()
    findings["phone-pick-open"] = axe(phone, axe_js, "phone-pick-open")
    findings["console-pick-open"] = axe(desk, axe_js, "console-pick-open")

    phone.locator("button[data-pick]").first.click()
    findings["phone-pick-ticked"] = axe(phone, axe_js, "phone-pick-ticked")
    phone.get_by_test_id("send-picks").click()
    expect(phone.get_by_test_id("counted")).to_be_visible()
    findings["phone-pick-counted"] = axe(phone, axe_js, "phone-pick-counted")

    assert not any(found["wcag"] for found in findings.values()), "axe-core found WCAG A/AA violations:\n" + described(
        findings
    )
