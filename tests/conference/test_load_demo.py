"""manage.py load_demo: the demo conference loads, and loads again without duplicates."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from conference.codes import code_hash, normalise_code
from conference.models import LMC, Conference, Representative
from motions.models import Motion, MotionPart, Section, StandingOrders
from voting.models import Option, Poll

pytestmark = pytest.mark.django_db

SLUG = "england-2026"
PARTNERSHIP_QUESTION = "Which element of the partnership-model review matters most to your practice?"
SCALE_QUESTION = "How confident are you that the partnership model can survive the next five years?"


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    """Four password hashes a run: the default hasher would make each test take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    User = get_user_model()
    return {
        "conferences": Conference.objects.count(),
        "lmcs": LMC.objects.count(),
        "representatives": Representative.objects.count(),
        "users": User.objects.count(),
        "sections": Section.objects.count(),
        "motions": Motion.objects.count(),
        "parts": MotionPart.objects.count(),
        "polls": Poll.objects.count(),
        "options": Option.objects.count(),
    }


def test_loads_the_conference() -> None:
    output = load()
    conference = Conference.objects.get(slug=SLUG)
    assert conference.name == "Conference of England LMCs 2026"
    # England's conference refers motions to its own negotiators, named in its standing orders.
    assert StandingOrders.objects.get(conference=conference).refer_to == "GPC England"

    lmcs = conference.lmcs.all()
    assert 90 <= lmcs.count() <= 110
    assert {"Avon LMC", "Londonwide LMCs", "Wessex LMCs", "Wakefield LMC"} <= {lmc.name for lmc in lmcs}
    assert all(1 <= lmc.seats <= 10 for lmc in lmcs)
    seats = lmcs.aggregate(n=Sum("seats"))["n"]
    assert 250 <= seats <= 350
    reps = conference.representatives.filter(role=Representative.Role.REPRESENTATIVE)
    assert reps.count() == seats
    for lmc in lmcs:
        assert lmc.representatives.count() == lmc.seats
    assert all(rep.name.startswith("Dr ") for rep in reps)
    assert "Dr Priya Shah" in output


def test_staff_users_exist_and_link() -> None:
    load()
    conference = Conference.objects.get(slug=SLUG)
    User = get_user_model()
    expected = {"chair": "chair", "deputy": "chair", "secretariat": "secretariat", "secretariat2": "secretariat"}
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.is_staff
        assert user.check_password(f"demo-{username}-2026")
        assert user.representatives.get().conference == conference
        assert user.representatives.get().role == role
        assert user.representatives.get().lmc is None
    assert User.objects.get(username="secretariat").is_superuser
    assert not User.objects.get(username="chair").is_superuser


def test_motions() -> None:
    load()
    conference = Conference.objects.get(slug=SLUG)
    assert [s.title for s in conference.sections.all()] == [
        "The GP contract",
        "The partnership model",
        "Indemnity",
        "Workload and regulation",
        "Pay",
    ]
    sessions = list(conference.sessions.all())
    assert [s.title for s in sessions] == ["Day one, morning", "Day one, afternoon", "Day two, morning"]
    assert all(s.ends_at > s.starts_at for s in sessions)
    # The sittings are on the conference's own days: its first, then the next.
    days = [timezone.localtime(s.starts_at).date() for s in sessions]
    assert conference.starts_on == days[0] == days[1] and days[2] == days[0] + datetime.timedelta(days=1)
    assert {s.session.title for s in conference.sections.all()} == {s.title for s in sessions}
    motions = conference.motions.all()
    assert 15 <= motions.count() <= 20
    assert all(m.text.startswith("That conference") and m.proposer is not None for m in motions)

    gms = motions.get(title__icontains="GMS contract")
    assert [p.label for p in gms.parts.all()] == ["i", "ii", "iii"]
    assert "inflation" in gms.parts.get(label="i").text

    two_thirds = motions.filter(requires_two_thirds=True)
    assert two_thirds.count() == 1
    assert "standing orders" in two_thirds.get().text

    categories = set(motions.values_list("category", flat=True))
    assert {Motion.Category.A, Motion.Category.AR, Motion.Category.GREY, Motion.Category.INCOMPETENT} <= categories
    assert motions.filter(category=Motion.Category.INCOMPETENT).count() == 1
    assert not conference.polls.filter(kind=Poll.Kind.MOTION).exists()


def test_live_polls() -> None:
    load()
    conference = Conference.objects.get(slug=SLUG)
    choice = conference.polls.get(question=PARTNERSHIP_QUESTION)
    assert choice.kind == Poll.Kind.LIVE
    assert choice.status == Poll.Status.DRAFT
    assert 4 <= choice.options.count() <= 5

    scale = conference.polls.get(question=SCALE_QUESTION)
    assert scale.kind == Poll.Kind.SCALE
    assert scale.status == Poll.Status.DRAFT
    assert [o.key for o in scale.options.all()] == ["1", "2", "3", "4", "5", "6"]
    assert (scale.scale_low_label, scale.scale_high_label) == ("Not at all confident", "Completely confident")


def test_a_scale_loaded_before_it_had_end_labels_gets_them() -> None:
    load()
    Poll.objects.filter(question=SCALE_QUESTION).update(scale_low_label="", scale_high_label="")
    load()
    scale = Poll.objects.get(question=SCALE_QUESTION)
    assert (scale.scale_low_label, scale.scale_high_label) == ("Not at all confident", "Completely confident")


def test_second_run_changes_nothing() -> None:
    load()
    before = counts()
    codes = dict(Representative.objects.values_list("pk", "access_code_hash"))
    passwords = dict(get_user_model().objects.values_list("username", "password"))

    output = load()

    assert counts() == before
    assert dict(Representative.objects.values_list("pk", "access_code_hash")) == codes
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords
    assert "already loaded" in output


def printed_codes(output: str) -> list[str]:
    return re.findall(r": ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})  /c/", output)


def test_summary_lists_logins_unless_quiet() -> None:
    output = load()
    codes = printed_codes(output)
    assert "demo-chair-2026" in output and len(codes) == 3
    assert f"/c/{SLUG}/join/{normalise_code(codes[0])}/" in output

    quiet = load("--quiet")
    assert "LMCs: " in quiet
    assert "demo-chair-2026" not in quiet
    assert not printed_codes(quiet) and normalise_code(codes[0]) not in quiet


def test_the_demo_prints_the_same_codes_every_run_and_they_sign_in(client) -> None:
    first = printed_codes(load())
    hashes = dict(Representative.objects.values_list("pk", "access_code_hash"))
    again = printed_codes(load())
    assert first == again and len(first) == 3
    assert dict(Representative.objects.values_list("pk", "access_code_hash")) == hashes
    assert all(hashes[r] for r in Representative.objects.filter(role="representative").values_list("pk", flat=True))
    for code in first:
        assert client.post(f"/c/{SLUG}/", {"code": code}).status_code == 302
    # The plaintext is printed, never stored: the database has the keyed hash only.
    assert not Representative.objects.filter(access_code_hash__in=[normalise_code(c) for c in first]).exists()


def test_a_demo_code_changed_at_the_desk_gets_its_demo_code_back_on_the_next_run(client) -> None:
    from conference.actions import reissue_code

    first = printed_codes(load())
    shown = Representative.objects.get(access_code_hash=code_hash(first[0]))
    reissue_code(shown, None)
    assert printed_codes(load()) == first
    assert client.post(f"/c/{SLUG}/", {"code": first[0]}).status_code == 302
