"""Setting up an election and counting it.

The secretariat makes an election and its candidates while it is a draft; the chair then
opens and closes its poll from the console like every vote (``voting.actions.open_poll``,
``voting.closing.close_poll``, ``voting.results.publish_result``). voting counts nothing
here: at close it calls ``count_poll``, registered for ranked polls in ``ElectionsConfig``.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from conference import errors
from conference.actions import audit
from conference.errors import Refused
from conference.models import LMC, Conference, Representative
from voting.models import Ballot, Option, Poll
from voting.put import new_poll

from . import count as stv
from .models import Candidate, Election

MAX_SEATS = 50
MAX_CANDIDATES = 50  # a ranking is at most 50 keys on the socket and the HTTP fallback


def _text(value: object, what: str, limit: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise Refused(errors.MALFORMED, f"Give the {what}.")
    if len(text) > limit:
        raise Refused(errors.MALFORMED, f"The {what} is at most {limit} characters.")
    return text


def clean_seats(value: object) -> int:
    try:
        seats = int(str(value).strip())
    except ValueError:
        raise Refused(errors.MALFORMED, "The number of seats must be a whole number.") from None
    if not 1 <= seats <= MAX_SEATS:
        raise Refused(errors.MALFORMED, f"An election fills between 1 and {MAX_SEATS} seats.")
    return seats


def clean_method(value: object) -> str:
    method = str(value or Election.Method.SCOTTISH).strip().lower()
    if method not in Election.Method.values:
        raise Refused(errors.MALFORMED, f"Count by one of: {', '.join(Election.Method.values)}.")
    return method


def _groups(value: object) -> list[str]:
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, Iterable):
        raise Refused(errors.MALFORMED, "Groups are a list of tags.")
    tags = [_text(v, "group", 60) for v in value if str(v).strip()]
    return list(dict.fromkeys(tags))


def clean_constraints(raw: object) -> list[dict[str, Any]]:
    """[{"group", "minimum", "maximum"}] checked: a tag, whole numbers, min ≤ max."""
    if not isinstance(raw, list):
        raise Refused(errors.MALFORMED, "The constraints are a list.")
    cleaned = []
    for item in raw:
        if not isinstance(item, dict):
            raise Refused(errors.MALFORMED, "Each constraint names a group with its fewest and most seats.")
        group = _text(item.get("group"), "constraint's group", 60)
        try:
            minimum = int(item.get("minimum") or 0)
            maximum = None if item.get("maximum") in (None, "") else int(item["maximum"])
        except (TypeError, ValueError):
            raise Refused(errors.MALFORMED, f"Group {group!r}: the fewest and most seats are whole numbers.") from None
        if minimum < 0 or (maximum is not None and not minimum <= maximum) or (maximum is None and minimum == 0):
            raise Refused(errors.MALFORMED, f"Group {group!r}: give a least (≥ 0) not above the most.")
        cleaned.append({"group": group, "minimum": minimum, "maximum": maximum})
    return cleaned


def _draft(election: Election) -> Election:
    election = Election.objects.select_for_update().select_related("poll", "conference").get(pk=election.pk)
    if election.poll.status != Poll.Status.DRAFT:
        raise Refused(errors.INVALID_STATE, "An election's candidates and rules are fixed once it is opened.")
    return election


def create_election(
    conference: Conference,
    title: str,
    seats: object,
    *,
    method: object = Election.Method.SCOTTISH,
    allow_change: bool = True,
    constraints: object = (),
    by: Representative | None = None,
) -> Election:
    title = _text(title, "election's title", 200)
    with transaction.atomic():
        if Election.objects.filter(conference=conference, title=title).exists():
            raise Refused(errors.MALFORMED, f"There is already an election called {title!r}.")
        poll = new_poll(
            conference.pk,
            title,
            kind=Poll.Kind.RANKED,
            majority=Poll.Majority.NONE,
            options=[],
            allow_change=allow_change,
            secret=True,
        )
        election = Election.objects.create(
            conference=conference,
            poll=poll,
            title=title,
            seats=clean_seats(seats),
            method=clean_method(method),
            constraints=clean_constraints(list(constraints) if isinstance(constraints, tuple) else constraints),
        )
        audit(conference, by, "election.created", election, election_id=election.pk, seats=election.seats)
    return election


def update_election(
    election: Election,
    *,
    title: str,
    seats: object,
    method: object,
    allow_change: bool,
    constraints: object,
    by: Representative | None = None,
) -> Election:
    with transaction.atomic():
        election = _draft(election)
        election.title = _text(title, "election's title", 200)
        if Election.objects.filter(conference=election.conference, title=election.title).exclude(pk=election.pk):
            raise Refused(errors.MALFORMED, f"There is already an election called {election.title!r}.")
        election.seats, election.method = clean_seats(seats), clean_method(method)
        election.constraints = clean_constraints(constraints)
        election.save(update_fields=["title", "seats", "method", "constraints"])
        poll = election.poll
        poll.question, poll.allow_change = election.title, allow_change
        poll.save(update_fields=["question", "allow_change"])
        audit(election.conference, by, "election.updated", election, election_id=election.pk)
    return election


def save_candidate(
    election: Election,
    name: str,
    *,
    lmc: LMC | None = None,
    statement: str = "",
    groups: object = (),
    candidate: Candidate | None = None,
    by: Representative | None = None,
) -> Candidate:
    """Add a candidate, or change one (``candidate``); only while the election is a draft."""
    name = _text(name, "candidate's name", 200)
    with transaction.atomic():
        election = _draft(election)
        if lmc is not None and lmc.conference_id != election.conference_id:
            raise Refused(errors.MALFORMED, "That LMC is not at this conference.")
        same = Candidate.objects.filter(election=election, name=name)
        if candidate is not None:
            same = same.exclude(pk=candidate.pk)
        if same.exists():
            raise Refused(errors.MALFORMED, f"{name} is already a candidate in this election.")
        if candidate is None:
            if election.candidates.count() >= MAX_CANDIDATES:
                raise Refused(errors.MALFORMED, f"An election has at most {MAX_CANDIDATES} candidates.")
            candidate = Candidate(election=election, order=election.candidates.count())
        elif candidate.election_id != election.pk:
            raise Refused(errors.MALFORMED, "That candidate stands in another election.")
        candidate.name, candidate.lmc = name, lmc
        candidate.statement = _text(statement, "statement", 2000, required=False)
        candidate.groups = _groups(groups)
        candidate.save()
        _sync_options(election)
        audit(election.conference, by, "election.candidate", election, election_id=election.pk, candidate=name)
    return candidate


def remove_candidate(candidate: Candidate, by: Representative | None = None) -> None:
    with transaction.atomic():
        election = _draft(candidate.election)
        candidate.delete()
        for i, c in enumerate(election.candidates.all()):
            if c.order != i:
                Candidate.objects.filter(pk=c.pk).update(order=i)
        _sync_options(election)
        audit(election.conference, by, "election.candidate_removed", election, candidate=candidate.name)


def move_candidate(candidate: Candidate, step: int, by: Representative | None = None) -> None:
    """Move a candidate one place up (-1) or down (+1) on the ballot paper."""
    with transaction.atomic():
        election = _draft(candidate.election)
        rows = list(election.candidates.all())
        at = next(i for i, c in enumerate(rows) if c.pk == candidate.pk)
        to = at + (1 if step > 0 else -1)
        if not 0 <= to < len(rows):
            return
        rows[at], rows[to] = rows[to], rows[at]
        for i, c in enumerate(rows):
            Candidate.objects.filter(pk=c.pk).update(order=i)
        _sync_options(election)


def _sync_options(election: Election) -> None:
    """The poll's options are the candidates, in ballot-paper order (a draft poll only)."""
    poll = election.poll
    poll.options.all().delete()
    Option.objects.bulk_create(
        Option(poll=poll, key=c.key, label=c.name[:200], order=i) for i, c in enumerate(election.candidates.all())
    )


