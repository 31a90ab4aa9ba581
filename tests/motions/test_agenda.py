"""The agenda: order, next / skip / back, and the section timers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conference.errors import Refused
from motions import agenda
from motions.agenda import call_motion
from motions.models import Motion, Section
from tests.factories import make_motion, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(conf):
    section = make_section(conf, order=0)
    later = make_section(conf, order=1)
    return [
        make_motion(conf, section=section, order=0),
        make_motion(conf, section=section, order=1, category="grey"),
        make_motion(conf, section=section, order=2, category="incompetent"),
        make_motion(conf, section=section, order=3, category="A"),
        make_motion(conf, section=section, order=4),
        make_motion(conf, section=later, order=0),
    ]


def current(conf):
    conf.refresh_from_db()
    return conf.current_motion


def test_next_passes_over_grey_incompetent_and_block_motions(conf, chair, items):
    assert agenda.call_next(conf, chair) == items[0]
    assert agenda.call_next(conf, chair) == items[4]
    assert agenda.call_next(conf, chair) == items[5]
    assert agenda.call_next(conf, chair) is None and current(conf) is None


def test_a_grey_motion_is_reached_only_when_called(conf, chair, items):
    call_motion(conf, items[1], chair)
    assert current(conf) == items[1]


def test_skip_leaves_the_item_undecided_and_back_returns_to_it(conf, chair, items):
    call_motion(conf, items[0], chair)
    agenda.skip(conf, chair)
    assert current(conf) == items[4]
    assert Motion.objects.get(pk=items[0].pk).status == Motion.Status.PENDING
    assert agenda.go_back(conf, chair) == items[0]
    assert Motion.objects.get(pk=items[0].pk).status == Motion.Status.UNDER_DEBATE


def test_reorder_within_a_section(conf, chair, items):
    section = items[0].section
    new_order = [items[4].pk, items[0].pk, items[1].pk, items[2].pk, items[3].pk]
    agenda.reorder(section, new_order, chair)
    assert list(section.motions.values_list("pk", flat=True)) == new_order
    assert agenda.call_next(conf, chair) == items[4]
    with pytest.raises(Refused):
        agenda.reorder(section, new_order[:-1], chair)


def test_the_section_timer_runs_while_its_items_are_on_the_floor(conf, chair, items):
    call_motion(conf, items[0], chair)
    section = Section.objects.get(pk=items[0].section_id)
    assert section.started_at is not None
    # An hour ago, for the test: the overrun is kept, not refused.
    Section.objects.filter(pk=section.pk).update(started_at=section.started_at - timedelta(hours=1))
    call_motion(conf, items[5], chair)
    section.refresh_from_db()
    assert section.started_at is None and section.seconds_used >= 3600 > section.minutes * 60
    assert Section.objects.get(pk=items[5].section_id).started_at is not None


def test_the_time_left_runs_to_the_end_of_the_session_and_of_its_day(conf, chair, items):
    from django.utils import timezone

    from conference.models import Session
    from motions.payloads import timer_payload

    morning_start = timezone.now().replace(hour=9, minute=30, second=0, microsecond=0)
    morning = Session.objects.create(
        conference=conf,
        title="Thursday morning",
        order=1,
        starts_at=morning_start,
        ends_at=morning_start + timedelta(hours=3),
    )
    Session.objects.create(
        conference=conf,
        title="Thursday afternoon",
        order=2,
        starts_at=morning_start + timedelta(hours=4),
        ends_at=morning_start + timedelta(hours=8),
    )
    Session.objects.create(
        conference=conf,
        title="Friday morning",
        order=3,
        starts_at=morning_start + timedelta(days=1),
        ends_at=morning_start + timedelta(days=1, hours=3),
    )
    Section.objects.filter(pk=items[0].section_id).update(session=morning)

    call_motion(conf, items[0], chair)
    timer = timer_payload(conf, Section.objects.get(pk=items[0].section_id))
    assert timer["session"] == "Thursday morning"
    assert timer["session_ends_at"] == (morning_start + timedelta(hours=3)).isoformat()
    assert timer["day_ends_at"] == (morning_start + timedelta(hours=8)).isoformat()  # the afternoon's end, not Friday's
    # A section outside any session: the standing orders' end of the day (none set here).
    assert timer_payload(conf, Section.objects.get(pk=items[5].section_id))["day_ends_at"] is None
