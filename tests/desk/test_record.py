"""The record: a result corrected or a vote annulled and re-run, with a reason; both versions stay."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from conference.errors import Refused
from conference.models import AuditEntry
from desk import actions
from desk.models import ResultRevision
from motions.models import Motion
from tests.desk.conftest import decide, staff_client
from tests.factories import issue_code, make_conference, make_motion, make_rep, make_staff
from voting import actions as voting
from voting import closing, put, results
from voting.models import Poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    conf = make_conference()
    chair = make_staff(conf)
    secretariat = make_staff(conf, role="secretariat")
    motion = make_motion(conf, title="Indemnity for all")
    poll = decide(motion, chair, {"for": 2, "against": 3})
    return conf, secretariat, motion, poll


def test_a_correction_replaces_the_result_keeps_the_old_one_and_moves_the_motion(published):
    _conf, secretariat, motion, poll = published
    assert poll.result["outcome"] == "lost"
    before = poll.result
    poll = actions.correct_result(
        poll, {"for": 4, "against": 3, "abstain": 1}, "Four paper ballots were missed.", secretariat
    )
    assert poll.result["outcome"] == "carried" and poll.result["corrected"]
    assert [c["count"] for c in poll.result["counts"]] == [4, 3, 1]
    revision = ResultRevision.objects.get(poll=poll)
    assert revision.previous_result == before and revision.new_result == poll.result
    assert revision.reason == "Four paper ballots were missed." and revision.by == secretariat
    motion.refresh_from_db()
    assert motion.outcome == "carried"
    entry = AuditEntry.objects.get(action="result.corrected")
    assert entry.actor == secretariat and entry.details["previous_outcome"] == "lost"
    assert entry.details["counts"] == {"for": 4, "against": 3, "abstain": 1}


def test_a_correction_can_declare_a_reference_and_needs_a_reason_and_every_count(published):
    _conf, secretariat, motion, poll = published
    with pytest.raises(Refused):
        actions.correct_result(poll, {"for": 1, "against": 0, "abstain": 0}, "  ", secretariat)
    with pytest.raises(Refused):
        actions.correct_result(poll, {"for": 1}, "Missing counts", secretariat)
    poll = actions.correct_result(
        poll,
        {"for": 5, "against": 0, "abstain": 0},
        "Taken as a reference",
        secretariat,
        outcome="carried_as_reference",
    )
    motion.refresh_from_db()
    assert motion.outcome == "carried_as_reference"
    assert ResultRevision.objects.count() == 1


def test_annulling_a_published_vote_keeps_it_marked_and_sets_up_a_rerun(published, client):
    conf, secretariat, motion, poll = published
    rerun = actions.annul_and_rerun(poll, "The system failed for a third of the hall.", secretariat)
    poll.refresh_from_db()
    assert poll.status == Poll.Status.ANNULLED and poll.result["outcome"] == "lost"  # the old result stays
    assert poll.ballots.count() == 5
    assert rerun.status == Poll.Status.DRAFT and rerun.motion == motion and rerun.question == poll.question
    assert sorted(rerun.options.values_list("key", flat=True)) == ["abstain", "against", "for"]
    motion.refresh_from_db()
    assert motion.outcome == "" and motion.status == Motion.Status.UNDER_DEBATE
    revision = ResultRevision.objects.get(poll=poll)
    assert revision.kind == "annulment" and revision.rerun == rerun and revision.previous_status == "published"
    # The re-run decides the motion.
    chair = make_staff(conf)
    voting.open_poll(rerun, chair)
    voting.cast_vote(make_rep(conf), rerun.pk, "for", uuid.uuid4())
    results.publish_result(closing.close_poll(rerun.pk, chair), chair)
    motion.refresh_from_db()
    assert motion.outcome == "carried"
    # Both versions are on the public page, the annulled one marked.
    page = client.get(reverse("results", args=[conf.slug])).content.decode()
    assert f'id="poll-{poll.pk}"' in page and f'id="poll-{rerun.pk}"' in page and 'data-testid="annulled"' in page
    assert client.get(reverse("poll-result", args=[conf.slug, poll.pk])).status_code == 200


def test_annulling_an_open_vote_stops_it_taking_votes(published):
    conf, secretariat, _motion, _poll = published
    chair = make_staff(conf)
    poll = voting.open_poll(put.create_motion_poll(make_motion(conf)), chair)
    actions.annul_and_rerun(poll, "Wrong motion put", secretariat)
    outcome = voting.cast_vote(make_rep(conf), poll.pk, "for", uuid.uuid4())
    assert not outcome.ok and outcome.code == "poll_not_open"
    with pytest.raises(Refused):
        actions.annul_and_rerun(poll, "Again", secretariat)


def test_the_desk_pages_correct_and_annul_and_refuse_the_chair(published):
    conf, secretariat, motion, poll = published
    client = staff_client(secretariat)
    url = reverse("desk-revise", args=[conf.slug, poll.pk])
    chair = staff_client(make_staff(conf))
    assert chair.post(url, {"action": "annul", "reason": "chair tries"}).status_code == 403
    assert client.get(reverse("desk-record", args=[conf.slug])).status_code == 200
    response = client.post(
        url, {"action": "correct", "count-for": "9", "count-against": "3", "count-abstain": "0", "reason": "Recount"}
    )
    assert response.status_code == 302
    poll.refresh_from_db()
    assert poll.result["outcome"] == "carried"
    response = client.post(
        url, {"action": "correct", "count-for": "x", "count-against": "3", "count-abstain": "0", "reason": "Typo"}
    )
    assert response.status_code == 200 and b"whole number" in response.content
    response = client.post(url, {"action": "annul", "reason": "Technical failure"})
    rerun = Poll.objects.exclude(pk=poll.pk).get(motion=motion)
    assert response["Location"] == reverse("desk-revise", args=[conf.slug, rerun.pk])
    history = client.get(url).content.decode()
    assert "Recount" in history and "Technical failure" in history
    # The re-run is opened from the desk.
    client.post(reverse("desk-revise", args=[conf.slug, rerun.pk]), {"action": "open"})
    rerun.refresh_from_db()
    assert rerun.status == Poll.Status.OPEN


def _vote(poll, chair, choices):
    if poll.status == Poll.Status.DRAFT:
        voting.open_poll(poll, chair)
    for choice in choices:
        assert voting.cast_vote(make_rep(poll.conference), poll.pk, choice, uuid.uuid4()).ok
    return results.publish_result(closing.close_poll(poll.pk, chair), chair)


def test_a_published_amendment_vote_is_annulled_and_re_run_and_the_wording_follows(published):
    conf, secretariat, _motion, _poll = published
    from motions.procedure import propose_amendment
    from voting.put import put_amendment

    chair = make_staff(conf)
    other = make_motion(conf, text="That conference acts.")
    amendment = propose_amendment(other, "rider", "And soon.", chair)
    poll = _vote(put_amendment(amendment, chair), chair, ["for"])
    other.refresh_from_db()
    assert other.wording == "That conference acts.\nAnd soon."
    rerun = actions.annul_and_rerun(poll, "Wrong wording read out", secretariat)
    assert (rerun.amendment_id, rerun.motion_id, rerun.status) == (amendment.pk, other.pk, Poll.Status.DRAFT)
    other.refresh_from_db()
    amendment.refresh_from_db()
    assert other.wording == "That conference acts." and amendment.outcome == ""
    rerun = _vote(rerun, chair, ["for", "against", "against"])
    other.refresh_from_db()
    assert other.wording == "That conference acts." and rerun.result["outcome"] == "lost"
    actions.correct_result(rerun, {"for": 3, "against": 2, "abstain": 0}, "Two cards were miscounted", secretariat)
    other.refresh_from_db()
    assert other.wording == "That conference acts.\nAnd soon."
    # Once the motion is decided on that wording, its amendment's vote cannot move under it.
    _vote(put.put_motion(other, None, chair), chair, ["for"])
    with pytest.raises(Refused):
        actions.annul_and_rerun(rerun, "Too late", secretariat)


def test_a_published_block_vote_and_a_procedural_vote_are_corrected_or_annulled_and_their_motions_follow(published):
    conf, secretariat, _motion, _poll = published
    from motions.agenda import call_motion
    from tests.factories import make_section

    chair = make_staff(conf)
    section = make_section(conf)
    a = make_motion(conf, section=section, category="A")
    ar = make_motion(conf, section=section, category="AR")
    block = _vote(put.open_block_vote(section, chair), chair, ["for"])
    actions.correct_result(block, {"for": 0, "against": 1, "abstain": 0}, "The block was lost", secretariat)
    assert {m.outcome for m in Motion.objects.filter(pk__in=[a.pk, ar.pk])} == {"lost"}
    actions.annul_and_rerun(block, "Taken again", secretariat)
    assert {m.outcome for m in Motion.objects.filter(pk__in=[a.pk, ar.pk])} == {""}

    referred = make_motion(conf)
    call_motion(conf, referred, chair)
    refer = _vote(put.put_procedural(referred, "refer", chair), chair, ["for"])
    referred.refresh_from_db()
    assert referred.outcome == "referred" and referred.referred_to == "GPC England"
    actions.correct_result(refer, {"for": 0, "against": 1, "abstain": 0}, "Miscounted", secretariat)
    referred.refresh_from_db()
    assert referred.outcome == "" and referred.referred_to == ""
    actions.correct_result(refer, {"for": 2, "against": 1, "abstain": 0}, "Recounted", secretariat)
    referred.refresh_from_db()
    assert referred.outcome == "referred"


def test_every_desk_action_is_audited_and_no_entry_reveals_a_secret_vote():
    conf = make_conference()
    secretariat = make_staff(conf, role="secretariat")
    chair = make_staff(conf)
    motion = make_motion(conf)
    poll = voting.open_poll(put.create_motion_poll(motion), chair)
    voters = [make_rep(conf, name=f"Dr Hidden Voter {i}") for i in range(3)]
    codes = [issue_code(v) for v in voters]
    receipts = [
        voting.cast_vote(v, poll.pk, c, uuid.uuid4()).receipt
        for v, c in zip(voters, ["for", "against", "for"], strict=True)
    ]
    results.publish_result(closing.close_poll(poll.pk, chair), chair)
    actions.correct_result(poll, {"for": 3, "against": 1, "abstain": 0}, "Recount", secretariat)
    actions.annul_and_rerun(poll, "Failure", secretariat)
    actions.set_checked_in(voters[0], True, secretariat)
    actions.set_checked_in(voters[0], False, secretariat)
    actions.request_job(conf, "resolutions", secretariat)
    entries = list(AuditEntry.objects.filter(conference=conf))
    assert {"result.corrected", "poll.annulled", "rep.checked_in", "rep.checked_out", "job.requested"} <= {
        e.action for e in entries
    }
    assert all(e.actor == secretariat for e in entries if e.action in {"result.corrected", "poll.annulled"})
    log = " ".join(
        f"{e.actor_label} {e.target} {e.details}"
        for e in entries
        if e.action not in {"rep.checked_in", "rep.checked_out", "codes.issued"}  # these name a person, not a vote
    )
    for voter, receipt, code in zip(voters, receipts, codes, strict=True):
        assert voter.name not in log and receipt not in log and code not in log
    from voting.models import voter_tag

    assert voter_tag(poll.pk, voters[0].pk) not in log


def test_correcting_and_annulling_send_their_events_after_commit_with_a_new_seq(
    published, monkeypatch, django_capture_on_commit_callbacks
):
    conf, secretariat, motion, poll = published
    from conference import events

    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        events, "send_together", lambda conference_id, together, audience: sent.extend((audience, e) for e in together)
    )
    seq = conf.__class__.objects.get(pk=conf.pk).event_seq
    with django_capture_on_commit_callbacks(execute=True):
        actions.correct_result(poll, {"for": 3, "against": 1, "abstain": 0}, "Recount", secretariat)
        assert sent == []  # nothing before commit
    # The corrected result for everyone, then the motion it now carries.
    assert [(a, e["type"], e["seq"]) for a, e in sent] == [
        ("all", "result.published", seq + 1),
        ("all", "motion.updated", seq + 2),
    ]
    assert sent[0][1]["poll_id"] == poll.pk and sent[0][1]["result"]["corrected"] is True
    assert sent[1][1]["item"]["outcome"] == "carried"
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rerun = actions.annul_and_rerun(poll, "Failure", secretariat)
    assert [(a, e["type"], e["seq"]) for a, e in sent] == [
        ("all", "motion.updated", seq + 3),
        ("all", "result.annulled", seq + 4),
    ]
    assert sent[1][1] == {"type": "result.annulled", "seq": seq + 4, "poll_id": poll.pk, "rerun_poll_id": rerun.pk}
    # The motion's outcome history keeps each step with its reason.
    assert list(motion.outcome_history.values_list("previous", "outcome", "reason")) == [
        ("", "lost", ""),
        ("lost", "carried", "Recount"),
        ("carried", "", "Failure"),
    ]
