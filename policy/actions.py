"""Every change to the policy book: one function each, in one transaction, audited.

Who may change it: the secretariat of a conference whose decisions are the body's
policy (``PolicyBody.conferences``). ``actor=None`` is the system itself (the desk's
publishing, a management command, the demo) and is only ever passed by code.

Each status change writes the entry's public history (``StatusChange``) and an
``AuditEntry`` of the conference it was made at (the actor's; for the system, the
entry's own conference, else the body's latest).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from conference import errors
from conference.actions import audit
from conference.errors import Refused
from conference.models import Conference, Representative

from . import records
from .models import IN_FORCE, LINKED, EntryStatus, PolicyBody, PolicyEntry, StatusChange
from .records import EntryRow, Where

# --- Who may -------------------------------------------------------------------------


def may_keep(actor: Representative | None, body: PolicyBody) -> bool:
    """The secretariat of one of the body's conferences, still active."""
    if actor is None or actor.role != Representative.Role.SECRETARIAT or not actor.is_active:
        return False
    return body.conferences.filter(pk=actor.conference_id).exists()


def check_keeper(actor: Representative | None, body: PolicyBody) -> None:
    if not may_keep(actor, body):
        raise Refused(
            "forbidden", _("Only the secretariat of a %(body)s conference can change its policy.") % {"body": body.name}
        )


def keeper_for(user: Any, body: PolicyBody) -> Representative | None:
    """The signed-in user's secretariat role at one of the body's conferences, if any."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    roles = Representative.objects.select_related("conference").filter(
        user_id=user.pk, role=Representative.Role.SECRETARIAT, is_active=True, conference__policy_bodies=body
    )
    return roles.order_by("-conference__starts_on", "pk").first()


# --- The audit -------------------------------------------------------------------------


def _actor_label(actor: Representative | None) -> str:
    return f"{actor.name} ({actor.get_role_display()})" if actor else "system"


def _audit_conference(actor: Representative | None, body: PolicyBody, entry: PolicyEntry | None) -> int | None:
    if actor is not None:
        return actor.conference_id
    if entry is not None and entry.conference_id:
        return entry.conference_id
    latest = body.conferences.order_by("-starts_on", "-pk").values_list("pk", flat=True).first()
    return latest


def _audit(
    actor: Representative | None,
    body: PolicyBody,
    action: str,
    target: str,
    entry: PolicyEntry | None = None,
    **details: Any,
) -> None:
    """Through ``conference.actions.audit``; a body with no conference here has its entries' history only."""
    conference_id = _audit_conference(actor, body, entry)
    if conference_id is None:
        return
    audit(conference_id, actor, action, target, **details)


# --- Bodies ----------------------------------------------------------------------------


def ensure_body(
    code: str, name: str, *, lapse_years: int | None = None, conference: Conference | None = None
) -> PolicyBody:
    """The body with this code (made if new; its name and rule are left as they are), linked to ``conference``."""
    body, _created = PolicyBody.objects.get_or_create(code=code, defaults={"name": name, "lapse_years": lapse_years})
    if conference is not None:
        body.conferences.add(conference)
    return body


def body_of(conference: Conference) -> PolicyBody | None:
    return PolicyBody.objects.filter(conferences=conference).order_by("pk").first()


MAX_LAPSE_YEARS = 50


