"""The record stays consistent whatever door a change comes through: a superuser at the
Django admin, posting its change and delete forms, cannot rewrite a decided motion, a
poll's status or parts, a result, or delete a published vote; and a change the admin may
make (a representative taken off the roll) does what the desk's own change does."""

from __future__ import annotations

import json
import uuid
from html.parser import HTMLParser

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import NoReverseMatch, reverse

from conference import events
from conference.errors import Refused
from conference.models import LMC, Conference, Representative
from desk import actions as desk
from desk import exports
from motions.models import Motion, MotionPart
from tests.desk.conftest import decide, staff_client
from tests.factories import make_conference, make_lmc, make_motion, make_rep, make_staff
from voting import actions, put
from voting.models import Poll

pytestmark = pytest.mark.django_db


class _Form(HTMLParser):
    """The admin change form's fields as a browser would post them back."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data.lstrip("\n") if not self.data[self._textarea][0] else data


def _change_form(client: Client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    form = _Form()
    form.feed(response.content.decode())
    form.data.pop("csrfmiddlewaretoken", None)
    return form.data


def _record(conf: Conference) -> dict:
    return json.loads(exports.resolutions_json(conf))


@pytest.fixture
def decided():
    """A published vote carried a motion in parts taken as a whole; a superuser at the admin."""
    conf = make_conference()
    chair = make_staff(conf)
    chair.user.is_superuser = True
    chair.user.save()
    proposer = make_lmc(conf, name="Avon LMC")
    motion = make_motion(conf, parts=["safe limits", "funding"], proposer=proposer, text="That conference demands:")
    poll = decide(motion, chair, {"for": 3, "against": 1})
    motion.refresh_from_db()
    assert motion.status == Motion.Status.DECIDED and poll.status == Poll.Status.PUBLISHED
    return conf, chair, staff_client(chair), motion, poll


def test_a_decided_motions_wording_outcome_and_parts_cannot_be_changed_through_the_admin_form(decided):
    conf, chair, client, motion, poll = decided
    before = _record(conf)
    url = reverse("admin:motions_motion_change", args=[motion.pk])
    data = _change_form(client, url)
    for field in ("text", "title", "number", "category", "referred_to", "emergency", "section", "proposer"):
        assert field not in data, field  # shown read-only, not an input
    assert "parts-0-text" not in data and "parts-0-DELETE" not in data
    # A hand-made post of the fields that are not on the page is ignored too.
    forged = {
        **data,
        "text": "That conference demands nothing.",
        "title": "Rewritten",
        "outcome": "lost",
        "status": "pending",
        "referred_to": "Nobody",
        "parts-0-text": "unsafe limits",
        "parts-1-DELETE": "on",
    }
    response = client.post(url, forged)
    assert response.status_code in (302, 403), response.content.decode()[:2000]
    motion.refresh_from_db()
    assert (motion.text, motion.title, motion.outcome) == ("That conference demands:", motion.title, "carried")
    assert list(motion.parts.values_list("text", flat=True)) == ["safe limits", "funding"]
    assert _record(conf) == before


def test_a_pending_motion_stays_editable_in_the_admin(decided):
    conf, chair, client, _motion, _poll = decided
    pending = make_motion(conf, parts=["one"])
    url = reverse("admin:motions_motion_change", args=[pending.pk])
    data = _change_form(client, url)
    response = client.post(url, {**data, "text": "That conference asks again.", "parts-0-text": "one, amended"})
    assert response.status_code == 302, response.content.decode()[:3000]
    pending.refresh_from_db()
    assert pending.text == "That conference asks again."
    assert list(pending.parts.values_list("text", flat=True)) == ["one, amended"]


def test_a_decided_motion_and_a_published_poll_cannot_be_deleted_through_the_admin(decided):
    conf, chair, client, motion, poll = decided
    before = _record(conf)
    for app_model, obj in (("motions_motion", motion), ("voting_poll", poll)):
        url = reverse(f"admin:{app_model}_delete", args=[obj.pk])
        assert client.get(url).status_code == 403, app_model
        assert client.post(url, {"post": "yes"}).status_code == 403, app_model
        # The changelist's bulk delete is refused too.
        client.post(
            reverse(f"admin:{app_model}_changelist"),
            {"action": "delete_selected", ACTION_CHECKBOX_NAME: [str(obj.pk)], "post": "yes"},
        )
    assert Motion.objects.filter(pk=motion.pk).exists() and Poll.objects.filter(pk=poll.pk).exists()
    # Nor the conference whose record is published, nor the LMC that proposed a decided motion.
    secretariat = make_staff(conf, role=Representative.Role.SECRETARIAT)
    desk.publish_record(conf, secretariat)
    conference_delete = reverse("admin:conference_conference_delete", args=[conf.pk])
    assert client.post(conference_delete, {"post": "yes"}).status_code == 403
    lmc = motion.proposer
    assert lmc is not None
    assert client.post(reverse("admin:conference_lmc_delete", args=[lmc.pk]), {"post": "yes"}).status_code == 403
    assert Conference.objects.filter(pk=conf.pk).exists() and LMC.objects.filter(pk=lmc.pk).exists()
    after = _record(conf)
    assert after["record"] == before["record"]


def test_a_representative_who_voted_cannot_be_deleted_but_one_who_did_not_can(decided):
    conf, chair, client, motion, poll = decided
    voter = Representative.objects.filter(conference=conf, participations__poll=poll).first()
    assert voter is not None
    url = reverse("admin:conference_representative_delete", args=[voter.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    spare = make_rep(conf)
    spare_delete = reverse("admin:conference_representative_delete", args=[spare.pk])
    assert client.post(spare_delete, {"post": "yes"}).status_code == 302
    assert Representative.objects.filter(pk=voter.pk).exists()
    assert not Representative.objects.filter(pk=spare.pk).exists()


def test_a_published_polls_status_parts_and_result_cannot_be_posted_through_the_admin(decided):
    conf, chair, client, motion, poll = decided
    other = make_motion(conf, parts=["x"])
    before = _record(conf)
    url = reverse("admin:voting_poll_change", args=[poll.pk])
    data = _change_form(client, url)
    forged = {
        **data,
        "status": "draft",
        "result": json.dumps({"outcome": "lost", "counts": []}),
        "question": "Something else",
        "parts": [str(motion.parts.first().pk)],
        "motion": str(other.pk),
        "block_motions": [str(other.pk)],
    }
    assert "parts" not in data and "block_motions" not in data and "status" not in data
    client.post(url, forged)
    poll.refresh_from_db()
    assert poll.status == Poll.Status.PUBLISHED and poll.motion_id == motion.pk
    assert list(poll.parts.all()) == [] and list(poll.block_motions.all()) == []
    assert poll.result["outcome"] == "carried"
    assert _record(conf) == before


def test_ballots_and_participations_have_no_admin_door():
    for model in ("ballot", "participation"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:voting_{model}_changelist")


def test_a_decided_motions_wording_cannot_change_by_save_outside_the_actions(decided):
    conf, chair, client, motion, poll = decided
    motion.text = "That conference demands nothing."
    with pytest.raises(Refused):
        motion.save()
    part = motion.parts.first()
    assert part is not None
    part.text = "unsafe limits"
    with pytest.raises(Refused):
        part.save()
    with pytest.raises(Refused):
        MotionPart.objects.create(motion=motion, label="iii", text="added after the vote")
    assert Motion.objects.get(pk=motion.pk).text == "That conference demands:"
    # What the actions do to a decided motion still works: a correction with a reason.
    motion = Motion.objects.get(pk=motion.pk)
    motion.title = "A retitled motion"
    motion.save(update_fields=["title"])  # the title is not the wording decided


def test_taking_a_representative_off_the_roll_in_the_admin_updates_turnout_and_closes_their_sockets(
    decided, monkeypatch, django_capture_on_commit_callbacks
):
    conf, chair, client, _motion, _poll = decided
    voters = [make_rep(conf) for _ in range(3)]
    poll = actions.open_poll(put.create_motion_poll(make_motion(conf)), chair)
    assert actions.cast_vote(voters[0], poll.pk, "for", uuid.uuid4()).ok
    sent: list[tuple[str, dict]] = []
    kicked: list[tuple[str, int]] = []
    monkeypatch.setattr(
        events, "send_together", lambda conference_id, together, audience: sent.extend((audience, e) for e in together)
    )

    async def akick(conference_id: int, audience: str, code: int) -> None:
        kicked.append((audience, code))

    monkeypatch.setattr(events, "akick", akick)
    registered = conf.representatives.filter(role=Representative.Role.REPRESENTATIVE, is_active=True).count()
    url = reverse("admin:conference_representative_change", args=[voters[2].pk])
    data = _change_form(client, url)
    data.pop("is_active")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert not Representative.objects.get(pk=voters[2].pk).is_active
    assert kicked == [(f"rep:{voters[2].pk}", 4002)]
    turnout = [event for audience, event in sent if event["type"] == "turnout"]
    assert len(turnout) == 1
    assert turnout[0]["poll_id"] == poll.pk and turnout[0]["voted"] == 1
    assert turnout[0]["registered"] == registered - 1
