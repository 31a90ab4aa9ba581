"""Join attempts are rate-limited per client address and per code, with a lockout that
says so plainly (429) and one audit entry per lockout."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conference.auth import SESSION_REP
from conference.models import AuditEntry
from tests.factories import issue_code, make_conference, make_rep

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "join-address": (3, 600), "join-code": (4, 600)}


def attempt(client, conf, code: str, address: str = "203.0.113.7"):
    return client.post(reverse("join", args=[conf.slug]), {"code": code}, REMOTE_ADDR=address)


def test_repeated_wrong_codes_from_one_address_lock_it_out_even_for_a_right_code(client, tight):
    conf = make_conference()
    rep = make_rep(conf)
    code = issue_code(rep)
    for i in range(3):
        assert attempt(client, conf, f"WRONG-CODE-{i}").status_code == 400
    locked = attempt(client, conf, "WRONG-CODE-X")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode() and int(locked["Retry-After"]) > 0
    # A lockout is a lockout: a guess that happens to be right does not get through.
    assert attempt(client, conf, code).status_code == 429
    assert SESSION_REP not in client.session


def test_another_address_is_not_locked_out_by_the_attacker(client, tight):
    conf = make_conference()
    rep = make_rep(conf)
    code = issue_code(rep)
    for i in range(5):
        attempt(client, conf, f"WRONG-CODE-{i}", address="198.51.100.1")
    assert attempt(client, conf, code, address="198.51.100.2").status_code == 302


def test_successful_joins_from_a_shared_hall_address_are_not_counted(client, tight):
    conf = make_conference()
    codes = [issue_code(make_rep(conf)) for _ in range(6)]
    for code in codes:  # one NAT address for the whole hall
        assert attempt(client, conf, code).status_code == 302


def test_one_code_tried_too_often_is_locked_out_from_any_address(client, tight):
    conf = make_conference()
    rep = make_rep(conf)
    code = issue_code(rep)
    for i in range(4):
        assert attempt(client, conf, code, address=f"192.0.2.{i}").status_code == 302
    locked = attempt(client, conf, code, address="192.0.2.99")
    assert locked.status_code == 429


def test_a_lockout_is_audited_once_per_window_and_never_records_the_code(client, tight):
    conf = make_conference()
    rep = make_rep(conf)
    code = issue_code(rep)
    for i in range(8):
        attempt(client, conf, f"WRONG-CODE-{i}")
    for i in range(6):
        attempt(client, conf, code, address=f"192.0.2.{i}")
    entries = list(AuditEntry.objects.filter(conference=conf, action="join.locked_out"))
    assert sorted(e.details["scope"] for e in entries) == ["address", "code"]
    by_scope = {e.details["scope"]: e for e in entries}
    assert by_scope["address"].target == "203.0.113.7"
    assert by_scope["code"].target == str(rep)
    assert all(code not in f"{e.target}{e.details}" for e in entries)


def test_the_rate_limit_counts_by_the_codes_keyed_hash_never_the_code(client, tight, monkeypatch):
    from conference import ratelimit
    from conference.codes import code_hash

    seen: list[tuple[str, str]] = []
    real_hit = ratelimit.hit

    def spy(name: str, ident: str) -> ratelimit.Verdict:
        seen.append((name, ident))
        return real_hit(name, ident)

    monkeypatch.setattr(ratelimit, "hit", spy)
    conf = make_conference()
    code = issue_code(make_rep(conf))
    assert attempt(client, conf, code.lower()).status_code == 302
    assert seen == [("join-code", f"{conf.pk}:{code_hash(code)}")]


def test_lockouts_are_per_conference(client, tight):
    conf, other = make_conference(), make_conference()
    rep = make_rep(other)
    code = issue_code(rep)
    for i in range(5):
        attempt(client, conf, f"WRONG-CODE-{i}")
    assert attempt(client, other, code).status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(client, tight, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    conf = make_conference()
    rep = make_rep(conf)
    code = issue_code(rep)
    for i in range(4):
        client.post(
            reverse("join", args=[conf.slug]),
            {"code": f"WRONG-{i}"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.50",
        )
    ok = client.post(
        reverse("join", args=[conf.slug]),
        {"code": code},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.51",
    )
    assert ok.status_code == 302
