"""The election's count on the projector (issue 15): the agenda committee's 9 candidates over
8 stages fit 1920x1080 and 1280x720 with no row or column running off, asserted from element
boxes; a longer count (20 candidates) still fits, in pages of stages, at a legible size."""

from __future__ import annotations

import random
import uuid
from typing import Any

from playwright.sync_api import expect

from .support import PROJECTOR, SLUG, chair_console, close_and_publish, db, projector, screenshot
from .test_hall import assert_in_view

VIEWPORTS = (PROJECTOR["viewport"], {"width": 1280, "height": 720})


def _rankings(election: dict[str, Any], voters: int, stages: int) -> list[tuple[int, ...]]:
    """Seeded ballots whose count has exactly ``stages`` stages (found by trying seeds in turn)."""
    from elections.count import Ballots, count

    names = len(election["names"])
    for seed in range(2000):
        rng = random.Random(seed)
        weights = [rng.paretovariate(1.2) for _ in range(names)]
        votes = []
        for _ in range(voters):
            pool, ranking = list(range(names)), []
            for _ in range(rng.randint(1, 5)):
                pick = rng.choices(pool, [weights[c] for c in pool])[0]
                ranking.append(pick)
                pool.remove(pick)
            votes.append(tuple(ranking))
        ballots = Ballots(candidates=election["names"], seats=election["seats"], votes=[(1, v) for v in votes])
        if len(count(ballots, "scottish", constraints=election["constraints"], seed=0).stages) == stages:
            return votes
    raise AssertionError(f"no seed gives {stages} stages")


def _election(title: str, candidates: int = 0, seats: int = 0) -> dict[str, Any]:
    from conference.models import Conference
    from elections.actions import constraints_of, create_election, save_candidate
    from elections.models import Election

    conference = Conference.objects.get(slug=SLUG)
    if candidates:
        election = create_election(conference, title, seats)
        for i in range(candidates):
            save_candidate(election, f"Dr Candidate {i + 1:02d} of a long count")
    election = Election.objects.get(conference=conference, title=title)
    cands = list(election.candidates.all())
    return {
        "poll": election.poll_id,
        "keys": [c.key for c in cands],
        "names": [c.name for c in cands],
        "seats": election.seats,
        "constraints": constraints_of(election, cands),
    }


def _vote(poll: int, keys: list[str], rankings: list[tuple[int, ...]]) -> None:
    from conference.models import Conference
    from tests.factories import make_rep
    from voting.actions import cast_vote

    conference = Conference.objects.get(slug=SLUG)
    for ranking in rankings:
        outcome = cast_vote(make_rep(conference), poll, tuple(keys[i] for i in ranking), uuid.uuid4())
        assert outcome.receipt, outcome


def _count_on_screen(browser: Any, app_server: str, demo: dict[str, Any], election: dict[str, Any], votes: Any) -> Any:
    console = chair_console(browser.new_context(viewport={"width": 1280, "height": 800}), app_server, demo["chair"])
    screen = projector(browser.new_context(**PROJECTOR), app_server)
    console.locator(f'#live-polls li[data-poll="{election["poll"]}"] button[data-action="open-poll"]').click()
    expect(console.get_by_test_id("turnout")).to_be_visible()
    db(_vote, election["poll"], election["keys"], votes)
    close_and_publish(console)
    expect(screen.locator("#result table.stages")).to_be_visible()
    return screen


def _fits(screen: Any, name: str, stages_shown: int, *, docs: bool = False) -> None:
    for viewport in VIEWPORTS:
        screen.set_viewport_size(viewport)
        screenshot(
            screen,
            f"projector-{name}-{viewport['width']}x{viewport['height']}",
            docs=docs and viewport["width"] == 1920,
        )
        table = "#result table.stages"
        expect(screen.locator(f"{table} thead th[scope=col]")).to_have_count(stages_shown + 1)
        for selector in (
            "#result [data-testid=elected]",
            f"{table} thead th:last-child",  # the last stage's column
            f"{table} tbody tr:last-child th",  # the last candidate's row
            f"{table} tbody tr:last-child td:last-child",
            f"{table} tfoot tr:last-child td:last-child",  # the quota under the last stage
        ):
            assert_in_view(screen, selector)
        size = screen.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('#result table.stages td')).fontSize)"
        )
        assert size >= viewport["height"] / 60, f"the count's figures are {size}px high at {viewport}: illegible"
    screen.set_viewport_size(PROJECTOR["viewport"])


def test_nine_candidates_over_eight_stages_fit_the_projector(
    browser: Any, app_server: str, demo: dict[str, Any]
) -> None:
    election = db(_election, "Agenda committee")
    votes = _rankings(election, 60, 8)
    screen = _count_on_screen(browser, app_server, demo, election, votes)
    expect(screen.locator("#result table.stages tbody tr")).to_have_count(9)
    _fits(screen, "election-9x8", 8, docs=True)


def test_a_longer_count_is_paged_legibly_on_the_projector(browser: Any, app_server: str, demo: dict[str, Any]) -> None:
    election = db(_election, "Representatives to the GPC", candidates=20, seats=3)
    votes = _rankings(election, 80, 17)
    screen = _count_on_screen(browser, app_server, demo, election, votes)
    expect(screen.locator("#result table.stages tbody tr")).to_have_count(20)
    caption = screen.get_by_test_id("stages-caption")
    expect(caption).to_contain_text("stages 1 to 6 of 17 (page 1 of 3")
    _fits(screen, "election-20x17-page1", 6, docs=True)
    table = screen.locator("#result table.stages")
    expect(table).to_have_attribute("data-page", "2", timeout=20_000)  # the page turns on its own
    expect(caption).to_contain_text("stages 7 to 12 of 17 (page 2 of 3")
    _fits(screen, "election-20x17-page2", 6)
    expect(table).to_have_attribute("data-page", "3", timeout=20_000)
    _fits(screen, "election-20x17-page3", 5)
