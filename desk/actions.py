"""The secretariat's changes: imports, the registration desk, the record, documents.

Each runs in one transaction, writes an audit entry and sends its events after commit.
Access (secretariat only) is checked by the caller: views through ``desk.access``,
management commands act as the system.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from conference import errors
from conference.actions import audit, reissue_code
from conference.errors import Refused
from conference.events import kick_on_commit, publish, send_on_commit
from conference.models import LMC, Conference, Representative
from motions import procedure
from motions.models import Motion, MotionPart, Outcome, Section, StandingOrders
from policy import actions as policy_actions
from policy.models import PolicyEntry
from policy.records import motions_from_record
from policy.similar import similar_policy
from voting import events as voting_events
from voting import rules, secrecy
from voting.closing import thresholds
from voting.models import Poll
from voting.put import close_business as close_business_of
from voting.put import follow_changed_result, new_poll
from voting.record import motion_reference
from voting.results import send_published
from voting.turnout import send_open_poll_turnout

from . import documents, exports, sealed
from .imports import ImportReport
from .models import Deputisation, Job, ResultRevision

log = logging.getLogger(__name__)

# --- Imports ------------------------------------------------------------------------


def apply_import(
    conference: Conference, report: ImportReport, by: Representative | None, filename: str = ""
) -> Counter[str]:
    """Write a checked file, all or nothing. A report with problems writes nothing."""
    if not report.ok:
        raise Refused(errors.MALFORMED, _("The file has problems: nothing was imported."))
    counts: Counter[str] = Counter()
    changes: list[dict[str, Any]] = []
    with transaction.atomic():
        writer = {"lmcs": _import_lmcs, "representatives": _import_reps, "motions": _import_motions}[report.kind]
        writer(conference, report.rows, counts, changes)
        # The audit says what changed, field by field: {"row": key, "field", "from", "to"}.
        audit(
            conference, by, f"import.{report.kind}", filename or report.kind, rows=len(report.rows),
            changes=changes[:500], **counts,
        )  # fmt: skip
    return counts


def _changed(key: object, obj: Any, fields: dict[str, Any], changes: list[dict[str, Any]]) -> list[str]:
    """The fields whose value differs, each noted in ``changes`` with its old and new value."""
    names = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in names:
        changes.append({"row": str(key), "field": name, "from": str(getattr(obj, name)), "to": str(fields[name])})
    return names


def _import_lmcs(
    conference: Conference, rows: list[dict[str, Any]], counts: Counter[str], changes: list[dict[str, Any]]
) -> None:
    existing = {lmc.name: lmc for lmc in conference.lmcs.all()}
    for row in rows:
        lmc = existing.get(row["name"])
        if lmc is None:
            LMC.objects.create(conference=conference, name=row["name"], seats=row["seats"])
            counts["created"] += 1
        elif _changed(lmc.name, lmc, {"seats": row["seats"]}, changes):
            lmc.seats = row["seats"]
            lmc.save(update_fields=["seats"])
            counts["updated"] += 1


def _import_reps(
    conference: Conference, rows: list[dict[str, Any]], counts: Counter[str], changes: list[dict[str, Any]]
) -> None:
    lmcs = {lmc.name: lmc for lmc in conference.lmcs.all()}
    existing = {(r.lmc.name if r.lmc else "", r.name): r for r in conference.representatives.select_related("lmc")}
    for row in rows:
        rep = existing.get((row["lmc"], row["name"]))
        fields = {"email": row["email"], "role": row["role"], "is_active": row["active"]}
        if rep is None:
            Representative.objects.create(conference=conference, lmc=lmcs.get(row["lmc"]), name=row["name"], **fields)
            counts["created"] += 1
            continue
        changed = _changed(f"{row['lmc']}/{row['name']}", rep, fields, changes)
        if changed:
            was_active = rep.is_active
            for name in changed:
                setattr(rep, name, fields[name])
            rep.save(update_fields=changed)
            counts["updated"] += 1
            if was_active and not rep.is_active:
                kick_on_commit(conference.pk, f"rep:{rep.pk}")


def _import_motions(
    conference: Conference, rows: list[dict[str, Any]], counts: Counter[str], changes: list[dict[str, Any]]
) -> None:
    sections = {s.title: s for s in conference.sections.all()}
    next_order = (conference.sections.aggregate(n=Max("order"))["n"] or 0) + 1
    lmcs = {lmc.name: lmc for lmc in conference.lmcs.all()}
    on_floor = Conference.objects.filter(pk=conference.pk).values_list("current_motion_id", flat=True).get()
    position: Counter[str] = Counter()
    for row in rows:
        section = sections.get(row["section"])
        if section is None:
            section = sections[row["section"]] = Section.objects.create(
                conference=conference, title=row["section"], order=next_order
            )
            next_order += 1
            counts["sections"] += 1
        position[row["section"]] += 1
        fields = {
            "section": section,
            "order": position[row["section"]],
            "title": row["title"],
            "text": row["text"],
            "category": row["category"],
            "proposer": lmcs.get(row["proposer"]),
            "requires_two_thirds": row["two_thirds"],
        }
        motion = Motion.objects.filter(conference=conference, number=row["number"], emergency=False).first()
        created = motion is None
        if motion is None:
            motion = Motion.objects.create(conference=conference, number=row["number"], **fields)
            counts["created"] += 1
        changed = [] if created else _changed(f"motion {motion.number}", motion, fields, changes)
        if changed:
            for name in changed:
                setattr(motion, name, fields[name])
            motion.save(update_fields=changed)
        parts_changed = _import_parts(motion, row["parts"])
        if parts_changed and not created:
            changes.append({"row": f"motion {motion.number}", "field": "parts", "from": "", "to": str(row["parts"])})
        if not created and (changed or parts_changed):
            counts["updated"] += 1
            if motion.pk == on_floor:
                # The hall has this motion in front of it: its wording or parts change there too.
                procedure.send_motion_updated(motion)


def _import_parts(motion: Motion, parts: list[tuple[str, str]]) -> bool:
    existing = {p.label: p for p in motion.parts.all()}
    changed = False
    for order, (label, text) in enumerate(parts, start=1):
        part = existing.get(label)
        if part is None:
            MotionPart.objects.create(motion=motion, label=label, text=text, order=order)
            changed = True
        elif (part.text, part.order) != (text, order):
            part.text, part.order = text, order
            part.save(update_fields=["text", "order"])
            changed = True
    # A part that has been voted on stays in the record even if the file drops it.
    deleted, _by_model = (
        motion.parts.exclude(label__in=[label for label, _text in parts]).filter(polls__isnull=True).delete()
    )
    return changed or bool(deleted)


# --- Registration desk ---------------------------------------------------------------


def _no_open_poll(conference: Conference) -> None:
    if Poll.objects.filter(conference=conference, status=Poll.Status.OPEN).exists():
        # Otherwise a seat could vote twice: the absent one before, the deputy after.
        raise Refused(errors.INVALID_STATE, _("A vote is open: change seats after it closes."))


def set_checked_in(rep: Representative, present: bool, by: Representative | None) -> Representative:
    """The desk checks a representative in (present) or out; turnout follows."""
    with transaction.atomic():
        rep = Representative.objects.select_for_update(of=("self",)).select_related("conference").get(pk=rep.pk)
        if rep.checked_in == present:
            return rep
        rep.checked_in = present
        rep.save(update_fields=["checked_in"])
        audit(rep.conference, by, "rep.checked_in" if present else "rep.checked_out", rep, representative_id=rep.pk)
        send_open_poll_turnout(rep.conference.pk)
    return rep


def seat_deputy(absent: Representative, deputy: Representative, by: Representative | None) -> Deputisation:
    """A deputy of the same LMC takes an absent representative's seat until it is handed back."""
    with transaction.atomic():
        reps = Representative.objects.select_for_update(of=("self",)).select_related("conference", "lmc")
        absent, deputy = reps.get(pk=absent.pk), reps.get(pk=deputy.pk)
        conference = absent.conference
        lmc = absent.lmc
        if deputy.conference_id != conference.pk or lmc is None or deputy.lmc_id != lmc.pk:
            raise Refused(errors.MALFORMED, _("A deputy must be of the same LMC at the same conference."))
        if absent.role != Representative.Role.REPRESENTATIVE or deputy.role != Representative.Role.REPRESENTATIVE:
            raise Refused(errors.MALFORMED, _("Only a representative's seat can be taken, by a representative."))
        if not absent.is_active or deputy.is_active:
            raise Refused(errors.INVALID_STATE, _("The deputy must be off the roll and the one replaced on it."))
        _no_open_poll(conference)
        absent.is_active, absent.checked_in = False, False
        deputy.is_active, deputy.checked_in = True, True
        absent.save(update_fields=["is_active", "checked_in"])
        deputy.save(update_fields=["is_active", "checked_in"])
        seat = Deputisation.objects.create(conference=conference, lmc=lmc, absent=absent, deputy=deputy)
        audit(conference, by, "deputy.seated", deputy, deputy_id=deputy.pk, absent_id=absent.pk)
        kick_on_commit(conference.pk, f"rep:{absent.pk}")
        send_open_poll_turnout(conference.pk)
    return seat


