"""Security headers, and the pages work under the Content-Security-Policy: nothing inline
that the policy would block, in the templates (admin included) or the scripts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests.factories import issue_code, make_conference, make_motion, make_rep, make_staff
from voting import actions, closing, put, results

pytestmark = pytest.mark.django_db

STATIC_JS = sorted((Path(django_settings.BASE_DIR) / "voting" / "static" / "voting").glob("*.js"))


class InlineFinder(HTMLParser):
    """Collects what a strict CSP (no 'unsafe-inline') would block."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if "style" in names:
            self.blocked.append(f"style attribute on <{tag}>")
        self.blocked += [f"{name} handler on <{tag}>" for name in names if name.startswith("on")]
        if any((v or "").strip().lower().startswith("javascript:") for v in names.values()):
            self.blocked.append(f"javascript: URL on <{tag}>")
        if tag == "style":
            self.blocked.append("<style> element")
        if tag == "script" and not names.get("src") and names.get("type") != "application/json":
            self.blocked.append("inline <script>")


def blocked_by_csp(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.blocked


@pytest.fixture
def pages():
    conf = make_conference()
    chair = make_staff(conf)
    rep = make_rep(conf)
    motion = make_motion(conf, parts=["first", "second"])
    poll = actions.open_poll(put.create_motion_poll(motion), chair)
    closing.close_poll(poll.pk, chair)
    results.publish_result(poll, chair)
    actions.open_poll(put.create_motion_poll(make_motion(conf)), chair)
    return conf, chair, rep, poll


def test_every_page_has_a_strict_csp_and_nothing_inline_it_would_block(pages):
    conf, chair, rep, poll = pages
    public, phone, staff = Client(), Client(), Client()
    phone.get(reverse("join-link", args=[conf.slug, issue_code(rep)]))
    staff.force_login(chair.user)
    admin = Client()
    admin.force_login(type(chair.user).objects.create_superuser("root", password="x-not-used-1234"))
    urls = [
        (public, reverse("index")),
        (public, reverse("join", args=[conf.slug])),
        (public, reverse("staff-login")),
        (public, reverse("screen", args=[conf.slug])),
        (public, reverse("results", args=[conf.slug])),
        (public, reverse("poll-result", args=[conf.slug, poll.pk])),
        (phone, reverse("phone", args=[conf.slug])),
        (staff, reverse("console", args=[conf.slug])),
        (admin, "/admin/"),
        (admin, "/admin/conference/representative/"),
        (admin, f"/admin/conference/representative/{rep.pk}/change/"),
        (admin, "/admin/voting/poll/"),
    ]
    for client, url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe" not in csp and "frame-ancestors 'none'" in csp
        assert "ws://testserver" in csp and "wss://testserver" in csp
        assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"
        assert "camera=()" in response["Permissions-Policy"]
        assert response["Referrer-Policy"] == "same-origin"
        assert blocked_by_csp(response.content.decode()) == [], url


def test_the_join_error_page_and_a_wrong_code_page_are_covered_too(client, pages):
    conf, *_ = pages
    response = client.post(reverse("join", args=[conf.slug]), {"code": "WRONG"})
    assert response.status_code == 400 and "Content-Security-Policy" in response
    assert blocked_by_csp(response.content.decode()) == []


def test_the_finder_would_notice_inline_code():
    assert blocked_by_csp('<p style="color:red" onclick="x()"><script>alert(1)</script>') == [
        "style attribute on <p>",
        "onclick handler on <p>",
        "inline <script>",
    ]
    assert blocked_by_csp('<script type="application/json">{}</script><script src="/a.js"></script>') == []


@pytest.mark.parametrize("path", STATIC_JS, ids=lambda p: p.name)
def test_the_scripts_use_nothing_a_strict_csp_forbids(path):
    source = path.read_text()
    for forbidden in (
        r"\beval\(",
        r"new Function\(",
        r"setAttribute\(\s*['\"](style|on)",
        r"\.cssText",
        r"innerHTML\s*=.*(style=|on\w+=)",
        r"set(Timeout|Interval)\(\s*['\"]",
    ):
        assert not re.search(forbidden, source), f"{path.name}: {forbidden}"


def test_production_settings_make_cookies_secure_and_http_only():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_COOKIES", "REDIS_URL"}}
    env |= {
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "SECRET_KEY": "x" * 60,
        "DJANGO_SETTINGS_MODULE": "conference.settings",
    }
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['DEBUG','SESSION_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY','CSRF_COOKIE_SECURE','SECURE_SSL_REDIRECT',"
        "'SECURE_HSTS_SECONDS','SESSION_COOKIE_SAMESITE','CSRF_COOKIE_SAMESITE']}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=django_settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout
    prod = json.loads(out)
    assert prod["DEBUG"] is False
    assert prod["SESSION_COOKIE_SECURE"] and prod["SESSION_COOKIE_HTTPONLY"] and prod["CSRF_COOKIE_SECURE"]
    assert prod["SECURE_SSL_REDIRECT"] and prod["SECURE_HSTS_SECONDS"] >= 31536000
    assert prod["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"} and prod["CSRF_COOKIE_SAMESITE"] in {"Lax", "Strict"}


def test_the_session_cookie_is_sent_http_only_and_secure_in_production(client, settings):
    settings.SESSION_COOKIE_SECURE = True  # what production sets (checked above)
    conf = make_conference()
    rep = make_rep(conf)
    response = client.get(reverse("join-link", args=[conf.slug, issue_code(rep)]))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
