"""The vote writer's reads on PostgreSQL, below the ORM: one round trip per batch.

A batch of votes needs its polls (locked FOR KEY SHARE, with their options), its voters
and their stored ballots. Through the ORM that was four statements, each compiled by
Django and bound by psycopg's client-side cursor, four round trips, and about 3 ms of
CPU a batch whatever its size (bench/README.md: 3.1 ms a vote in batches of one). Here the
three statements are fixed texts with array parameters, bound on the server (psycopg
sends the arrays as parameters instead of quoting them into the text), and sent together
in one pipeline. They are not prepared: Django turns psycopg's prepared statements off
(``prepare_threshold`` None, for connection poolers), and that is left as it is. The
rows become model instances with ``Model.from_db``, as a queryset would make them, so the
rest of the writer (``voting.actions``) is the same on PostgreSQL and SQLite.

Errors are Django's (``wrap_database_errors``): a unique violation is an IntegrityError
and a lost connection an OperationalError, as they were through the ORM.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
from django.db import connection, models

from conference.models import Conference, Representative

from .models import Ballot, Option, Poll

M = TypeVar("M", bound=models.Model)


@contextmanager
def _cursor() -> Iterator[psycopg.Cursor[Any]]:
    """A cursor that binds on the server, on Django's connection (in its transaction), with
    psycopg's errors turned into Django's."""
    connection.ensure_connection()
    with connection.wrap_database_errors:
        yield psycopg.Cursor(connection.connection)


def mark_saved(objs: Iterable[models.Model]) -> None:
    """As ``bulk_create`` leaves the rows it wrote: no longer new, in this database."""
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _attach_option(ballots: Iterable[Ballot], options_by_id: dict[int, Option]) -> None:
    for ballot in ballots:
        if ballot.option_id is not None and ballot.option_id in options_by_id:
            ballot.option = options_by_id[ballot.option_id]  # as select_related("option") leaves it


@functools.cache
def _columns(model: type[models.Model], alias: str = "t") -> tuple[str, tuple[str, ...], tuple[tuple[int, Any], ...]]:
    """A model's concrete columns as a select list, their attnames, and the converters
    (``from_db_value``, e.g. a JSONField's) a queryset would apply, by position."""
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    select = ", ".join(f"{alias}.{quote(f.column)}" for f in fields)
    converters = tuple((i, f.from_db_value) for i, f in enumerate(fields) if hasattr(f, "from_db_value"))
    return select, tuple(f.attname for f in fields), converters


def _instances(model: type[M], rows: Iterable[Sequence[Any]]) -> list[M]:
    _, names, converters = _columns(model)
    made = []
    for row in rows:
        values = list(row)
        for i, convert in converters:
            values[i] = convert(values[i], None, connection)
        made.append(model.from_db(connection.alias, names, values))
    return made


@functools.cache
def _statements() -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    poll_cols, _, _ = _columns(Poll)
    option_cols, _, _ = _columns(Option, "o")
    ballot_cols, _, _ = _columns(Ballot)
    polls = (
        # The lock and the read are one statement, so the poll is read as it stands once the
        # lock is held. Votes share this lock and never wait on one another; a close (FOR
        # UPDATE) waits for the batches in flight. The options ride along as JSON rows.
        f"SELECT {poll_cols}, (SELECT json_agg(json_build_array({option_cols}) ORDER BY o.{quote('order')}, o.id)"
        f" FROM {quote(Option._meta.db_table)} o WHERE o.poll_id = t.id)"
        f" FROM {quote(Poll._meta.db_table)} t WHERE t.id = ANY(%s) ORDER BY t.id FOR KEY SHARE"
    )
    voters = (
        f"SELECT t.id, t.conference_id, t.role, t.is_active, t.checked_in, c.require_check_in"
        f" FROM {quote(Representative._meta.db_table)} t JOIN {quote(Conference._meta.db_table)} c"
        f" ON c.id = t.conference_id WHERE t.id = ANY(%s)"
    )
    ballots = (
        f"SELECT {ballot_cols} FROM {quote(Ballot._meta.db_table)} t"
        f" WHERE t.poll_id = ANY(%s) AND t.voter_tag = ANY(%s)"
    )
    return polls, voters, ballots


def read_batch(
    poll_ids: list[int], representative_ids: list[int], voter_tags: list[str]
) -> tuple[dict[int, Poll], list[tuple[Any, ...]], list[Ballot]]:
    """Inside the batch's transaction: its polls (locked, options attached), its voters'
    rows (id, conference, role, active, checked in, the conference's check-in rule) and the
    stored ballots with these voter tags (each with its option attached)."""
    polls_sql, voters_sql, ballots_sql = _statements()
    # Server-side binding (Django's cursors bind on the client, quoting every value into
    # the statement's text); the three go to the server in one pipeline.
    with _cursor() as polls_cur, _cursor() as voters_cur, _cursor() as ballots_cur:
        with polls_cur.connection.pipeline():
            polls_cur.execute(polls_sql, [poll_ids])
            voters_cur.execute(voters_sql, [representative_ids])
            ballots_cur.execute(ballots_sql, [poll_ids, voter_tags])
        poll_rows, voter_rows, ballot_rows = polls_cur.fetchall(), voters_cur.fetchall(), ballots_cur.fetchall()
    polls: dict[int, Poll] = {}
    options_by_id: dict[int, Option] = {}
    for row in poll_rows:
        (poll,) = _instances(Poll, [row[:-1]])
        options = _instances(Option, [tuple(o) for o in _json_rows(row[-1])])
        for option in options:
            option.poll = poll  # as a prefetch leaves them
            options_by_id[option.pk] = option
        _attach_options(poll, options)
        polls[poll.pk] = poll
    ballots = _instances(Ballot, ballot_rows)
    _attach_option(ballots, options_by_id)
    return polls, voter_rows, ballots


def _json_rows(value: Any) -> list[list[Any]]:
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str | bytes) else value


