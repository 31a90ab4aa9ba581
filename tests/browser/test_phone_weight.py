"""The phone page's first load, as a representative's phone fetches it over the hall's
Wi-Fi: the HTML, scripts and styles, compressed as the server sends them, stay under
100 KB, and everything comes from this server (no CDN)."""

from __future__ import annotations

import gzip
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import expect

from .support import PHONE, SLUG, join, write_artifact

BUDGET = 100 * 1024


def test_the_phone_page_first_load_is_under_100_kb_from_this_server_only(
    browser: Any, app_server: str, demo: dict[str, Any]
) -> None:
    signed_in = browser.new_context(**PHONE)
    join(signed_in, app_server, demo["codes"][0])
    # A new context has an empty cache: the session cookie only, as on a phone's first visit.
    context = browser.new_context(**PHONE, storage_state=signed_in.storage_state())
    page = context.new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{app_server}/c/{SLUG}/vote/", wait_until="load")
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "online")

    rows = []
    for r in responses:
        sizes = r.request.sizes()
        body = r.body()
        rows.append(
            {
                "url": r.url,
                "type": r.request.resource_type,
                "status": r.status,
                "encoding": r.headers.get("content-encoding", "identity"),
                "transferred": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                "body_transferred": sizes["responseBodySize"],
                "raw": len(body),
                "gzip": len(gzip.compress(body, 9)),
            }
        )
    total = {k: sum(row[k] for row in rows) for k in ("transferred", "body_transferred", "raw", "gzip")}
    write_artifact("phone-first-load.json", {"total": total, "budget": BUDGET, "responses": rows})
    print(
        f"phone first load: {len(rows)} responses, {total['raw']} bytes raw, {total['transferred']} transferred "
        f"(bodies {total['body_transferred']}), {total['gzip']} if every body were gzipped"
    )

    # The page, its scripts and styles, and the tab's icon (Chromium files a favicon as "other").
    assert {row["type"] for row in rows} <= {"document", "script", "stylesheet", "other"}, rows
    assert all("/static/voting/icon." in row["url"] for row in rows if row["type"] == "other"), rows
    assert all(urlsplit(row["url"]).netloc == urlsplit(app_server).netloc for row in rows), rows
    assert all(row["status"] == 200 for row in rows), rows
    assert all(row["encoding"] == "gzip" for row in rows if row["type"] != "document"), rows
    assert total["transferred"] < BUDGET, total