# --- The count -------------------------------------------------------------------------


def constraints_of(election: Election, candidates: Sequence[Candidate]) -> list[stv.Constraint]:
    return [
        stv.Constraint(
            c["group"],
            {x.name for x in candidates if c["group"] in x.groups},
            minimum=c.get("minimum") or 0,
            maximum=c.get("maximum"),
        )
        for c in election.constraints
    ]


def ballots_of(election: Election, with_votes: bool = True) -> stv.Ballots:
    """The election's ballots as the count takes them: identical rankings weighed together.

    Read from the stored (shuffled) rows, sorted, so nothing of the order of voting remains.
    """
    candidates = list(election.candidates.all())
    index = {c.key: i for i, c in enumerate(candidates)}
    weights: Counter[tuple[int, ...]] = Counter()
    if with_votes:
        for (ranking,) in Ballot.objects.filter(poll_id=election.poll_id).values_list("ranking"):
            weights[tuple(index[k] for k in ranking or [] if k in index)] += 1
    return stv.Ballots(
        candidates=[c.name for c in candidates],
        seats=election.seats,
        votes=sorted((w, r) for r, w in weights.items() if r),
        title=election.title,
    )


def check_countable(poll: Poll) -> None:
    """Before opening: the candidates, seats and constraints can be counted."""
    election = Election.objects.get(poll=poll)
    candidates = list(election.candidates.all())
    if len(candidates) < 1:
        raise Refused(errors.INVALID_STATE, "Add the candidates before opening the election.")
    try:
        stv.count(
            ballots_of(election, with_votes=False), election.method, constraints=constraints_of(election, candidates)
        )
    except stv.CountError as exc:
        raise Refused(errors.INVALID_STATE, f"This election cannot be counted as it stands: {exc}.") from None


def count_poll(poll: Poll) -> dict[str, Any]:
    """Count a ranked poll at close (inside the close's transaction): the declared result.

    The lot's seed is drawn here, fresh, and recorded on the election and in the sheet.
    """
    election = Election.objects.select_for_update().get(poll=poll)
    candidates = list(election.candidates.all())
    election.seed = secrets.randbits(62)
    election.save(update_fields=["seed"])
    ballots = ballots_of(election)
    result = stv.count(ballots, election.method, constraints=constraints_of(election, candidates), seed=election.seed)
    sheet = stv.as_dict(result)
    firsts = Counter(ranking[0] for weight, ranking in ballots.votes for _ in range(weight))
    valid = result.valid
    return {
        "outcome": "elected",
        "elected": list(result.elected),
        "majority": Poll.Majority.NONE,
        "counts": [
            {
                "key": c.key,
                "label": c.name,
                "count": firsts.get(i, 0),
                "percent": round(100 * firsts.get(i, 0) / valid, 1) if valid else 0.0,
                "percent_of": "first preferences",
            }
            for i, c in enumerate(candidates)
        ],
        "total": valid,
        "base": valid,
        "base_label": "first preferences",
        "casting_vote": "",
        "sheet": sheet,
    }


def ballots_blt(election: Election) -> str:
    """The anonymised ballots as a BLT file, for anyone to recount (after the close only)."""
    if election.poll.status not in (Poll.Status.CLOSED, Poll.Status.PUBLISHED):
        raise Refused(errors.INVALID_STATE, "The ballots are given out only after the election has closed.")
    return stv.write_blt(ballots_of(election))
