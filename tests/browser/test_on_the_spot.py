"""Issue 14, in the browser: the chair makes a live poll on the spot from the console (an
options poll, then a 1-10 scale with its end labels) and the phones show it at once; a
mistake is said beside the form and what was typed stays; the secretariat makes one from
the desk. axe-core checks the console's form, the desk's page and the phone's new states."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .support import (
    PHONE,
    SLUG,
    WIDE,
    axe,
    chair_console,
    close_and_publish,
    db,
    described,
    join,
    screenshot,
)


def secretariat_desk(context: Any, base: str, path: str) -> Any:
    from desk import demo_data

    page = context.new_page()
    page.goto(f"{base}/login/?next=/c/{SLUG}/desk/{path}")
    page.get_by_label("Username").fill("secretariat")
    page.get_by_label("Password").fill(demo_data.staff_password("secretariat"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/c/{SLUG}/desk/{path}")
    return page


def live_polls_made() -> list[tuple[str, str, str, str]]:
    from voting.models import Poll

    return list(
        Poll.objects.filter(conference__slug=SLUG, kind__in=["live", "scale"])
        .order_by("pk")
        .values_list("question", "status", "scale_low_label", "scale_high_label")
    )


def test_the_chair_makes_live_polls_on_the_spot(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str
) -> None:
    findings: dict[str, Any] = {}
    console = chair_console(browser.new_context(**WIDE), app_server, demo["chair"])
    phones = [join(browser.new_context(**PHONE), app_server, code) for code in demo["codes"][:2]]
    form = console.locator("#new-live-poll")
    form.locator("summary").click()
    question = console.get_by_label("Question", exact=True)

    # Mistakes are said beside the form, and what was typed stays to be corrected.
    question.fill("Which should the negotiators take first?")
    console.get_by_label("Options, one a line (2 to 10)").fill("Premises")
    console.get_by_role("button", name="Create the live poll").click()
    expect(console.get_by_test_id("live-error")).to_have_text(
        "A live poll needs at least two different options (or a scale)."
    )
    expect(question).to_have_value("Which should the negotiators take first?")
    console.get_by_label("Options, one a line (2 to 10)").fill("\n".join(f"Option {i}" for i in range(1, 12)))
    console.get_by_role("button", name="Create the live poll").click()
    expect(console.get_by_test_id("live-error")).to_have_text("A live poll has at most ten options.")
    screenshot(console, "console-live-poll-form-error")
    findings["console-live-poll-form"] = axe(console, axe_js, "console-live-poll-form")

    console.get_by_label("Options, one a line (2 to 10)").fill("Premises\nIndemnity\nWorkforce")
    console.get_by_role("button", name="Create the live poll").click()
    expect(console.get_by_test_id("poll")).to_contain_text("Which should the negotiators take first?")
    expect(console.get_by_test_id("poll")).to_contain_text("Live poll open")
    for phone in phones:
        expect(phone.get_by_test_id("poll")).to_contain_text("Live poll")
        expect(phone.get_by_test_id("poll")).to_contain_text("Which should the negotiators take first?")
        expect(phone.get_by_test_id("choice-o3")).to_have_text("Workforce")
    screenshot(phones[0], "phone-live-on-the-spot")
    findings["phone-live-on-the-spot"] = axe(phones[0], axe_js, "phone-live-on-the-spot")
    phones[0].get_by_test_id("choice-o2").click()
    expect(phones[0].get_by_test_id("counted")).to_be_visible()
    close_and_publish(console)

    # A scale with its end labels; a field that does not apply is hidden.
    form.locator("summary").click()
    expect(console.get_by_label("Question", exact=True)).to_have_value("")
    console.get_by_label("Question", exact=True).fill("How confident are you in the new contract?")
    console.get_by_label("A scale from 1 to N").check()
    expect(console.get_by_label("Options, one a line (2 to 10)")).to_be_hidden()
    console.get_by_label("From 1 to (2 to 10)").fill("10")
    console.get_by_label("What 1 means").fill("Not at all confident")
    console.get_by_label("What the top means").fill("Completely confident")
    screenshot(console, "console-live-poll-form-scale", docs=True)
    console.get_by_role("button", name="Create the live poll").click()
    phone = phones[0]
    expect(phone.get_by_test_id("scale-ends")).to_contain_text("1 = Not at all confident")
    expect(phone.get_by_test_id("scale-ends")).to_contain_text("10 = Completely confident")
    expect(phone.get_by_test_id("choice-10")).to_be_visible()
    screenshot(phone, "phone-live-scale-on-the-spot", docs=True)
    findings["phone-live-scale-on-the-spot"] = axe(phone, axe_js, "phone-live-scale-on-the-spot")
    phone.get_by_test_id("choice-7").click()
    expect(phone.get_by_test_id("counted")).to_be_visible()
    close_and_publish(console)

    # Kept as a draft: it joins the console's list and opens from there.
    form.locator("summary").click()
    console.get_by_label("Question", exact=True).fill("Shall we sit late tonight?")
    console.get_by_label("Options, one a line (2 to 10)").fill("Yes\nNo")
    console.get_by_label("Open it now").uncheck()
    console.get_by_role("button", name="Create the live poll").click()
    draft = console.locator("#live-polls li").filter(has_text="Shall we sit late tonight?")
    expect(draft.get_by_test_id("live-status")).to_have_text("Draft")
    draft.get_by_role("button", name="Open").click()
    expect(phone.get_by_test_id("poll")).to_contain_text("Shall we sit late tonight?")
    expect(draft.get_by_test_id("live-status")).to_have_text("Open")

    made = db(live_polls_made)
    scale = ("How confident are you in the new contract?", "published", "Not at all confident", "Completely confident")
    assert scale in made
    assert described(findings) == "", described(findings)


def test_the_secretariat_makes_a_live_poll_from_the_desk(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str
) -> None:
    phone = join(browser.new_context(**PHONE), app_server, demo["codes"][0])
    desk = secretariat_desk(browser.new_context(**WIDE), app_server, "live-polls/")
    desk.get_by_label("Question", exact=True).fill("Which day suits the next meeting?")
    desk.get_by_label("A scale from 1 to N").check()
    desk.get_by_label("What 1 means").fill("Monday")
    desk.get_by_label("From 1 to (2 to 10)").fill("12")
    desk.get_by_role("button", name="Create the live poll").click()
    expect(desk.get_by_test_id("live-error")).to_have_text("A scale runs from 1 to between 2 and 10.")
    expect(desk.get_by_label("Question", exact=True)).to_have_value("Which day suits the next meeting?")
    expect(desk.get_by_label("What 1 means")).to_have_value("Monday")
    found = {"desk-live-polls-error": axe(desk, axe_js, "desk-live-polls-error")}
    desk.get_by_label("A scale from 1 to N").check()
    desk.get_by_label("From 1 to (2 to 10)").fill("5")
    desk.get_by_label("What the top means").fill("Friday")
    desk.get_by_role("button", name="Create the live poll").click()
    expect(desk.locator(".desk-messages")).to_contain_text("Live poll made and opened")
    expect(desk.locator("#live-poll-list")).to_contain_text("1 = Monday, 5 = Friday")
    screenshot(desk, "desk-live-polls", docs=True)
    found["desk-live-polls"] = axe(desk, axe_js, "desk-live-polls")
    expect(phone.get_by_test_id("scale-ends")).to_contain_text("1 = Monday")
    expect(phone.get_by_test_id("scale-ends")).to_contain_text("5 = Friday")
    assert described(found) == "", described(found)


def test_the_phone_shows_its_place_in_the_speaker_queue_then_the_floor(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str
) -> None:
    phones = [join(browser.new_context(**PHONE), app_server, code) for code in demo["codes"][:3]]
    console = chair_console(browser.new_context(**WIDE), app_server, demo["chair"])
    console.get_by_test_id("motion-2").get_by_role("button", name="Call").click()
    for phone, side in zip(phones, ("for", "against", "for"), strict=True):
        speak = phone.get_by_test_id("speak")
        speak.get_by_role("button", name=f"Ask to speak: {side}").click()
        expect(speak.get_by_test_id("queue-place")).to_contain_text("to speak")
    last = phones[2].get_by_test_id("queue-place")
    expect(last).to_have_text("You are 3rd to speak.")
    expect(phones[0].get_by_test_id("queue-place")).to_have_text("You are 1st to speak: you are next.")
    phones[2].get_by_test_id("speak").evaluate("el => el.scrollIntoView({block: 'center'})")
    screenshot(phones[2], "phone-queue-place", docs=True)
    found = {"phone-queue-place": axe(phones[2], axe_js, "phone-queue-place")}

    # The first withdraws, the second is called: the third moves up each time.
    phones[0].get_by_role("button", name="Withdraw my request").click()
    expect(last).to_have_text("You are 2nd to speak.")
    expect(phones[0].get_by_role("button", name="Ask to speak: for")).to_be_visible()
    console.get_by_test_id("queue").get_by_role("button", name="Speak", exact=True).first.click()
    expect(phones[1].get_by_test_id("you-have-the-floor").first).to_be_visible()
    expect(last).to_have_text("You are 1st to speak: you are next.")
    console.get_by_test_id("queue").get_by_role("button", name="Speak", exact=True).first.click()
    floor = phones[2].get_by_test_id("speak").get_by_test_id("you-have-the-floor")
    expect(floor).to_contain_text("You have the floor")
    expect(phones[2].locator("#my-speech-timer")).to_have_text(re.compile(r"^\d+:\d\d left$"))
    expect(phones[1].get_by_test_id("speak").get_by_test_id("you-have-the-floor")).to_have_count(0)
    phones[2].get_by_test_id("speak").evaluate("el => el.scrollIntoView({block: 'center'})")
    screenshot(phones[2], "phone-speaking-you-have-the-floor", docs=True)
    found["phone-speaking"] = axe(phones[2], axe_js, "phone-speaking")
    assert described(found) == "", described(found)