def _attach_options(poll: Poll, options: list[Option]) -> None:
    """Make ``poll.options.all()`` answer from these rows without a query, as
    ``prefetch_related("options")`` does."""
    queryset = poll.options.all()
    queryset._result_cache = options
    queryset._prefetch_done = True  # type: ignore[attr-defined]  # Django's own prefetch does the same
    poll._prefetched_objects_cache = {"options": queryset}  # type: ignore[attr-defined]


def execute(sql: str, params: Sequence[Any]) -> None:
    """One statement with its parameters bound on the server."""
    with _cursor() as cursor:
        cursor.execute(sql, params)


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> tuple[str, list[list[Any]]]:
    """An INSERT of these new rows as ``bulk_create`` would write them (each field prepares
    its value), and its parameters: one array per column (``unnest``), so the statement's
    text is the same whatever the number of rows and psycopg binds a few arrays, not
    thousands of placeholders. An AutoField's value is the database's to give, so nothing
    comes back: the writer's rows have UUID keys made in Python."""
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "db_returning", False)]
    columns = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs] for f in fields]
    quote = connection.ops.quote_name
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    names = ", ".join(quote(f.column) for f in fields)
    return f"INSERT INTO {quote(model._meta.db_table)} ({names}) SELECT * FROM unnest({arrays})", columns


def ballots_of(poll: Poll) -> list[Ballot]:
    """All of a poll's ballots, each with its option attached (as select_related would)."""
    ballot_cols, _, _ = _columns(Ballot)
    quote = connection.ops.quote_name
    with _cursor() as cursor:
        cursor.execute(f"SELECT {ballot_cols} FROM {quote(Ballot._meta.db_table)} t WHERE t.poll_id = %s", [poll.pk])
        ballots = _instances(Ballot, cursor.fetchall())
    _attach_option(ballots, {o.pk: o for o in poll.options.all()})
    return ballots


def delete_ballots(poll_id: int) -> None:
    """A poll's ballots and their picks, in two statements (the ORM's delete reads every
    row's id first to cascade by hand)."""
    quote = connection.ops.quote_name
    picks = Ballot.picks.through._meta.db_table
    table = quote(Ballot._meta.db_table)
    execute(f"DELETE FROM {quote(picks)} WHERE ballot_id IN (SELECT id FROM {table} WHERE poll_id = %s)", [poll_id])
    execute(f"DELETE FROM {table} WHERE poll_id = %s", [poll_id])


def fetchone(sql: str, params: Sequence[Any]) -> tuple[Any, ...]:
    """One row of one statement, its parameters bound on the server."""
    with _cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)