def end_deputisation(seat: Deputisation, by: Representative | None) -> Deputisation:
    """The representative returns: the deputy leaves the roll, the representative is back and present."""
    with transaction.atomic():
        seat = (
            Deputisation.objects.select_for_update(of=("self",))
            .select_related("conference", "absent", "deputy")
            .get(pk=seat.pk)
        )
        if seat.ended_at is not None:
            return seat
        _no_open_poll(seat.conference)
        Representative.objects.filter(pk=seat.deputy_id).update(is_active=False, checked_in=False)
        Representative.objects.filter(pk=seat.absent_id).update(is_active=True, checked_in=True)
        seat.ended_at = timezone.now()
        seat.save(update_fields=["ended_at"])
        audit(seat.conference, by, "deputy.stood_down", seat.deputy, deputy_id=seat.deputy_id, absent_id=seat.absent_id)
        kick_on_commit(seat.conference_id, f"rep:{seat.deputy_id}")
        send_open_poll_turnout(seat.conference.pk)
    return seat


# --- The record: corrections, annulment and re-run -----------------------------------

CORRECTABLE_OUTCOMES = {rules.CARRIED, rules.LOST, Outcome.CARRIED_AS_REFERENCE.value}


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Refused(errors.MALFORMED, _("Give the reason: it goes into the record."))
    return reason[:2000]