def clean_lapse_years(value: object) -> int | None:
    """A lapse rule as typed: empty (never lapses) or a whole number of years, 1 to 50."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_LAPSE_YEARS:
        raise Refused(
            errors.MALFORMED,
            _("The lapse rule is a whole number of years from 1 to %(max)s, or empty: never.")
            % {"max": MAX_LAPSE_YEARS},
        )
    return int(text)


def set_lapse_rule(
    body: PolicyBody, years: object, *, actor: Representative | None, today: datetime.date | None = None
) -> list[str]:
    """The secretariat sets its body's lapse rule (audited) and it is applied at once; the
    references it lapsed are returned. Entries already lapsed stay lapsed (reaffirm revives)."""
    check_keeper(actor, body)
    rule = clean_lapse_years(years)
    with transaction.atomic():
        body = PolicyBody.objects.select_for_update().get(pk=body.pk)
        before = body.lapse_years
        if before == rule:
            return []
        body.lapse_years = rule
        body.save(update_fields=["lapse_years"])
        _audit(actor, body, "policy.lapse_rule", body.code, before=before, after=rule)
    return apply_lapse(today, body=body) if rule is not None else []


# --- Writing entries -------------------------------------------------------------------

WRITTEN_FIELDS = (
    "conference_name", "year", "date", "motion_number", "part", "section", "proposer", "title", "wording",
    "tabled_wording", "outcome",
)  # fmt: skip


def _fields_of(row: EntryRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in WRITTEN_FIELDS}


def _apply_counts(entry: PolicyEntry, row: EntryRow) -> None:
    entry.set_counts(*row.counts)
    if row.percents is not None and row.counts == records.NO_COUNTS:
        entry.percent_for, entry.percent_against, entry.percent_abstain = row.percents


def _count_fields(entry: PolicyEntry) -> tuple[Any, ...]:
    return (entry.votes_for, entry.votes_against, entry.votes_abstain,
            entry.percent_for, entry.percent_against, entry.percent_abstain)  # fmt: skip


def _write(row: EntryRow, body: PolicyBody, conference: Conference | None, entry: PolicyEntry | None) -> bool:
    """Create or update one entry's own fields (not its status); True if anything changed."""
    if entry is None:
        entry = PolicyEntry(reference=row.reference, body=body, conference=conference, status=row.initial_status)
        for name, value in _fields_of(row).items():
            setattr(entry, name, value)
        _apply_counts(entry, row)
        entry.save()
        return True
    before = ({name: getattr(entry, name) for name in WRITTEN_FIELDS}, _count_fields(entry))
    for name, value in _fields_of(row).items():
        setattr(entry, name, value)
    _apply_counts(entry, row)
    if ({name: getattr(entry, name) for name in WRITTEN_FIELDS}, _count_fields(entry)) == before:
        return False
    entry.save()
    return True


@dataclass
class Recorded:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # No longer carried in the record but linked to, or given a status since: left for the secretariat.
    kept: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.created or self.changed or self.removed or self.kept)


def _where(conference: Conference, body: PolicyBody, motions: list[Mapping[str, Any]]) -> Where:
    day = conference.starts_on or _first_decided(motions) or timezone.localdate()
    return Where(body.code, conference.name, day.year, day)


def _first_decided(motions: list[Mapping[str, Any]]) -> datetime.date | None:
    for motion in motions:
        stamp = motion.get("decided_at")
        if stamp:
            try:
                return timezone.localdate(datetime.datetime.fromisoformat(str(stamp)))
            except ValueError:
                continue
    return None


def record_entries(
    conference: Conference,
    body: PolicyBody,
    motions: Iterable[Mapping[str, Any]],
    *,
    actor: Representative | None = None,
) -> Recorded:
    """The published decisions of ``conference`` as the body's policy entries.

    ``motions`` are decided-motion records (``records.motions_from_resolutions`` of the
    resolutions JSON). Idempotent: publishing again changes only what the record changed,
    keeps every status, and removes an entry no longer carried unless it is linked to or
    has been given a status (those are reported as ``kept``).
    """
    own = actor is None or (
        actor.role == Representative.Role.SECRETARIAT and actor.is_active and actor.conference_id == conference.pk
    )
    if not own:
        raise Refused("forbidden", _("Only this conference's secretariat can publish its policy."))
    motions = list(motions)
    rows = records.rows_from_motions(motions, _where(conference, body, motions))
    with transaction.atomic():
        body.conferences.add(conference)
        _refuse_clashes(rows, conference)
        existing = {e.reference: e for e in PolicyEntry.objects.select_for_update().filter(conference=conference)}
        result = Recorded()
        for row in rows:
            entry = existing.pop(row.reference, None)
            if _write(row, body, conference, entry):
                (result.changed if entry else result.created).append(row.reference)
            if entry is not None:
                _follow_outcome(entry, row, actor)
        _remove_no_longer_carried(list(existing.values()), result)
        if result.any:
            _audit(actor, body, "policy.recorded", conference.name, **vars(result))
    return result


def _refuse_clashes(rows: list[EntryRow], conference: Conference) -> None:
    taken = PolicyEntry.objects.filter(reference__in=[r.reference for r in rows]).exclude(conference=conference)
    clash = taken.values_list("reference", "conference_name").first()
    if clash:
        raise Refused(
            "reference_taken",
            _("%(ref)s is already the reference of an entry of %(other)s: give this conference its own body code.")
            % {"ref": clash[0], "other": clash[1]},
        )


def _follow_outcome(entry: PolicyEntry, row: EntryRow, actor: Representative | None) -> None:
    """A corrected outcome (carried ↔ carried as a reference) moves an entry nobody has touched."""
    wanted = records.initial_status(row.outcome)
    if entry.status in (EntryStatus.POLICY, EntryStatus.REFERENCE) and entry.status != wanted:
        _change_status(entry, wanted, None, actor, _("The outcome was corrected in the published record."))


