"""What the browser tests share: where things are, the database from a thread, and the
few steps each person takes (a representative joins, the chair signs in and runs a vote)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from conference.settings import env_bool

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(os.environ.get("AXE_CORE_JS") or ROOT / ".cache/axe/node_modules/axe-core/axe.min.js")
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS") or ROOT / "test-artifacts")
DOCS_SHOTS = ROOT / "docs" / "screenshots"
SLUG = "england-2026"  # the demo conference (manage.py load_demo)
MOTION = 2  # a demo motion without parts: one vote decides it
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WIDE = {"viewport": {"width": 1280, "height": 800}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}
T = TypeVar("T")


def in_ci() -> bool:
    return env_bool("CI", False)


def missing(what: str) -> None:
    """Skip on a developer's machine; fail in CI, which must never pass by running no browser."""
    if in_ci():
        pytest.fail(f"{what} (CI is set: the browser tests must run)", pytrace=False)
    pytest.skip(what)


def db(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run database work in a thread of its own: in this one Playwright's loop counts as running."""
    from django.db import connections

    def call() -> T:
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call).result()


def screenshot(page: Any, name: str, *, docs: bool = False) -> Path:
    """Save a screenshot as a test artefact; with DOCS_SCREENSHOTS=1 refresh docs/screenshots too."""
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    if docs and os.environ.get("DOCS_SCREENSHOTS"):
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SHOTS / path.name)
    return path


def write_artifact(name: str, data: Any) -> Path:
    path = ARTIFACTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    return path


# --- the people --------------------------------------------------------------------------


def online(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "online")


def join(context: Any, base: str, code: str) -> Any:
    """A representative types the code from the card on the join page."""
    page = context.new_page()
    page.goto(f"{base}/c/{SLUG}/")
    page.get_by_label("Your voting code").fill(code)
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(f"**/c/{SLUG}/vote/")
    online(page)
    return page


def chair_console(context: Any, base: str, login: dict[str, str]) -> Any:
    """The chair signs in and opens the console; every confirmation is answered yes."""
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/login/?next=/c/{SLUG}/console/")
    page.get_by_label("Username").fill(login["username"])
    page.get_by_label("Password").fill(login["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/c/{SLUG}/console/")
    online(page)
    return page


def projector(context: Any, base: str) -> Any:
    page = context.new_page()
    page.goto(f"{base}/c/{SLUG}/screen/")
    online(page)
    return page


def put_to_the_vote(console: Any, number: int = MOTION) -> None:
    from playwright.sync_api import expect

    motion = console.get_by_test_id(f"motion-{number}")
    motion.get_by_role("button", name="Call").click()
    expect(console.get_by_test_id("item")).to_contain_text(f"motion {number}")
    motion.get_by_role("button", name="Put to the vote").click()
    expect(console.get_by_test_id("turnout")).to_be_visible()


def turnout(page: Any) -> Any:
    return page.get_by_test_id("turnout")


def close_and_publish(console: Any) -> None:
    from playwright.sync_api import expect

    console.get_by_role("button", name="Close vote").click()
    publish = console.get_by_role("button", name="Publish")
    expect(publish).to_be_enabled()
    publish.click()
    expect(console.get_by_test_id("declared")).to_contain_text("Result (published)")


def stored(number: int = MOTION) -> dict[str, int]:
    """What the database holds for the latest vote on a demo motion: its ballots and who voted."""
    from voting.models import Ballot, Participation, Poll

    poll = Poll.objects.filter(conference__slug=SLUG, motion__number=number).latest("pk")
    return {
        "ballots": Ballot.objects.filter(poll=poll).count(),
        "participations": Participation.objects.filter(poll=poll).count(),
    }


# --- accessibility ------------------------------------------------------------------------

# WCAG 2.0, 2.1 and 2.2, levels A and AA: what the issue asks of every page.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe(page: Any, axe_js: str, name: str) -> dict[str, list[dict[str, Any]]]:
    """Run axe-core in the page (evaluated through the devtools protocol, so the page's CSP
    stays as it is) and return its findings: WCAG A/AA violations and best-practice ones."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_js)
    raw = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags},
                                       resultTypes: ["violations", "incomplete"]})""",
        [*WCAG_TAGS, "best-practice"],
    )
    assert len(raw["passes"]) > 10, f"axe-core checked almost nothing on {page.url}"
    found: dict[str, list[dict[str, Any]]] = {
        "wcag": [],
        "best_practice": [],
        "needs_review": [],
        "passed": [{"id": r["id"]} for r in raw["passes"]],
    }
    for r in raw["incomplete"]:  # what axe could not decide alone (contrast over an image, ...)
        found["needs_review"].append(
            {
                "id": r["id"],
                "help": r["help"],
                "count": len(r["nodes"]),
                "nodes": [{"target": n["target"], "summary": n["failureSummary"]} for n in r["nodes"][:10]],
            }
        )
    for v in raw["violations"]:
        entry = {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "tags": v["tags"],
            "nodes": [
                {"target": n["target"], "html": n["html"][:200], "summary": n["failureSummary"]} for n in v["nodes"]
            ],
        }
        found["wcag" if set(v["tags"]) & set(WCAG_TAGS) else "best_practice"].append(entry)
    write_artifact(f"axe/{name}.json", {"url": page.url, **found})
    return found


def described(findings: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for page, found in findings.items():
        for v in found["wcag"]:
            targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            lines.append(f"{page}: {v['id']} ({v['impact']}): {v['help']} [{targets}]")
    return "\n".join(lines)