def correct_result(
    poll: Poll, counts: dict[str, int], reason: str, by: Representative | None, outcome: str = ""
) -> Poll:
    """Replace a declared result with corrected counts (and, if given, outcome).

    The result as it was stays in a ResultRevision; a published result is published
    again, and the motion's outcome follows it (with the reason in its outcome history).
    """
    reason = _require_reason(reason)
    if outcome and outcome not in CORRECTABLE_OUTCOMES:
        raise Refused(errors.MALFORMED, _("Unknown outcome."))
    with transaction.atomic():
        poll = (
            Poll.objects.select_for_update(of=("self",)).select_related("conference", "motion", "part").get(pk=poll.pk)
        )
        if poll.status not in (Poll.Status.CLOSED, Poll.Status.PUBLISHED):
            raise Refused(errors.INVALID_STATE, _("Only a closed or published result can be corrected."))
        result = _corrected(poll, counts, outcome)
        previous = poll.result
        changes_outcome = (previous or {}).get("outcome") != result["outcome"]
        poll.result = result
        poll.save(update_fields=["result"])
        ResultRevision.objects.create(
            poll=poll,
            kind=ResultRevision.Kind.CORRECTION,
            reason=reason,
            previous_status=poll.status,
            previous_result=previous,
            new_result=result,
            by=by,
        )
        audit(
            poll.conference, by, "result.corrected", poll, poll_id=poll.pk, reason=reason,
            previous_outcome=(previous or {}).get("outcome", ""), outcome=result["outcome"],
            previous_counts=_counts(previous), counts=_counts(result),
        )  # fmt: skip
        if poll.status == Poll.Status.PUBLISHED:
            send_published(poll)
            if changes_outcome:
                # Whatever the vote decided follows: a motion or parts, an amendment, a procedural motion, a block.
                follow_changed_result(poll, result["outcome"], by, reason)
    return poll


