"""The hall as its people see it (issue 14): the chair's vote controls stay in view whatever
the agenda's length, at 1280x800 and 1440x900; turnout says what it is of; a result does not
linger once the next item is called; the projector's holding slide (how to join, a QR code,
what comes next) and its results with ten options or a 1-10 scale fit 1920x1080 and 1280x720;
the phone labels a live poll as one and shows a scale's ends; the A/AR block is previewed;
a request to debate one names who asked; asking to speak is its own section."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .support import (
    PHONE,
    PROJECTOR,
    SLUG,
    axe,
    chair_console,
    close_and_publish,
    db,
    described,
    join,
    projector,
    screenshot,
)

TEN = [f"Option {i} for the partnership-model review" for i in range(1, 11)]


def long_agenda(extra: int = 60) -> None:
    """Sixty more motions, so the agenda runs far below any screen."""
    from conference.models import Conference
    from motions.models import Motion, Section

    conference = Conference.objects.get(slug=SLUG)
    section = Section.objects.create(conference=conference, title="Any other business", order=99, minutes=30)
    first = conference.motions.order_by("-number").values_list("number", flat=True).first() + 1
    Motion.objects.bulk_create(
        Motion(
            conference=conference,
            section=section,
            number=first + i,
            order=i,
            title=f"Further motion {i + 1}",
            text="That conference notes a further matter.",
            category=Motion.Category.PRIORITISED,
        )
        for i in range(extra)
    )


def live_polls() -> dict[str, int]:
    from conference.models import Conference
    from voting.put import create_live_poll

    conference = Conference.objects.get(slug=SLUG)
    ten = create_live_poll(conference, "Which element of the review matters most?", options=TEN)
    scale = create_live_poll(
        conference,
        "How confident are you in the partnership model?",
        scale_max=10,
        scale_labels=("Not at all confident", "Completely confident"),
    )
    return {"ten": ten.pk, "scale": scale.pk}


def box(page: Any, selector: str) -> dict[str, float]:
    """The element's box. The screens re-render from each event (a late turnout tick after
    the close, say), and an element replaced between finding it and measuring it has no box:
    wait for the one that is there now, a few times, rather than measure a detached node."""
    found = None
    for _ in range(5):
        element = page.locator(selector).first
        element.wait_for(state="visible", timeout=5000)
        found = element.bounding_box()
        if found is not None:
            break
        page.wait_for_timeout(100)
    assert found is not None, f"{selector} is not rendered"
    return found


def assert_in_view(page: Any, selector: str) -> None:
    b, size = box(page, selector), page.viewport_size
    assert b["y"] >= 0 and b["y"] + b["height"] <= size["height"], (
        f"{selector} is out of view vertically: {b} in {size}"
    )
    assert b["x"] >= 0 and b["x"] + b["width"] <= size["width"], f"{selector} is out of view sideways: {b} in {size}"


def to_the_bottom(page: Any) -> None:
    page.locator("li.motion").last.scroll_into_view_if_needed()
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")


def test_the_chair_keeps_the_vote_in_view_whatever_the_agenda(
    browser: Any, app_server: str, demo: dict[str, Any]
) -> None:
    db(long_agenda)
    phone = join(browser.new_context(**PHONE), app_server, demo["codes"][0])
    for (width, height), number in (((1280, 800), 2), ((1440, 900), 3)):
        console = chair_console(
            browser.new_context(viewport={"width": width, "height": height}), app_server, demo["chair"]
        )
        row = console.get_by_test_id(f"motion-{number}")
        row.get_by_role("button", name="Call").click()
        expect(console.get_by_test_id("item")).to_contain_text(f"motion {number}")
        console.get_by_label("Countdown (seconds, optional)").fill("600")
        row.get_by_role("button", name="Put to the vote").click()
        phone.get_by_test_id("choice-for").click()
        expect(phone.get_by_test_id("counted")).to_be_visible()
        turnout = console.get_by_test_id("turnout")
        expect(turnout).to_have_attribute("data-voted", "1")
        expect(turnout).to_have_text(re.compile(r"^1 of \d+ present( \(\d+ registered\))? have voted$"))
        to_the_bottom(console)
        for selector in ("#poll-question", "#turnout", "#countdown", "#close-vote"):
            assert_in_view(console, selector)
        screenshot(console, f"console-{width}x{height}-vote-open", docs=width == 1280)
        console.get_by_role("button", name="Close vote").click()
        expect(console.get_by_test_id("publish")).to_be_enabled()
        to_the_bottom(console)
        assert_in_view(console, "#publish")
        assert_in_view(console, "#result")
        screenshot(console, f"console-{width}x{height}-declared")
        console.get_by_test_id("publish").click()
        expect(console.get_by_test_id("declared")).to_contain_text("Result (published)")
        # The next item is called: the last result does not linger on the console or the phone.
        console.get_by_test_id(f"motion-{number + 2}").get_by_role("button", name="Call").click()
        expect(console.get_by_test_id("declared")).to_be_hidden()
        expect(phone.get_by_test_id("no-poll")).to_be_visible()
        console.context.close()


def test_the_projector_holds_then_fits_ten_options_and_a_scale(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str
) -> None:
    ids = db(live_polls)
    screen = projector(browser.new_context(**PROJECTOR), app_server)
    holding = screen.get_by_test_id("holding")
    expect(holding).to_be_visible()
    expect(screen.get_by_test_id("join-address")).to_have_text(re.compile(rf"^https?://.+/c/{SLUG}/$"))
    expect(holding.locator("svg")).to_be_visible()
    expect(screen.get_by_test_id("coming-next")).to_contain_text("Motion 1")
    expect(screen.locator("h1")).to_have_count(1)
    assert_in_view(screen, ".holding-qr")
    screenshot(screen, "projector-holding", docs=True)
    found = axe(screen, axe_js, "projector-holding")
    assert not found["wcag"], described({"projector-holding": found})

    console = chair_console(browser.new_context(viewport={"width": 1280, "height": 800}), app_server, demo["chair"])
    phones = [join(browser.new_context(**PHONE), app_server, code) for code in demo["codes"]]
    for name, picks in (("ten", ["o1", "o4", "o10"]), ("scale", ["3", "7", "10"])):
        console.locator(f'#live-polls li[data-poll="{ids[name]}"] button[data-action="open-poll"]').click()
        first = phones[0]
        expect(first.get_by_test_id("poll")).to_contain_text("Live poll")
        expect(first.get_by_test_id("poll")).not_to_contain_text("Vote open")
        expect(first.get_by_test_id("poll")).not_to_contain_text("Secret ballot")
        if name == "scale":
            expect(first.get_by_test_id("scale-ends")).to_contain_text("1 = Not at all confident")
            expect(first.get_by_test_id("scale-ends")).to_contain_text("10 = Completely confident")
            expect(screen.get_by_test_id("scale-ends")).to_contain_text("Completely confident")
        screenshot(first, f"phone-live-{name}", docs=name == "scale")
        for phone, pick in zip(phones, picks, strict=True):
            phone.get_by_test_id(f"choice-{pick}").click()
            expect(phone.get_by_test_id("counted")).to_be_visible()
        close_and_publish(console)
        result = screen.locator("#result")
        expect(result).to_be_visible()
        expect(result.locator(".bars li")).to_have_count(10)
        if name == "scale":
            expect(screen.get_by_test_id("scale-summary")).to_contain_text("Mean 6.67")
            expect(screen.get_by_test_id("scale-summary")).to_contain_text("Median 7")
        for viewport in (PROJECTOR["viewport"], {"width": 1280, "height": 720}):
            screen.set_viewport_size(viewport)
            for selector in ("#result", "#result .bars li:last-child", "#result .base"):
                assert_in_view(screen, selector)
            screenshot(
                screen, f"projector-{name}-{viewport['width']}x{viewport['height']}", docs=viewport["width"] == 1920
            )
        screen.set_viewport_size(PROJECTOR["viewport"])


def test_the_block_is_previewed_and_a_debate_request_names_who_asked(
    browser: Any, app_server: str, demo: dict[str, Any]
) -> None:
    phone = join(browser.new_context(**PHONE), app_server, demo["codes"][0])
    me = phone.locator("#me").inner_text()
    console = chair_console(browser.new_context(viewport={"width": 1280, "height": 800}), app_server, demo["chair"])
    asked: list[str] = []
    console.on("dialog", lambda dialog: asked.append(dialog.message))
    console.get_by_test_id("motion-1").get_by_role("button", name="Call").click()
    # Asking to speak is not voting: its own section, in words.
    speak = phone.get_by_test_id("speak")
    expect(speak).to_contain_text("Ask to speak on motion 1")
    speak.get_by_role("button", name="Ask to speak: against").click()
    expect(speak.get_by_test_id("in-queue")).to_be_visible()
    console.get_by_test_id("queue").get_by_role("button", name="Speak", exact=True).click()
    expect(phone.get_by_test_id("you-have-the-floor")).to_be_visible()
    screenshot(phone, "phone-you-have-the-floor")
    # The phone lists the parts once, by their own labels.
    parts = phone.get_by_test_id("item").locator(".parts")
    assert parts.evaluate("el => el.tagName") == "UL"
    expect(parts.locator("li").first).to_have_text(re.compile(r"^\(i\) "))

    ask = phone.get_by_role("button", name="Ask to debate").first
    ask.click()
    notice = console.get_by_test_id("notice").first
    name, lmc = me.split(" · ")
    expect(notice).to_contain_text(f"{name} ({lmc}) asks to debate motion")
    requested = console.get_by_test_id("debate-requested").first
    expect(requested).to_contain_text(f"by {name}, {lmc}")
    screenshot(console, "console-debate-requested")
    requested.get_by_role("button", name="Return it to the block").click()
    expect(console.get_by_test_id("debate-requested")).to_have_count(0)

    console.get_by_role("button", name="Take the A/AR block").first.click()
    expect(phone.get_by_test_id("words")).to_contain_text("Taken together, without debate")
    preview = [m for m in asked if "without debate" in m]
    assert preview and re.search(r"\n\d+\. ", preview[0]), asked
    for line in preview[0].split("\n")[2:]:
        expect(phone.get_by_test_id("words")).to_contain_text(line.split(". ", 1)[1])
    screenshot(phone, "phone-block")


def test_a_wrong_code_stays_to_be_corrected(browser: Any, app_server: str, demo: dict[str, Any]) -> None:
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{app_server}/c/{SLUG}/")
    typo = demo["codes"][0][:-1] + ("A" if demo["codes"][0][-1] != "A" else "B")
    page.get_by_label("Your voting code").fill(typo)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_test_id("join-error")).to_be_visible()
    expect(page.get_by_label("Your voting code")).to_have_value(typo)