def _remove_no_longer_carried(entries: list[PolicyEntry], result: Recorded) -> None:
    for entry in entries:
        untouched = entry.status in (EntryStatus.POLICY, EntryStatus.REFERENCE) and not entry.status_history.exists()
        if untouched:
            try:
                with transaction.atomic():
                    entry.delete()
                result.removed.append(entry.reference)
                continue
            except ProtectedError:
                pass
        result.kept.append(entry.reference)


# --- Statuses --------------------------------------------------------------------------


def _change_status(
    entry: PolicyEntry,
    status: str,
    link: PolicyEntry | None,
    actor: Representative | None,
    reason: str,
    conference_id: int | None = None,
) -> None:
    previous = entry.status
    entry.status = status
    if status == EntryStatus.SUPERSEDED:
        entry.superseded_by = link
    elif previous == EntryStatus.SUPERSEDED:
        entry.superseded_by = None
    if status == EntryStatus.REAFFIRMED:
        entry.reaffirmed_by = link
    entry.status_changed_at = timezone.now()
    entry.save(update_fields=["status", "superseded_by", "reaffirmed_by", "last_affirmed", "status_changed_at"])
    StatusChange.objects.create(
        entry=entry, previous=previous, status=status, link=link, actor_label=_actor_label(actor), reason=reason
    )
    _audit(
        actor, entry.body, "policy.status", entry.reference, entry,
        previous=previous, status=status, link=link.reference if link else "", reason=reason,
    )  # fmt: skip


def _check_link(entry: PolicyEntry, status: str, link: PolicyEntry | None) -> None:
    if status not in EntryStatus.values:
        raise Refused("bad_status", _("Unknown status “%(s)s”.") % {"s": status})
    if status not in LINKED:
        if link is not None:
            raise Refused("no_link", _("Only a superseded or reaffirmed entry names another entry."))
        return
    if link is None:
        raise Refused("link_required", _("Name the entry that supersedes or reaffirms it."))
    if link.pk == entry.pk:
        raise Refused("link_self", _("An entry cannot supersede or reaffirm itself."))
    if link.body_id != entry.body_id:
        raise Refused("link_body", _("The other entry must be policy of the same body."))
    if link.carried_on < entry.carried_on:
        raise Refused(
            "link_earlier",
            _("%(link)s was carried before %(ref)s: only a later decision can do that.")
            % {"link": link.reference, "ref": entry.reference},
        )
    if status == EntryStatus.SUPERSEDED and link.superseded_by_id == entry.pk:
        raise Refused(
            "link_cycle",
            _("%(link)s is itself superseded by %(ref)s.") % {"link": link.reference, "ref": entry.reference},
        )


def set_status(
    entry: PolicyEntry,
    status: str,
    link: PolicyEntry | None = None,
    *,
    actor: Representative | None,
    reason: str,
) -> PolicyEntry:
    """Set an entry's status (superseded and reaffirmed name the later entry), with a reason."""
    check_keeper(actor, entry.body)
    reason = " ".join(reason.split())
    if not reason:
        raise Refused("reason_required", _("Give a reason for the change: it is part of the record."))
    if status == EntryStatus.REAFFIRMED:
        if link is None:
            raise Refused("link_required", _("Name the entry that supersedes or reaffirms it."))
        return reaffirm(entry, link, actor=actor, reason=reason)
    _check_link(entry, status, link)
    with transaction.atomic():
        entry = PolicyEntry.objects.select_for_update().select_related("body").get(pk=entry.pk)
        if entry.status == status and (link is None or entry.superseded_by_id == link.pk):
            return entry
        _change_status(entry, status, link, actor, reason)
    return entry


def reaffirm(
    entry: PolicyEntry, by_entry: PolicyEntry, *, actor: Representative | None, reason: str = ""
) -> PolicyEntry:
    """A later conference carried it again: it stays policy, and its lapse clock restarts.

    One action for the secretariat when a motion carried today restates an entry. A
    lapsed entry is revived; a superseded or rescinded one cannot be (the new entry stands
    as policy on its own).
    """
    check_keeper(actor, entry.body)
    _check_link(entry, EntryStatus.REAFFIRMED, by_entry)
    with transaction.atomic():
        entry = PolicyEntry.objects.select_for_update().select_related("body").get(pk=entry.pk)
        if entry.status in (EntryStatus.SUPERSEDED, EntryStatus.RESCINDED):
            raise Refused(
                "not_in_force",
                _("%(ref)s is %(status)s: record the new entry as policy in its own right.")
                % {"ref": entry.reference, "status": entry.get_status_display().lower()},
            )
        if entry.status == EntryStatus.REAFFIRMED and entry.reaffirmed_by_id == by_entry.pk:
            return entry
        entry.last_affirmed = max(filter(None, [entry.last_affirmed, by_entry.carried_on]))
        why = reason or _("Reaffirmed by %(ref)s.") % {"ref": by_entry.reference}
        _change_status(entry, EntryStatus.REAFFIRMED, by_entry, actor, why)
    return entry


