"""The Django admin shows state read-only, and its actions go through the domain's own
functions, so they are audited and checked like the console's."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from conference.models import AuditEntry, Conference, Representative
from motions.models import Motion
from tests.factories import issue_code, make_conference, make_motion, make_rep, make_staff
from voting import actions, put
from voting.models import Poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_floor():
    conf = make_conference()
    chair = make_staff(conf)
    chair.user.is_superuser = True
    chair.user.save()
    client = Client()
    client.force_login(chair.user)
    motion = make_motion(conf)
    poll = actions.open_poll(put.create_motion_poll(motion), chair)
    return conf, chair, client, motion, poll


def _form(client: Client, model: str, pk: object) -> str:
    app = {"conference": "conference", "representative": "conference", "motion": "motions", "poll": "voting"}[model]
    response = client.get(reverse(f"admin:{app}_{model}_change", args=[pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "model,fields",
    [
        ("conference", ["current_motion", "event_seq"]),
        ("representative", ["has_code", "checked_in"]),
        ("motion", ["status", "outcome", "decided_at", "decided_by", "text_as_amended", "pulled_from_block"]),
        ("poll", ["status", "result", "opened_at", "closes_at", "closed_at", "published_at", "question", "secret"]),
    ],
)
def test_state_fields_are_shown_but_not_editable(admin_floor, model, fields):
    conf, chair, client, motion, poll = admin_floor
    rep = make_rep(conf)
    pk = {"conference": conf.pk, "representative": rep.pk, "motion": motion.pk, "poll": poll.pk}[model]
    page = _form(client, model, pk)
    for field in fields:
        assert f'name="{field}"' not in page, field
        assert f"field-{field}" in page, field  # shown, read-only


def test_a_posted_state_field_is_ignored(admin_floor):
    conf, chair, client, motion, poll = admin_floor
    rep = make_rep(conf)
    code = issue_code(rep)
    rep.refresh_from_db()
    stored = rep.access_code_hash
    url = reverse("admin:conference_representative_change", args=[rep.pk])
    client.post(
        url,
        {
            "conference": conf.pk,
            "name": "Dr Renamed",
            "lmc": rep.lmc_id,
            "role": rep.role,
            "is_active": "on",
            "access_code_hash": "A" * 64,
            "checked_in": "on",
        },
    )
    rep.refresh_from_db()
    assert rep.name == "Dr Renamed" and rep.access_code_hash == stored and not rep.checked_in
    page = _form(client, "representative", rep.pk)
    assert code not in page and stored not in page  # the admin has no code to show
    entry = AuditEntry.objects.get(action="admin.representative.changed")
    assert entry.actor == chair and entry.details["fields"] == ["name"]


def _act(client: Client, app_model: str, action: str, pks: list[object]) -> None:
    response = client.post(
        reverse(f"admin:{app_model}_changelist"), {"action": action, ACTION_CHECKBOX_NAME: [str(p) for p in pks]}
    )
    assert response.status_code == 302


def test_poll_actions_call_voting_and_are_audited(admin_floor):
    conf, chair, client, motion, poll = admin_floor
    actions.cast_vote(make_rep(conf), poll.pk, "for", uuid.uuid4())
    _act(client, "voting_poll", "close_polls", [poll.pk])
    poll.refresh_from_db()
    assert poll.status == Poll.Status.CLOSED and poll.result["outcome"] == "carried"
    _act(client, "voting_poll", "publish_results", [poll.pk])
    poll.refresh_from_db()
    assert poll.status == Poll.Status.PUBLISHED
    # The result decided the motion, as publishing from the console does.
    assert Motion.objects.get(pk=motion.pk).outcome == "carried"
    logged = list(AuditEntry.objects.filter(conference=conf).values_list("action", "actor"))
    assert ("poll.closed", chair.pk) in logged and ("result.published", chair.pk) in logged
    # A draft's second opening is refused by the domain, not by the admin.
    draft = put.create_motion_poll(make_motion(conf))
    other = put.create_motion_poll(make_motion(conf))
    _act(client, "voting_poll", "open_polls", [draft.pk, other.pk])
    statuses = sorted(Poll.objects.filter(pk__in=[draft.pk, other.pk]).values_list("status", flat=True))
    assert statuses == [Poll.Status.DRAFT, Poll.Status.OPEN]


def test_representative_actions_check_in_and_revoke_codes_through_the_desk(admin_floor):
    conf, chair, client, motion, poll = admin_floor
    Conference.objects.filter(pk=conf.pk).update(require_check_in=True)
    rep = make_rep(conf)
    code = issue_code(rep)
    _act(client, "conference_representative", "check_in", [rep.pk])
    _act(client, "conference_representative", "revoke_codes", [rep.pk])
    rep = Representative.objects.get(pk=rep.pk)
    assert rep.checked_in and rep.access_code_hash is None
    assert Client().post(reverse("join", args=[conf.slug]), {"code": code}).status_code == 400
    logged = set(AuditEntry.objects.filter(conference=conf).values_list("action", "actor"))
    assert {("rep.checked_in", chair.pk), ("code.revoked", chair.pk)} <= logged


def test_an_open_polls_options_cannot_be_changed_in_the_admin(admin_floor):
    conf, chair, client, motion, poll = admin_floor
    page = _form(client, "poll", poll.pk)
    assert 'name="options-0-key"' not in page and "For" in page


def test_the_admin_issues_new_codes_with_their_cards_through_the_desk(admin_floor):
    from desk.actions import take_download
    from desk.models import Job
    from desk.tasks import build_login_cards

    conf, chair, client, motion, poll = admin_floor
    picked, other = make_rep(conf, name="Dr Picked"), make_rep(conf, name="Dr Not Picked")
    old, kept = issue_code(picked), issue_code(other)
    _act(client, "conference_representative", "issue_cards", [picked.pk])
    job = Job.objects.get(kind=Job.Kind.LOGIN_CARDS)
    assert job.params["rep_ids"] == [picked.pk] and job.requested_by == chair
    build_login_cards(job.pk)  # what the worker runs
    taken = take_download(job.pk, conf, chair)
    assert taken is not None
    from tests.desk.test_login_cards import codes_on, pdf_pages

    (new,) = codes_on(pdf_pages(taken[1]))
    join = reverse("join", args=[conf.slug])
    assert Client().post(join, {"code": old}).status_code == 400
    assert Client().post(join, {"code": new}).status_code == 302
    assert Client().post(join, {"code": kept}).status_code == 302