def _corrected(poll: Poll, counts: dict[str, int], outcome: str) -> dict[str, Any]:
    options = list(poll.options.all())
    if set(counts) != {o.key for o in options} or any(not isinstance(n, int) or n < 0 for n in counts.values()):
        raise Refused(errors.MALFORMED, _("Give a count of zero or more for every choice."))
    tallied = [rules.OptionCount(o.key, o.label, counts[o.key]) for o in options]
    result = rules.decide(
        tallied, poll.majority, chair_casting_vote=poll.conference.chair_casting_vote,
        thresholds=thresholds(poll.conference_id),
    ).as_dict()  # fmt: skip
    if outcome:
        result["outcome"] = outcome
    if result["outcome"] == rules.TIE_AWAITING_CHAIR and poll.status == Poll.Status.PUBLISHED:
        raise Refused(errors.INVALID_STATE, _("These counts tie: give the outcome the chair declared."))
    result["corrected"] = True
    return result


def _counts(result: dict[str, Any] | None) -> dict[str, int]:
    """Totals per choice: the audit keeps the numbers, never who voted which way."""
    return {c["key"]: c["count"] for c in (result or {}).get("counts", [])}


def annul_and_rerun(poll: Poll, reason: str, by: Representative | None) -> Poll:
    """Annul a vote (open, closed or published) and set up the same question again.

    The annulled poll keeps its ballots and result in the record; the motion (or part)
    it decided is undecided again until the re-run is published. Returns the new poll,
    a draft for the chair to open.
    """
    reason = _require_reason(reason)
    with transaction.atomic():
        poll = (
            Poll.objects.select_for_update(of=("self",)).select_related("conference", "motion", "part").get(pk=poll.pk)
        )
        if poll.status not in (Poll.Status.OPEN, Poll.Status.CLOSED, Poll.Status.PUBLISHED):
            raise Refused(errors.INVALID_STATE, _("Only a vote that has been opened can be annulled."))
        previous_status = poll.status
        unreadable = 0
        if previous_status == Poll.Status.OPEN:
            # Its ballots stay in the record, unsealed and shuffled as at a close; if the
            # ballot key is lost they can never be read, and only then are they discarded.
            try:
                secrecy.unseal_ballots(poll)
            except secrecy.BallotKeyLost:
                unreadable = secrecy.discard_sealed_ballots(poll)
        poll.status = Poll.Status.ANNULLED
        poll.closed_at = poll.closed_at or timezone.now()
        poll.save(update_fields=["status", "closed_at", "sealed_key"])
        if previous_status == Poll.Status.PUBLISHED:
            follow_changed_result(poll, None, by, reason)
        rerun = _rerun(poll)
        ResultRevision.objects.create(
            poll=poll,
            kind=ResultRevision.Kind.ANNULMENT,
            reason=reason,
            previous_status=previous_status,
            previous_result=poll.result,
            rerun=rerun,
            by=by,
        )
        audit(
            poll.conference, by, "poll.annulled", poll, poll_id=poll.pk, rerun_poll_id=rerun.pk, reason=reason,
            previous_status=previous_status, **({"unreadable_ballots_discarded": unreadable} if unreadable else {}),
        )  # fmt: skip
        # What everyone sees changes (an open vote stops, a published result is set aside):
        # a new seq, so no snapshot cached before it is served after it.
        seq = publish(poll.conference, voting_events.RESULT_ANNULLED, {"poll_id": poll.pk, "rerun_poll_id": rerun.pk})
        if previous_status == Poll.Status.OPEN:
            # The same number as the annulment: one change that everyone sees at once.
            send_on_commit(poll.conference_id, {"type": voting_events.POLL_CLOSED, "seq": seq, "poll_id": poll.pk})
    return rerun


