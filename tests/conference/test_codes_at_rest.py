"""Issue 13: the database never holds an access code in the clear, only its keyed hash.

Codes are handed out every way the desk has (a sheet of cards, cards by e-mail, one new
code and card at the desk), used to sign in, and tried until locked out; then every column
of every table is read as a copy of the database would show it (the sessions decoded too),
on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from conference.codes import code_hash, format_code, normalise_code
from desk import actions
from desk.models import Job
from desk.tasks import build_login_cards, email_login_cards
from tests.desk.conftest import staff_client
from tests.factories import make_conference, make_lmc, make_rep, make_staff

pytestmark = pytest.mark.django_db
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


def every_value() -> list[tuple[str, str, Any]]:
    """(table, column, value) for every cell of every table, as a dump would hold them."""
    cells = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            names = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                cells += [(table, name, value) for name, value in zip(names, row, strict=True)]
                if table == "django_session":
                    data = SessionStore().decode(row[names.index("session_data")])
                    cells.append((table, "session_data (decoded)", json.dumps(data)))
    return cells


def as_text(value: Any) -> str:
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def holding(codes: list[str]) -> list[tuple[str, str]]:
    """The (table, column) cells that hold any of the codes, typed or printed."""
    forms = {f for c in codes for f in (normalise_code(c), format_code(normalise_code(c)))}
    return [(t, c) for t, c, v in every_value() if v is not None and any(f in as_text(v) for f in forms)]


@pytest.fixture
def issued(settings, django_capture_on_commit_callbacks) -> dict[str, Any]:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "join-code": (2, 600)}
    conf = make_conference()
    lmc = make_lmc(conf, seats=10)
    secretariat = make_staff(conf, role="secretariat")
    desk = staff_client(secretariat)
    reps = [make_rep(conf, lmc, name=f"Dr Card {i}", email=f"card{i}@example.org") for i in range(3)]
    # A sheet of cards, and the same cards by e-mail, in one step.
    with django_capture_on_commit_callbacks(execute=False):
        job = actions.request_cards(conf, Job.Kind.LOGIN_CARDS, secretariat, "missing", base_url="http://x", email=True)
    assert build_login_cards(job.pk) == "done"
    mailed = [c for m in mail.outbox for c in CODE.findall(m.body)]
    # One more, by e-mail only.
    late = make_rep(conf, lmc, name="Dr Late", email="late@example.org")
    with django_capture_on_commit_callbacks(execute=False):
        emailed = actions.request_cards(conf, Job.Kind.EMAIL_CARDS, secretariat, "missing", base_url="http://x")
    assert email_login_cards(emailed.pk) == "done"
    mailed += CODE.findall(mail.outbox[-1].body)
    # One person's new code and card at the desk (shown once on the page).
    page = desk.post(reverse("desk-reissue", args=[conf.slug, reps[2].pk])).content.decode()
    (reissued,) = CODE.findall(page)
    return {"conf": conf, "desk": desk, "job": job, "mailed": mailed, "reissued": reissued, "late": late}


def test_no_table_holds_an_issued_code_in_the_clear_only_its_keyed_hash(issued):
    conf, codes = issued["conf"], [*issued["mailed"], issued["reissued"]]
    assert len(set(codes)) == 5  # three on the sheet (mailed too), one by mail, one reissued
    # The codes work: each signs in (sessions are written), and one is tried until locked out.
    for code in [*issued["mailed"][:2], issued["mailed"][3], issued["reissued"]]:
        assert Client().post(reverse("join", args=[conf.slug]), {"code": code}).status_code == 302
    for _ in range(3):
        Client().post(reverse("join", args=[conf.slug]), {"code": issued["reissued"]}, REMOTE_ADDR="192.0.2.9")
    assert conf.audit_entries.filter(action="join.locked_out").exists()
    # The sheet is still waiting for its download: it is at rest too.
    assert Job.objects.get(pk=issued["job"].pk).content is not None
    assert holding(codes) == []
    # What is stored is the keyed hash, and nothing unkeyed of the code either.
    import hashlib

    cells = " ".join(as_text(v) for _, _, v in every_value() if v is not None)
    for code in codes:
        if code != issued["mailed"][2]:  # that card was replaced by the reissue
            assert code_hash(code) in cells
        assert hashlib.sha256(normalise_code(code).encode()).hexdigest() not in cells


def test_the_sheet_downloaded_holds_the_codes_and_the_server_then_holds_nothing_of_it(issued):
    sheet = issued["desk"].get(reverse("desk-job-download", args=[issued["conf"].slug, issued["job"].pk])).content
    printed = CODE.findall("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet)).pages))
    assert sorted(printed) == sorted(issued["mailed"][:3])
    assert Job.objects.get(pk=issued["job"].pk).content is None
    assert holding(printed) == []


def test_the_scan_would_see_a_code_written_in_the_clear(issued):
    """The scan itself works: a code put in a text column is found (so an empty result means something)."""
    conf = issued["conf"]
    conf.venue = f"Hall {issued['reissued']}"
    conf.save(update_fields=["venue"])
    assert ("conference_conference", "venue") in holding([issued["reissued"]])
