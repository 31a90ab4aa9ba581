"""The console sends every field the protocol declares for the chair's procedures
(docs/protocol.md): an amendment to one part, a procedural motion with who moved it and
what it is about (the ruling challenged), parts taken together ((i) and (iii), then (ii)),
and an emergency motion admitted late (title, wording, parts, proposing LMC) that joins the
agenda as E1 and is called like any other. Screenshots at 1280x800; axe-core on each state."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .support import PHONE, WIDE, axe, chair_console, close_and_publish, db, described, join, screenshot

MOTION_IN_PARTS = 1  # the demo's motion 1 has parts (i), (ii) and (iii)


def _everyone_votes_for(phones: list[Any]) -> None:
    for phone in phones:
        phone.get_by_test_id("choice-for").click()
        expect(phone.get_by_test_id("counted")).to_be_visible()


def _stored() -> dict[str, Any]:
    from motions.models import Motion

    motion = Motion.objects.get(conference__slug="england-2026", number=MOTION_IN_PARTS, emergency=False)
    emergency = Motion.objects.get(conference__slug="england-2026", emergency=True)
    return {
        "amendment_part": [a.part.label if a.part else None for a in motion.amendments.all()],
        "procedural": [(p.kind, p.subject, p.moved_by is not None) for p in motion.procedural_motions.all()],
        "parts": [(p.label, p.outcome) for p in motion.parts.all()],
        "together": sorted(
            sorted(p.label for p in poll.parts.all()) for poll in motion.polls.all() if poll.parts.count() > 1
        ),
        "emergency": (
            emergency.reference,
            emergency.title,
            emergency.proposer.name if emergency.proposer else "",
            [p.text for p in emergency.parts.all()],
        ),
    }


def test_the_console_sends_part_amendments_procedural_subjects_parts_together_and_emergency_motions(
    browser: Any, app_server: str, demo: dict[str, Any], axe_js: str
) -> None:
    findings: dict[str, dict[str, list[dict[str, Any]]]] = {}
    phones = [join(browser.new_context(**PHONE), app_server, code) for code in demo["codes"]]
    console = chair_console(browser.new_context(**WIDE), app_server, demo["chair"])
    row = console.get_by_test_id(f"motion-{MOTION_IN_PARTS}")
    row.get_by_role("button", name="Call").click()
    expect(console.get_by_test_id("item")).to_contain_text(f"motion {MOTION_IN_PARTS}")

    # A representative asks to speak: the procedural motion can name them as its mover.
    phones[0].get_by_role("button", name="Ask to speak: for").click()
    queue = console.get_by_test_id("queue")
    expect(queue).to_be_visible()
    speaker = queue.locator("strong").first.inner_text()

    # A challenge to the chair's ruling needs the ruling: refused in the form without it.
    procedure = console.get_by_test_id("procedure")
    challenge = procedure.get_by_role("button", name="That the chair's ruling be challenged")
    challenge.click()
    subject = console.get_by_label("The ruling challenged, or the standing order to suspend")
    assert subject.evaluate("el => el.validationMessage") == "Say which ruling of the chair is challenged."
    expect(console.get_by_test_id("poll")).to_have_attribute("data-open", "false")
    subject.fill("The chair ruled the amendment to part (ii) out of order")
    mover = console.get_by_label("Moved by")
    mover.select_option(index=1)  # the one waiting to speak
    assert speaker in mover.locator("option:checked").inner_text()
    screenshot(console, "console-procedural-subject")
    findings["console-procedural-form"] = axe(console, axe_js, "console-procedural-form")
    challenge.click()
    expect(console.get_by_test_id("turnout")).to_be_visible()
    expect(phones[1].get_by_test_id("words")).to_contain_text("The chair ruled the amendment to part (ii) out of order")
    screenshot(phones[1], "phone-challenge-subject")
    _everyone_votes_for(phones[1:])
    close_and_publish(console)

    # An amendment to part (ii) only: the form offers that part's wording to edit.
    console.get_by_text("Propose an amendment or rider").click()
    console.get_by_label("It amends").select_option(label="Part (ii)")
    wording = console.get_by_label("An amendment: edit the motion's wording to read as amended")
    part_ii = wording.input_value()
    assert part_ii and "\n" not in part_ii and not part_ii.startswith("That conference"), part_ii
    wording.fill(part_ii.rstrip(".;") + " within two years")
    console.get_by_label("Proposing LMC").select_option(index=1)
    screenshot(console, "console-amend-part")
    findings["console-amend-part"] = axe(console, axe_js, "console-amend-part")
    console.get_by_role("button", name="Add", exact=True).click()
    expect(procedure).to_contain_text("Amendment to part (ii)")
    procedure.get_by_role("button", name="Put", exact=True).click()
    expect(phones[0].get_by_test_id("words")).to_contain_text("Part (ii) if it is carried")
    _everyone_votes_for(phones)
    close_and_publish(console)

    # Parts (i) and (iii) together, then (ii) as amended.
    parts = row.locator("li[data-part]")
    row.get_by_label("Together (i)").check()
    row.get_by_label("Together (iii)").check()
    screenshot(console, "console-parts-together")
    findings["console-parts-together"] = axe(console, axe_js, "console-parts-together")
    row.get_by_role("button", name="Put the ticked parts together").click()
    expect(console.locator("#poll-question")).to_contain_text("parts (i) and (iii) together")
    expect(phones[0].locator("#poll-question")).to_contain_text("parts (i) and (iii) together")
    _everyone_votes_for(phones)
    close_and_publish(console)
    expect(parts.nth(0)).to_have_attribute("data-outcome", "carried")
    expect(parts.nth(2)).to_have_attribute("data-outcome", "carried")
    expect(parts.nth(1)).to_have_attribute("data-outcome", "")
    row.get_by_role("button", name="Put part (ii)").click()
    expect(console.locator("#poll-question")).to_contain_text("part (ii) as amended")
    _everyone_votes_for(phones)
    close_and_publish(console)
    expect(parts.nth(1)).to_have_attribute("data-outcome", "carried")

    # An emergency motion, admitted late: E1, in its own section, called like any other.
    console.get_by_text("Admit an emergency motion").click()
    console.get_by_label("Title", exact=True).fill("Flooded practices")
    console.get_by_label("Wording", exact=True).fill(
        "That conference calls for emergency support for practices hit by flooding:"
    )
    console.get_by_label("Parts, one a line (optional)").fill("premises costs met in full\nlocum cover funded")
    console.get_by_label("LMC proposing it").select_option(label="Avon LMC")
    screenshot(console, "console-emergency-form")
    findings["console-emergency-form"] = axe(console, axe_js, "console-emergency-form")
    console.get_by_role("button", name="Admit it").click()
    expect(console.get_by_test_id("messages")).to_contain_text("Emergency motion E1 admitted")
    emergency = console.get_by_test_id("motion-E1")
    expect(emergency).to_contain_text("Flooded practices")
    expect(emergency.locator(".num")).to_have_text("E1")
    emergency.get_by_role("button", name="Call").click()
    expect(console.get_by_test_id("item")).to_contain_text("Under debate: motion E1")
    expect(phones[0].locator("#item-heading")).to_have_text("Motion E1")
    emergency.scroll_into_view_if_needed()
    screenshot(console, "console-emergency-called")
    findings["console-emergency-called"] = axe(console, axe_js, "console-emergency-called")

    # A vote closed with nobody voting warns the chair, and publishing it asks first.
    asked: list[str] = []
    console.on("dialog", lambda dialog: asked.append(dialog.message))
    emergency.get_by_role("button", name="Put to the vote").click()
    expect(console.get_by_test_id("turnout")).to_be_visible()
    console.get_by_role("button", name="Close vote").click()
    expect(console.get_by_test_id("messages")).to_contain_text("Vote closed with no ballots cast")
    expect(console.get_by_test_id("no-ballots")).to_be_visible()
    screenshot(console, "console-no-ballots")
    console.get_by_role("button", name="Publish").click()
    expect(console.get_by_test_id("declared")).to_contain_text("Result (published)")
    assert "Nobody voted in this vote. Publish its result anyway?" in asked, asked

    stored = db(_stored)
    assert stored["amendment_part"] == ["ii"]
    assert stored["procedural"] == [("challenge", "The chair ruled the amendment to part (ii) out of order", True)]
    assert stored["together"] == [["i", "iii"]]
    assert stored["parts"] == [("i", "carried"), ("ii", "carried"), ("iii", "carried")]
    assert stored["emergency"] == (
        "E1",
        "Flooded practices",
        "Avon LMC",
        ["premises costs met in full", "locum cover funded"],
    )
    assert not any(found["wcag"] for found in findings.values()), "axe-core found WCAG A/AA violations:\n" + described(
        findings
    )