def apply_lapse(today: datetime.date | None = None, *, body: PolicyBody | None = None) -> list[str]:
    """Lapse every entry past its body's rule: N years after it was last carried or reaffirmed.

    Lapsed entries stay in the book and in search, saying so. Returns their references.
    """
    today = today or timezone.localdate()
    bodies = PolicyBody.objects.filter(lapse_years__isnull=False)
    if body is not None:
        bodies = bodies.filter(pk=body.pk)
    lapsed: list[str] = []
    for each in bodies:
        lapsed += _lapse_body(each, today)
    return lapsed


def _lapse_body(body: PolicyBody, today: datetime.date) -> list[str]:
    years = body.lapse_years or 0
    lapsed = []
    with transaction.atomic():
        candidates = body.entries.select_for_update().filter(status__in=IN_FORCE, year__lte=today.year - years)
        for entry in candidates.select_related("body"):
            due = entry.lapses_on()
            if due is not None and due <= today:
                reason = _("The lapse rule: %(n)s years after it was last carried or reaffirmed (%(d)s).") % {
                    "n": years, "d": entry.affirmed_on.isoformat()}  # fmt: skip
                _change_status(entry, EntryStatus.LAPSED, None, None, reason)
                lapsed.append(entry.reference)
    return lapsed


# --- Imports ---------------------------------------------------------------------------


@dataclass
class Imported:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)


def apply_import(rows: list[EntryRow], body: PolicyBody, *, actor: Representative | None, filename: str) -> Imported:
    """Write the rows of a checked import (``policy.imports.check_import``), all or nothing.

    Entries are matched by reference, so importing the same file again changes nothing.
    A status that differs from the book's is changed as any status is: with its history.
    """
    bodies = {code: PolicyBody.objects.get(code=code) for code in {r.body_code or body.code for r in rows}}
    for each in bodies.values():
        if actor is not None:
            check_keeper(actor, each)
    result = Imported()
    with transaction.atomic():
        existing = PolicyEntry.objects.select_for_update().in_bulk([r.reference for r in rows], field_name="reference")
        for row in rows:
            entry = existing.get(row.reference)
            if _write(row, bodies[row.body_code or body.code], None, entry):
                (result.changed if entry else result.created).append(row.reference)
        _import_statuses(rows, actor, filename, result)
        if result.created or result.changed or result.statuses:
            _audit(actor, body, "policy.imported", filename, **vars(result))
    return result


def _import_statuses(rows: list[EntryRow], actor: Representative | None, filename: str, result: Imported) -> None:
    """Statuses and links as the file gives them: a new entry starts so, an existing one is changed so."""
    entries = PolicyEntry.objects.select_related("body").in_bulk([r.reference for r in rows], field_name="reference")
    linked = [ref for r in rows for ref in (r.superseded_by, r.reaffirmed_by) if ref]
    targets = PolicyEntry.objects.in_bulk(linked, field_name="reference")
    created = set(result.created)
    reason = _("Imported from %(file)s.") % {"file": filename}
    for row in rows:
        entry, status = entries[row.reference], row.initial_status
        link = targets.get(row.superseded_by) if status == EntryStatus.SUPERSEDED else targets.get(row.reaffirmed_by)
        entry.last_affirmed = row.last_affirmed or entry.last_affirmed
        entry.reaffirmed_by = targets.get(row.reaffirmed_by, entry.reaffirmed_by)
        if row.reference in created:
            entry.superseded_by = link if status == EntryStatus.SUPERSEDED else None
        elif entry.status != status or (
            status in LINKED and getattr(entry, LINKED[status] + "_id") != (link.pk if link else None)
        ):
            _change_status(entry, status, link if status in LINKED else None, actor, reason)
            result.statuses.append(row.reference)
            continue
        entry.save(update_fields=["last_affirmed", "reaffirmed_by", "superseded_by"])