def _rerun(poll: Poll) -> Poll:
    """The same question on the same thing (motion, part, amendment, procedural motion or
    block), with the same choices, as a draft."""
    rerun = new_poll(
        poll.conference_id,
        poll.question,
        kind=poll.kind,
        majority=poll.majority,
        options=[(o.key, o.label, o.motion) if o.motion else (o.key, o.label) for o in poll.options.all()],
        motion_id=poll.motion_id,
        part_id=poll.part_id,
        amendment_id=poll.amendment_id,
        procedural_id=poll.procedural_id,
        allow_change=poll.allow_change,
        secret=poll.secret,
        max_choices=poll.max_choices,
    )
    rerun.block_motions.set(poll.block_motions.all())
    rerun.parts.set(poll.parts.all())
    return rerun


# --- The close and the published record ---------------------------------------------


def close_business(conference: Conference, by: Representative | None) -> int:
    """At the close: every motion still open is marked not reached, in one action."""
    with transaction.atomic():
        marked = close_business_of(conference, by)
        audit(conference, by, "business.closed", conference, not_reached=[m.number for m in marked])
    return len(marked)


def publish_record(conference: Conference, by: Representative | None, base_url: str = "") -> Job:
    """The secretariat has checked the draft: the resolutions go public (PDF, CSV, JSON)."""
    with transaction.atomic():
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        conference.record_published_at = timezone.now()
        conference.save(update_fields=["record_published_at"])
        audit(conference, by, "record.published", conference)
        record_policy(conference, by)
        return request_job(conference, Job.Kind.RESOLUTIONS, by, base_url=base_url)


def record_policy(conference: Conference, by: Representative | None) -> policy_actions.Recorded | None:
    """The published record's decisions (the wording as decided, part by part) as entries of
    the conference's policy book, if it keeps one (``PolicyBody.conferences``). Publishing
    again changes only what the record changed."""
    body = policy_actions.body_of(conference)
    if body is None:
        return None
    decided = motions_from_record(exports.resolutions(conference))
    return policy_actions.record_entries(conference, body, decided, actor=by)


SUGGESTIONS = 3  # entries listed for each motion


def policy_suggestions(conference: Conference) -> list[dict[str, Any]]:
    """Each motion with the existing policy it most likely restates (most alike first) and,
    once it is carried and its record published, its own entries, which can reaffirm them."""
    own: dict[str, list[PolicyEntry]] = {}
    for entry in PolicyEntry.objects.filter(conference=conference).order_by("part"):
        own.setdefault(entry.motion_number, []).append(entry)
    listed = []
    for motion in conference.motions.select_related("section").order_by("number"):
        similar = similar_policy(motion.wording, motion.title, exclude_conference=conference, limit=SUGGESTIONS)
        listed.append({"motion": motion, "similar": similar, "own": own.get(motion_reference(motion), [])})
    return listed


def reaffirm_policy(conference: Conference, by: Representative, motion_id: int, reference: str) -> PolicyEntry:
    """One action: the carried motion's entry reaffirms the existing entry it restates."""
    motion = conference.motions.filter(pk=motion_id).first()
    if motion is None:
        raise Refused(errors.MALFORMED, _("No such motion at this conference."))
    own = PolicyEntry.objects.filter(conference=conference, motion_number=motion_reference(motion))
    by_entry = own.order_by("part").first()
    if by_entry is None:
        raise Refused(
            errors.INVALID_STATE,
            _("Motion %(n)s has no policy entry yet: it must be carried and the record published.")
            % {"n": motion_reference(motion)},
        )
    entry = PolicyEntry.objects.filter(reference=reference).exclude(conference=conference).first()
    if entry is None:
        raise Refused(errors.MALFORMED, _("No entry %(ref)s in the policy book.") % {"ref": reference})
    reason = _("Motion %(n)s of %(conference)s restates it.") % {
        "n": motion_reference(motion),
        "conference": conference.name,
    }
    return policy_actions.reaffirm(entry, by_entry, actor=by, reason=reason)


