"""Opening a poll and taking votes: one function each (DESIGN §3, §4).

The vote path in order: ``voting.put`` makes the poll, ``open_poll`` opens it, ``record_votes``
(through the writer) and ``cast_vote`` take the votes, ``voting.closing`` closes and declares,
``voting.publish`` publishes. Views, consumers, admin actions, tasks and commands call these
alike; each runs in one transaction and sends its events with ``transaction.on_commit``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from conference import errors
from conference.actions import audit
from conference.errors import Refused
from conference.events import error, publish
from conference.models import Representative

from . import counting, events, rawpg, secrecy
from .models import Ballot, Option, Participation, Poll, new_receipt, voter_tag
from .secrecy import Contents
from .snapshot import poll_payload
from .tasks import schedule_close
from .turnout import send_turnout_on_commit

log = logging.getLogger(__name__)

MAX_COUNTDOWN_SECONDS = 3600


# --- The chair's actions -------------------------------------------------------------


def open_poll(poll: Poll, by: Representative | None, countdown_seconds: int | None = None) -> Poll:
    if countdown_seconds is not None and not 1 <= countdown_seconds <= MAX_COUNTDOWN_SECONDS:
        raise Refused(errors.MALFORMED, "A countdown runs from 1 second to an hour.")
    with transaction.atomic():
        poll = Poll.objects.select_for_update(of=("self",)).select_related("conference").get(pk=poll.pk)
        if poll.status != Poll.Status.DRAFT:
            raise Refused(errors.INVALID_STATE, "Only a poll that has not been opened can be opened.")
        if Poll.objects.filter(conference=poll.conference, status=Poll.Status.OPEN).exists():
            raise Refused(errors.INVALID_STATE, "Another vote is open: close it first.")
        counting.check_before_opening(poll)  # a ranked poll: can its owner count it?
        now = timezone.now()
        poll.status = Poll.Status.OPEN
        poll.opened_at = now
        poll.closes_at = now + timedelta(seconds=countdown_seconds) if countdown_seconds else None
        secrecy.new_poll_key(poll)  # a secret poll's ballots are sealed until its close
        poll.save(update_fields=["status", "opened_at", "closes_at", "sealed_key"])
        audit(poll.conference, by, "poll.opened", poll, poll_id=poll.pk, countdown=countdown_seconds)
        publish(poll.conference, events.POLL_OPENED, {"now": now.isoformat(), "poll": poll_payload(poll)})
        send_turnout_on_commit(poll.conference_id, poll.pk)
        if countdown_seconds:
            transaction.on_commit(lambda: schedule_close(poll.pk, countdown_seconds))
    return poll


# --- Votes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteRequest:
    representative_id: int
    poll_id: int
    choice: str | tuple[str, ...]  # a tuple only on a pick ballot
    key: uuid.UUID


@dataclass
class VoteOutcome:
    poll_id: int
    ok: bool
    choice: str | list[str] = ""
    receipt: str = ""
    key: str = ""
    changed: bool = False
    code: str = ""
    message: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def as_event(self) -> dict[str, object]:
        if self.ok:
            return {
                "type": events.VOTE_ACCEPTED,
                "poll_id": self.poll_id,
                "choice": self.choice,
                "receipt": self.receipt,
                "key": self.key,
                "changed": self.changed,
            }
        return error(self.code, self.message, ref=self.key or None) | {"poll_id": self.poll_id}


def _refusal(request: VoteRequest, refused: Refused) -> VoteOutcome:
    return VoteOutcome(request.poll_id, ok=False, key=str(request.key), code=refused.code, message=refused.message)


def _lock_polls(poll_ids: list[int]) -> dict[int, Poll]:
    """The ORM's way (SQLite, where a write takes the database's one lock anyway)."""
    return {p.pk: p for p in Poll.objects.filter(pk__in=poll_ids).prefetch_related("options")}


@dataclass(frozen=True)
class Voter:
    """What the writer needs of a representative: read as plain columns, not a model."""

    pk: int
    conference_id: int
    can_vote: bool


def _voters(representative_ids: set[int]) -> dict[int, Voter]:
    return _as_voters(
        Representative.objects.filter(pk__in=representative_ids).values_list(
            "pk", "conference_id", "role", "is_active", "checked_in", "conference__require_check_in"
        )
    )


def _as_voters(rows: Iterable[Sequence[Any]]) -> dict[int, Voter]:
    return {
        pk: Voter(pk, conference_id, Representative.may_vote(role, is_active, checked_in, require_check_in))
        for pk, conference_id, role, is_active, checked_in, require_check_in in rows
    }


@dataclass
class _Decision:
    outcome: VoteOutcome
    insert: tuple[Participation, Ballot] | None = None
    update: Ballot | None = None
    picks: list[Option] | None = None  # a plaintext pick ballot's options, to store with the ballot


def _chosen_options(poll: Poll, choice: str | tuple[str, ...]) -> tuple[Option | None, list[Option] | None]:
    """The option (or a pick ballot's options) a vote names. Raises Refused."""
    options = {o.key: o for o in poll.options.all()}
    if poll.kind != Poll.Kind.PICK:
        option = options.get(choice) if isinstance(choice, str) else None
        if option is None:
            raise Refused(errors.UNKNOWN_CHOICE, "That is not one of the choices in this vote.")
        return option, None
    keys = (choice,) if isinstance(choice, str) else tuple(choice)
    if not keys or len(set(keys)) != len(keys) or any(k not in options for k in keys):
        raise Refused(errors.UNKNOWN_CHOICE, "Pick different choices from this ballot's list.")
    if len(keys) > poll.max_choices:
        raise Refused(errors.UNKNOWN_CHOICE, f"Pick at most {poll.max_choices}.")
    return None, [options[k] for k in keys]


def _ranking(poll: Poll, choice: str | tuple[str, ...]) -> tuple[str, ...]:
    """A ranked ballot's preferences: distinct option keys, first preference first, at
    least one, at most every option. Raises Refused."""
    keys = (choice,) if isinstance(choice, str) else tuple(choice)
    if not keys:
        raise Refused(errors.UNKNOWN_CHOICE, "Rank at least one candidate.")
    if len(set(keys)) != len(keys):
        raise Refused(errors.UNKNOWN_CHOICE, "Rank each candidate at most once.")
    known = {o.key for o in poll.options.all()}
    if any(k not in known for k in keys):
        raise Refused(errors.UNKNOWN_CHOICE, "That is not one of the candidates in this election.")
    return keys


def _key_lost(poll: Poll, lost: secrecy.BallotKeyLost) -> Refused:
    log.error("secret poll %s: %s; votes are refused until it is closed or annulled", poll.pk, lost)
    return Refused(
        errors.NOT_RECORDED,
        "Not recorded: the server cannot seal ballots for this vote. The secretariat has been told.",
    )


def _contents(poll: Poll, ballot: Ballot) -> Contents:
    """A stored ballot's choice, receipt and key (unsealed once). Raises Refused."""
    opened = ballot.opened
    if opened is None:
        try:
            opened = secrecy.contents(poll, ballot)
        except secrecy.BallotKeyLost as lost:
            raise _key_lost(poll, lost) from None
        ballot.opened = opened
    return opened


def _fill(poll: Poll, ballot: Ballot, contents: Contents, option: Option | None) -> None:
    """Put what was voted into the ballot row: sealed while a secret poll is open, else in
    plaintext (a recorded vote). Raises Refused."""
    ballot.opened = contents
    if secrecy.is_sealed(poll):
        try:
            ballot.sealed = secrecy.seal(poll, ballot.voter_tag or "", contents)
            if ballot.receipt_tag is None:
                ballot.receipt_tag = secrecy.receipt_tag(poll, contents.receipt)
        except secrecy.BallotKeyLost as lost:
            raise _key_lost(poll, lost) from None
    else:
        ballot.option, ballot.receipt, ballot.key = option, contents.receipt, contents.key
        ballot.ranking = list(contents.choice) if poll.kind == Poll.Kind.RANKED else None


def _changed_fields(poll: Poll) -> list[str]:
    return ["sealed"] if secrecy.is_sealed(poll) else ["option", "ranking", "key"]


def _decide(request: VoteRequest, poll: Poll | None, voter: Voter | None, existing: Ballot | None, now) -> _Decision:
    """What to do with one vote, given the voter's stored ballot (if any). Raises Refused."""
    if voter is None or not voter.can_vote:
        raise Refused(errors.NOT_ELIGIBLE, "You are not a voting representative at this conference.")
    if poll is None or poll.conference_id != voter.conference_id:
        raise Refused(errors.UNKNOWN_POLL, "There is no such vote at your conference.")
    stored = _contents(poll, existing) if existing is not None else None
    if stored is not None and stored.key == request.key:
        # A resend of a vote that was stored (its acknowledgement lost on the way): the
        # same receipt, even if the poll has closed since. Never a false "not counted".
        return _Decision(VoteOutcome(poll.pk, True, stored.client_choice, stored.receipt, str(stored.key)))
    if not poll.is_accepting_votes(now):
        raise Refused(
            errors.POLL_NOT_OPEN,
            "Not counted: the vote closed before your vote reached the server."
            if poll.status != Poll.Status.DRAFT
            else "Not counted: this vote is not open yet.",
        )
    choice: str | tuple[str, ...]
    if poll.kind == Poll.Kind.RANKED:
        option, picks, choice = None, None, _ranking(poll, request.choice)  # the order is the vote
    else:
        option, picks = _chosen_options(poll, request.choice)
        choice = option.key if option else tuple(sorted(o.key for o in picks or []))
    plain_picks = None if secrecy.is_sealed(poll) else picks  # sealed: the picks are in the ciphertext
    if existing is not None and stored is not None:
        if not poll.allow_change:
            raise Refused(errors.ALREADY_VOTED, "You have already voted in this vote; it cannot be changed.")
        changed = Contents(choice, stored.receipt, request.key)
        _fill(poll, existing, changed, option)
        return _Decision(
            VoteOutcome(poll.pk, True, changed.client_choice, changed.receipt, str(request.key), changed=True),
            update=existing,
            picks=plain_picks,
        )
    ballot = Ballot(
        poll_id=poll.pk,
        voter_tag=voter_tag(poll.pk, voter.pk),
        representative_id=None if poll.secret else voter.pk,
    )
    contents = Contents(choice, new_receipt(), request.key)
    _fill(poll, ballot, contents, option)
    return _Decision(
        VoteOutcome(poll.pk, True, contents.client_choice, contents.receipt, str(request.key)),
        insert=(Participation(poll_id=poll.pk, representative_id=voter.pk), ballot),
        picks=plain_picks,
    )


def _insert_votes(participations: list[Participation], ballots: list[Ballot]) -> None:
    """A batch's new participations and ballots, as ``bulk_create`` would write them.

    On PostgreSQL both tables in one statement and one round trip, whatever the batch's
    size: each column goes as one array (``unnest``), so the statement's text stays short
    and psycopg binds a few arrays instead of a statement of thousands of placeholders
    (building and binding that was a fifth of the server's samples in a vote burst:
    bench/README.md). The keys are UUIDs made here, so nothing needs to come back. A
    unique violation raises IntegrityError, as the INSERTs did.
    """
    if not participations and not ballots:
        return
    if connection.vendor != "postgresql":
        Participation.objects.bulk_create(participations)
        Ballot.objects.bulk_create(ballots)
        return
    (first, first_params), (second, second_params) = (
        rawpg.insert(Participation, participations),
        rawpg.insert(Ballot, ballots),
    )
    rawpg.execute(f"WITH new_participations AS ({first}) {second}", [*first_params, *second_params])
    rawpg.mark_saved(participations)
    rawpg.mark_saved(ballots)


def _store_picks(pairs: list[tuple[Ballot, list[Option]]], replace: bool = False) -> None:
    through = Ballot.picks.through
    if replace:
        through.objects.filter(ballot__in=[b for b, _ in pairs]).delete()
    through.objects.bulk_create([through(ballot=b, option=o) for b, picks in pairs for o in picks])


def _stored_ballots(
    requests: Sequence[VoteRequest],
    polls: dict[int, Poll],
    voters: dict[int, Voter],
    read: list[Ballot] | None = None,
) -> dict[tuple[int, str], Ballot]:
    """The voters' stored ballots, by (poll, voter tag): ``read`` if the batch's first
    round trip brought them (voting.rawpg), else read here. A secret poll's ballots carry no
    voter tag once it has closed: a resend then finds its ballot by the client's key, if
    the voter took part in that poll (the key is the phone's own random number)."""
    asked = [r for r in requests if r.poll_id in polls and r.representative_id in voters]
    found = read
    if found is None:
        tags = {voter_tag(r.poll_id, r.representative_id) for r in asked}
        found = list(Ballot.objects.filter(poll_id__in=list(polls), voter_tag__in=tags).select_related("option"))
    if any(p.kind == Poll.Kind.PICK for p in polls.values()):
        prefetch_related_objects(found, "picks")  # a round trip that only a pick ballot needs
    stored: dict[tuple[int, str], Ballot] = {(b.poll_id, b.voter_tag): b for b in found if b.voter_tag is not None}
    late = [
        r
        for r in asked
        if polls[r.poll_id].secret
        and polls[r.poll_id].status not in (Poll.Status.DRAFT, Poll.Status.OPEN)
        and (r.poll_id, voter_tag(r.poll_id, r.representative_id)) not in stored
    ]
    if late:
        by_key = {
            (b.poll_id, b.key): b
            for b in Ballot.objects.filter(poll_id__in={r.poll_id for r in late}, key__in={r.key for r in late})
            .select_related("option")
            .prefetch_related("picks")
        }
        took_part = set(
            Participation.objects.filter(
                poll_id__in={r.poll_id for r in late}, representative_id__in={r.representative_id for r in late}
            ).values_list("poll_id", "representative_id")
        )
        for r in late:
            ballot = by_key.get((r.poll_id, r.key))
            if ballot is not None and (r.poll_id, r.representative_id) in took_part:
                stored[(r.poll_id, voter_tag(r.poll_id, r.representative_id))] = ballot
    return stored


def _record_one(request: VoteRequest, poll: Poll | None, voter: Voter | None, now) -> VoteOutcome:
    existing = None
    if poll is not None and voter is not None:
        found = _stored_ballots([request], {poll.pk: poll}, {voter.pk: voter})
        existing = found.get((poll.pk, voter_tag(poll.pk, voter.pk)))
    decision = _decide(request, poll, voter, existing, now)
    if decision.insert is not None:
        decision.insert[0].save(force_insert=True)
        decision.insert[1].save(force_insert=True)
        if decision.picks is not None:
            _store_picks([(decision.insert[1], decision.picks)])
    elif decision.update is not None and poll is not None:
        decision.update.save(update_fields=_changed_fields(poll))
        if decision.picks is not None:
            _store_picks([(decision.update, decision.picks)], replace=True)
    return decision.outcome


def _record_set(
    requests: Sequence[VoteRequest],
    polls: dict[int, Poll],
    voters: dict[int, Voter],
    now,
    read: list[Ballot] | None = None,
) -> list[VoteOutcome]:
    """The whole batch in a few statements: one read of the stored ballots, one insert of
    the new rows of both tables. Raises IntegrityError when a unique constraint fires
    (another process stored one of these voters' ballots first): the caller then takes the
    votes again one at a time."""
    stored = _stored_ballots(requests, polls, voters, read)
    outcomes: list[VoteOutcome] = []
    inserts: list[tuple[Participation, Ballot]] = []
    updates: dict[int, Ballot] = {}
    new_ballots: set[int] = set()
    picks_of: dict[int, tuple[Ballot, list[Option]]] = {}
    for request in requests:
        poll, voter = polls.get(request.poll_id), voters.get(request.representative_id)
        key = (request.poll_id, voter_tag(request.poll_id, request.representative_id))
        try:
            decision = _decide(request, poll, voter, stored.get(key), now)
        except Refused as refused:
            outcomes.append(_refusal(request, refused))
            continue
        if decision.insert is not None:
            inserts.append(decision.insert)
            stored[key] = decision.insert[1]  # a second vote in the same batch sees this one
            new_ballots.add(id(decision.insert[1]))
        elif decision.update is not None and id(decision.update) not in new_ballots:
            updates[id(decision.update)] = decision.update
        ballot = decision.insert[1] if decision.insert else decision.update
        if ballot is not None and decision.picks is not None:
            picks_of[id(ballot)] = (ballot, decision.picks)  # the last decision wins
        outcomes.append(decision.outcome)
    # No savepoint: a unique violation aborts the batch's transaction, and record_votes
    # takes the votes again one at a time in a new one (a savepoint costs two round trips).
    _insert_votes([p for p, _ in inserts], [b for _, b in inserts])
    for ballot in updates.values():
        ballot.save(update_fields=_changed_fields(polls[ballot.poll_id]))
    if picks_of:
        _store_picks([pair for i, pair in picks_of.items() if i in updates], replace=True)
        _store_picks([pair for i, pair in picks_of.items() if i not in updates])
    return outcomes


def record_votes(requests: Sequence[VoteRequest]) -> list[VoteOutcome]:
    """Store a batch of votes in one transaction; nothing is acknowledged unless it commits.

    Each vote still succeeds or fails on its own: refusals are decided per vote, and if
    the set-based write meets a concurrent writer's row (a unique violation aborts the
    whole batch), the batch is taken again in a new transaction with a savepoint per vote.
    """
    outcomes: list[VoteOutcome] = []
    try:
        try:
            with transaction.atomic():
                polls, voters, now, read = _batch_context(requests)
                outcomes = _record_set(requests, polls, voters, now, read)
        except IntegrityError:
            outcomes = []
            with transaction.atomic():
                polls, voters, now, _ = _batch_context(requests)
                for request in requests:
                    outcomes.append(
                        _record_in_savepoint(
                            request, polls.get(request.poll_id), voters.get(request.representative_id), now
                        )
                    )
    except DatabaseError:
        log.warning("a batch of %d votes was not recorded", len(requests), exc_info=True)
        refused = Refused(errors.NOT_RECORDED, "Not recorded: the server could not store your vote. Try again.")
        return [o if not o.ok else _refusal(r, refused) for r, o in _pad(requests, outcomes, refused)]
    return outcomes


def _batch_context(
    requests: Sequence[VoteRequest],
) -> tuple[dict[int, Poll], dict[int, Voter], datetime, list[Ballot] | None]:
    """Inside the batch's transaction: its polls (locked), its voters, the time it is taken,
    and on PostgreSQL the voters' stored ballots, all in one round trip (voting.rawpg)."""
    poll_ids = sorted({r.poll_id for r in requests})
    representative_ids = sorted({r.representative_id for r in requests})
    if connection.vendor == "postgresql":
        tags = sorted({voter_tag(r.poll_id, r.representative_id) for r in requests})
        polls, voter_rows, read = rawpg.read_batch(poll_ids, representative_ids, tags)
        return polls, _as_voters(voter_rows), timezone.now(), read
    return _lock_polls(poll_ids), _voters(set(representative_ids)), timezone.now(), None


def _record_in_savepoint(request: VoteRequest, poll: Poll | None, voter: Voter | None, now) -> VoteOutcome:
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _record_one(request, poll, voter, now)
        except Refused as refused:
            return _refusal(request, refused)
        except IntegrityError:
            # Another process stored this voter's ballot (or drew the same receipt) first;
            # the second pass sees its row and answers as a resend or a second vote would.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _pad(requests: Sequence[VoteRequest], outcomes: list[VoteOutcome], refused: Refused):
    for i, request in enumerate(requests):
        yield request, (outcomes[i] if i < len(outcomes) else _refusal(request, refused))


def cast_vote(voter: Representative, poll_id: int, choice: str | tuple[str, ...], key: uuid.UUID) -> VoteOutcome:
    """One vote on its own (the HTTP fallback); the socket path batches through the writer."""
    return record_votes([VoteRequest(voter.pk, poll_id, choice, key)])[0]
