"""Every desk page renders for the secretariat, refuses everyone else, and has no inline script or style."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from desk import actions
from desk.models import Job
from tests.desk.conftest import decide, staff_client
from tests.factories import issue_code, make_motion, make_rep, make_staff

pytestmark = pytest.mark.django_db

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|<style", re.IGNORECASE)


def test_desk_pages_render_without_inline_scripts_or_styles_and_refuse_others(desk):
    conf, secretariat, client = desk
    chair = make_staff(conf)
    poll = decide(make_motion(conf), chair, {"for": 1})
    make_rep(conf, name="Dr Visible")
    job = actions.request_job(conf, Job.Kind.RESOLUTIONS, secretariat)
    urls = [
        reverse(name, args=[conf.slug, *extra])
        for name, extra in (
            ("desk", []),
            ("desk-import", []),
            ("desk-people", []),
            ("desk-record", []),
            ("desk-audit", []),
            ("desk-revise", [poll.pk]),
            ("desk-job", [job.pk]),
        )
    ] + [
        reverse("results", args=[conf.slug]),
        reverse("motion-result", args=[conf.slug, poll.motion.number]),
        reverse("poll-result", args=[conf.slug, poll.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not INLINE.search(response.content.decode()), url
    chair_client, rep = staff_client(chair), make_rep(conf)
    phone = Client()
    phone.get(reverse("join-link", args=[conf.slug, issue_code(rep)]))
    for url in urls[:7]:
        assert chair_client.get(url).status_code == 403, url
        assert phone.get(url).status_code == 302, url