# --- A new conference ------------------------------------------------------------------

COPIED_SETTINGS = ("chair_casting_vote", "require_check_in")


def create_conference(
    source: Conference,
    by: Representative,
    *,
    name: str,
    slug: str,
    negotiating_body: str,
    starts_on: Any = None,
    ends_on: Any = None,
    venue: str = "",
) -> Conference:
    """The secretariat starts a new conference from an existing one: its settings and
    standing orders copied, the body motions are referred to named for the new one, and
    the secretariat (the same person) its secretariat too. No superuser, no admin."""
    name, slug, body = name.strip(), slug.strip().lower(), negotiating_body.strip()
    if not name or not body:
        raise Refused(errors.MALFORMED, _("Give the conference's name and the body its motions are referred to."))
    if not slug or not all(c.isalnum() or c == "-" for c in slug) or len(slug) > 50:
        raise Refused(errors.MALFORMED, _("The address name uses only letters, digits and hyphens."))
    if Conference.objects.filter(slug=slug).exists():
        raise Refused(errors.INVALID_STATE, _("A conference with that address name exists already."))
    if ends_on and starts_on and ends_on < starts_on:
        raise Refused(errors.MALFORMED, _("The conference ends before it starts."))
    with transaction.atomic():
        conference = Conference.objects.create(
            name=name[:200], slug=slug, starts_on=starts_on, ends_on=ends_on, venue=venue.strip()[:200],
            **{f: getattr(source, f) for f in COPIED_SETTINGS},
        )  # fmt: skip
        rules_from = StandingOrders.of(source)
        copied = {
            f.name: getattr(rules_from, f.name)
            for f in StandingOrders._meta.concrete_fields
            if f.name not in {"id", "conference", "day_ends_at"}
        }
        # The new conference's own row (made with it, motions.apps) takes the copy and its body.
        StandingOrders.objects.update_or_create(conference=conference, defaults={**copied, "refer_to": body[:100]})
        Representative.objects.create(
            conference=conference, name=by.name, email=by.email, role=Representative.Role.SECRETARIAT, user=by.user
        )
        audit(source, by, "conference.created", conference, slug=slug, copied_from=source.slug)
        audit(conference, by, "conference.created", conference, copied_from=source.slug, refer_to=body)
    return conference


# --- Documents and mail --------------------------------------------------------------


class CardScope:
    """Whom a card job issues codes to."""

    MISSING = "missing"  # every representative without a code yet: nobody's card stops working
    ALL = "all"  # everyone: every card printed before stops working (asked to confirm)
    ONE = "one"  # one person: their code reissued (the desk's "new code and card")
    CHOSEN = "chosen"  # the representatives picked in the admin: their old cards stop working
    CHOICES = (MISSING, ALL, ONE, CHOSEN)


def card_recipients(
    conference: Conference, kind: str, scope: str, rep_id: int | None = None, rep_ids: list[int] | None = None
) -> list[int]:
    """The representatives a card job will issue codes to, fixed when it is requested (so a
    redelivered task issues to the same people). An e-mail job leaves out those it cannot
    reach: their cards keep working."""
    reps = conference.representatives.filter(role=Representative.Role.REPRESENTATIVE)
    if scope == CardScope.MISSING:
        reps = reps.filter(access_code_hash__isnull=True)
    elif scope == CardScope.ONE and rep_id is not None:
        reps = reps.filter(pk=rep_id)
    elif scope == CardScope.CHOSEN:
        reps = reps.filter(pk__in=rep_ids or [])
    elif scope != CardScope.ALL:
        raise Refused(errors.MALFORMED, _("Choose whose codes to issue."))
    if kind == Job.Kind.EMAIL_CARDS:
        reps = reps.filter(is_active=True).exclude(email="")
    return list(reps.order_by("pk").values_list("pk", flat=True))


