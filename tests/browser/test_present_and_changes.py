"""Issue 14, in the browser: the console's turnout counts as present those checked in or
connected ("0 of 3 present (N registered)"), and the public motion page marks what each
amendment changes (insertions and deletions against the wording it was moved on)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import expect

from .support import PHONE, SLUG, WIDE, axe, chair_console, db, described, join, put_to_the_vote, screenshot


def the_roll(connected: int) -> tuple[int, int]:
    """(present, registered) as the issue defines them, with the phones of the first
    ``connected`` representatives (the demo fixture's codes, in the same order) connected."""
    from conference.models import Representative

    roll = Representative.objects.filter(
        conference__slug=SLUG, role=Representative.Role.REPRESENTATIVE, is_active=True
    ).order_by("pk")
    phones = [r.pk for r in roll[:connected]]
    present = roll.filter(checked_in=True).count() + roll.filter(checked_in=False, pk__in=phones).count()
    return present, roll.count()


def test_the_console_counts_the_connected_as_present(browser: Any, app_server: str, demo: dict[str, Any]) -> None:
    codes = demo["codes"][:3]
    phones = [join(browser.new_context(**PHONE), app_server, code) for code in codes]
    present, registered = db(the_roll, len(codes))
    console = chair_console(browser.new_context(**WIDE), app_server, demo["chair"])
    put_to_the_vote(console)
    turnout = console.get_by_test_id("turnout")
    expect(turnout).to_have_attribute("data-present", str(present))
    expect(turnout).to_have_attribute("data-registered", str(registered))
    phones[0].get_by_test_id("choice-for").click()
    expect(turnout).to_have_attribute("data-voted", "1")
    shown = f"1 of {present} present" + (f" ({registered} registered)" if registered != present else "")
    expect(turnout).to_have_text(f"{shown} have voted")
    screenshot(console, "console-turnout-present")
    # A phone that leaves is no longer present; the next count says so.
    phones[2].context.close()
    phones[1].get_by_test_id("choice-against").click()
    expect(turnout).to_have_attribute("data-voted", "2")
    expect(turnout).to_have_attribute("data-present", re.compile(rf"^({present}|{present - 1})$"))


def amend_and_decide() -> int:
    from conference.models import Representative
    from motions import procedure
    from motions.models import Motion
    from voting import actions, closing, put, results

    motion = Motion.objects.get(conference__slug=SLUG, number=2)
    chair = Representative.objects.filter(conference__slug=SLUG, role=Representative.Role.CHAIR).first()
    text = motion.text
    assert " clause " in text
    wording = text.replace(" clause ", " clause, within two years, ", 1).replace("tens of thousands of ", "", 1)
    amendment = procedure.propose_amendment(motion, "amendment", "", chair, new_wording=wording)
    poll = put.put_amendment(amendment, chair)
    for rep in Representative.objects.filter(conference__slug=SLUG, role="representative", is_active=True)[:3]:
        assert actions.cast_vote(rep, poll.pk, "for", uuid.uuid4()).ok
    closing.close_poll(poll.pk, chair)
    results.publish_result(poll, chair)
    return motion.number


def test_the_public_motion_page_marks_what_an_amendment_changes(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str
) -> None:
    from .support import db as in_thread

    number = in_thread(amend_and_decide)
    page = browser.new_context(**WIDE).new_page()
    page.goto(f"{app_server}/c/{SLUG}/results/motion/{number}/")
    change = page.get_by_test_id("amendment-diff")
    expect(change.locator("ins")).to_have_text(", within two years,")
    expect(change.locator("del")).to_have_text("tens of thousands of")
    change.evaluate("el => el.scrollIntoView({block: 'center'})")
    screenshot(page, "public-motion-amendment-diff", docs=True)
    found = {"public-motion-amendment-diff": axe(page, axe_js, "public-motion-amendment-diff")}
    assert described(found) == "", described(found)