def request_cards(
    conference: Conference,
    kind: str,
    by: Representative | None,
    scope: str,
    *,
    base_url: str,
    rep_id: int | None = None,
    rep_ids: list[int] | None = None,
    email: bool = False,
    confirmed: bool = False,
) -> Job:
    """Issue codes and make their cards (PDF, or a mail each): the one way codes are handed out."""
    if kind not in Job.CARD_KINDS:
        raise Refused(errors.MALFORMED, _("Not a login-card job."))
    if scope == CardScope.ALL and not confirmed:
        raise Refused(
            errors.MALFORMED, _("Confirm that every login card printed before will stop working, then try again.")
        )
    rep_ids = card_recipients(conference, kind, scope, rep_id, rep_ids)
    if not rep_ids:
        if scope == CardScope.MISSING:
            raise Refused(errors.INVALID_STATE, _("Every representative has a code already."))
        raise Refused(errors.INVALID_STATE, _("No representative to issue a code to."))
    return request_job(conference, kind, by, base_url=base_url, scope=scope, rep_ids=rep_ids, email=email)


def request_job(conference: Conference, kind: str, by: Representative | None, **params: Any) -> Job:
    """Queue a document or a mailing; a Celery task does the work after commit."""
    from . import tasks

    task = {
        Job.Kind.LOGIN_CARDS: tasks.build_login_cards,
        Job.Kind.RESOLUTIONS: tasks.build_resolutions,
        Job.Kind.EMAIL_CARDS: tasks.email_login_cards,
        Job.Kind.EMAIL_RESOLUTIONS: tasks.email_resolutions,
    }[Job.Kind(kind)]
    with transaction.atomic():
        job = Job.objects.create(conference=conference, kind=kind, params=params, requested_by=by)
        audit(
            conference,
            by,
            "job.requested",
            job.get_kind_display(),
            job_id=job.pk,
            kind=kind,
            representatives=len(params.get("rep_ids") or []) or "all",
        )
        transaction.on_commit(lambda: task.delay(job.pk))
    return job


def reissue_with_card(rep: Representative, by: Representative | None, base_url: str) -> tuple[Job, str]:
    """The desk's "new code and card" for one person, at once: the old code stops working, the
    new one is returned (to show once) and its card kept as a one-download sheet."""
    with transaction.atomic():
        code = reissue_code(rep, by)
        card = documents.login_cards_pdf(rep.conference, [(rep, code)], base_url)
        now = timezone.now()
        job = Job.objects.create(
            conference=rep.conference,
            kind=Job.Kind.LOGIN_CARDS,
            status=Job.Status.DONE,
            params={"base_url": base_url, "scope": CardScope.ONE, "rep_ids": [rep.pk]},
            done=1,
            total=1,
            filename=f"login-card-{rep.pk}.pdf",
            content_type="application/pdf",
            requested_by=by,
            finished_at=now,
            expires_at=now + timedelta(minutes=settings.LOGIN_CARDS_KEEP_MINUTES),
        )
        Job.objects.filter(pk=job.pk).update(content=sealed.seal(job.pk, card))
        from . import tasks

        tasks.schedule_purge()
    return job, code


def take_download(job_id: int, conference: Conference, by: Representative | None) -> tuple[str, bytes] | None:
    """A finished job's file: (filename, content), or None if there is none (any more).

    A sheet of login cards is handed out once: it is opened, deleted from the row and its
    download recorded, in one transaction, so no second copy can be taken from the server.
    """
    purge_card_sheets()
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id, conference=conference, status=Job.Status.DONE).first()
        if job is None or not job.content:
            return None
        if not job.issues_codes:
            return job.filename, bytes(job.content)
        try:
            content = sealed.unseal(job.pk, bytes(job.content))
        except InvalidTag:
            log.error("desk job %s: the card sheet cannot be opened: ACCESS_CODE_KEY changed", job.pk)
            return None
        Job.objects.filter(pk=job.pk).update(content=None, downloaded_at=timezone.now())
        audit(job.conference_id, by, "cards.downloaded", job.filename, job_id=job.pk)
    return job.filename, content


def purge_card_sheets() -> int:
    """Delete the card sheets nobody downloaded in time: their codes then exist nowhere."""
    return Job.purge_card_sheets()
