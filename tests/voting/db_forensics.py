"""Reading a secret ballot back out of PostgreSQL's own files, as an attacker would.

Each attack gets what that attacker has and tries to tie representatives to what they
voted. It returns the links it found: {representative id: what links them to a choice}
(an option key or pick keys read off a row, or a receipt, which the published result
ties to a choice). The tests (tests/voting/test_ballot_forensics.py) compare the links
with what each representative really voted, and also count what the attack *saw*, so
that "no link found" never just means "looked in the wrong place".

- ``xmin_links``: a superuser (or anyone who can SELECT) while the poll is open: the
  transaction id that wrote a participation row and the one that wrote a ballot row.
- ``wal_links``: the WAL archive (or a replica's stream): which transaction inserted
  which row, read with pg_walinspect, and the inserted rows' bytes from pg_wal itself.
- ``old_version_links``: a base backup or a file copy before VACUUM: every tuple on
  voting_ballot's pages, dead ones included (pageinspect's heap_page_items).
- ``page_byte_links``: the same after VACUUM: the raw page bytes, where removed tuples'
  headers (with their xmin) can still sit beside their data.

PostgreSQL only, and a superuser connection (pageinspect, pg_walinspect, pg_read_binary_file).
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

PAGE = 8192


def ensure_extensions() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")


def _one(sql: str, params: Iterable[Any] = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        row = cursor.fetchone()
    assert row is not None
    return row[0]


def _rows(sql: str, params: Iterable[Any] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def current_lsn() -> str:
    """Where the WAL is now (flushed), to bracket what a test writes."""
    return str(_one("SELECT pg_current_wal_flush_lsn()"))


def _lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


@dataclass
class Tokens:
    """What a copy of the database shows about each ballot after the result is published:
    its receipt (on the published list) and anything else unique to it (the client's key).
    Each maps to the receipt, which the published list ties to a choice."""

    to_receipt: dict[bytes, str] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[str, uuid.UUID | None]]) -> Tokens:
        tokens = cls()
        for receipt, key in rows:
            tokens.to_receipt[receipt.encode()] = receipt
            if key is not None:
                tokens.to_receipt[key.bytes] = receipt
                tokens.to_receipt[key.hex.encode()] = receipt
                tokens.to_receipt[str(key).encode()] = receipt
        return tokens

    def found_in(self, data: bytes) -> list[str]:
        """The receipts whose tokens occur in these bytes, in order of first occurrence."""
        hits: list[tuple[int, str]] = []
        for token, receipt in self.to_receipt.items():
            at = data.find(token)
            if at >= 0:
                hits.append((at, receipt))
        seen: list[str] = []
        for _, receipt in sorted(hits):
            if receipt not in seen:
                seen.append(receipt)
        return seen

    def positions(self, data: bytes) -> list[tuple[int, bytes, str]]:
        """Every occurrence of a receipt (the token an attacker finds in page bytes)."""
        found = []
        for token, receipt in self.to_receipt.items():
            if token != receipt.encode():
                continue
            for match in re.finditer(re.escape(token), data):
                found.append((match.start(), token, receipt))
        return sorted(found)


def published_tokens(poll_id: int) -> Tokens:
    """The attacker's key to choices: the ballots as a dump of the database shows them
    once the result is published (receipt, and the client's key if stored)."""
    return Tokens.of(
        _rows("SELECT receipt, key FROM voting_ballot WHERE poll_id = %s AND receipt IS NOT NULL", [poll_id])
    )


# --- (a) xmin, while the poll is open -----------------------------------------------------


@dataclass
class Findings:
    links: dict[int, object] = field(default_factory=dict)  # representative id -> choice or receipt
    seen: int = 0  # how many rows of the kind the attack needs it found (participations, ballots)


def _xid(value: object) -> int:
    return int(str(value))


def _ctid(value: object) -> tuple[int, int]:
    block, offset = str(value).strip("()").split(",")
    return int(block), int(offset)


def _participations(poll_id: int) -> dict[int, list[tuple[tuple[int, int], int]]]:
    """xmin -> [(ctid, representative id)] of the poll's participation rows."""
    by_xid: dict[int, list[tuple[tuple[int, int], int]]] = defaultdict(list)
    for xmin, ctid, rep in _rows(
        "SELECT xmin, ctid, representative_id FROM voting_participation WHERE poll_id = %s", [poll_id]
    ):
        by_xid[_xid(xmin)].append((_ctid(ctid), rep))
    for rows in by_xid.values():
        rows.sort()
    return by_xid


def xmin_links(poll_id: int) -> Findings:
    """Line participation rows up with ballot rows written by the same transaction (in a
    batch, in the order they were written) and read the choice off the ballot row."""
    found = Findings()
    option_key = dict(_rows("SELECT id, key FROM voting_option WHERE poll_id = %s", [poll_id]))
    picks: dict[object, list[str]] = defaultdict(list)
    for ballot_id, option_id in _rows(
        "SELECT p.ballot_id, p.option_id FROM voting_ballot_picks p JOIN voting_ballot b ON b.id = p.ballot_id "
        "WHERE b.poll_id = %s",
        [poll_id],
    ):
        picks[ballot_id].append(option_key[option_id])
    ballots: dict[int, list[tuple[tuple[int, int], object]]] = defaultdict(list)
    for xmin, ctid, ballot_id, option_id in _rows(
        "SELECT xmin, ctid, id, option_id FROM voting_ballot WHERE poll_id = %s", [poll_id]
    ):
        choice: object = option_key.get(option_id) if option_id is not None else sorted(picks.get(ballot_id, []))
        ballots[_xid(xmin)].append((_ctid(ctid), choice or None))
    for xid, voters in _participations(poll_id).items():
        written = sorted(ballots.get(xid, []))
        found.seen += len(written)
        for (_, rep), (_, choice) in zip(voters, written, strict=False):
            if choice:
                found.links[rep] = choice
    return found


# --- (b) the WAL ---------------------------------------------------------------------------


def _wal_reader():
    segment = int(str(_one("SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'")))
    unit = str(_one("SELECT unit FROM pg_settings WHERE name = 'wal_segment_size'"))
    segment *= {"B": 1, "8kB": 8192, "MB": 1 << 20}.get(unit, 1)
    timeline = int(str(_one("SELECT timeline_id FROM pg_control_checkpoint()")))
    per_id = 0x100000000 // segment

    def read(start: int, end: int) -> bytes:
        out = b""
        while start < end:
            number, offset = divmod(start, segment)
            name = f"{timeline:08X}{number // per_id:08X}{number % per_id:08X}"
            length = min(end - start, segment - offset)
            out += bytes(_one("SELECT pg_read_binary_file(%s, %s, %s)", [f"pg_wal/{name}", offset, length]))
            start += length
        return out

    return read


_BLOCK_REF = re.compile(r"rel (\d+)/(\d+)/(\d+)(?: fork \w+)? blk (\d+)")
_OFFSET = re.compile(r"off (\d+)")


def wal_links(poll_id: int, start_lsn: str, end_lsn: str) -> Findings:
    """Which transaction inserted which participation and which ballot, from the WAL
    records between two LSNs; what each inserted ballot held, from the records' bytes."""
    found = Findings()
    tokens = published_tokens(poll_id)
    database = _one("SELECT oid FROM pg_database WHERE datname = current_database()")
    participation = _one("SELECT pg_relation_filenode('voting_participation')")
    ballot = _one("SELECT pg_relation_filenode('voting_ballot')")
    read = _wal_reader()
    reps: dict[int, list[int]] = defaultdict(list)
    receipts: dict[int, list[str]] = defaultdict(list)
    seen_receipts: set[str] = set()
    records = _rows(
        "SELECT start_lsn, end_lsn, xid, record_type, description, block_ref "
        "FROM pg_get_wal_records_info(%s, %s) WHERE resource_manager = 'Heap' ORDER BY start_lsn",
        [start_lsn, end_lsn],
    )
    for start, end, xid, record_type, description, block_ref in records:
        if not str(record_type).startswith("INSERT"):
            continue
        ref = _BLOCK_REF.search(str(block_ref or ""))
        if ref is None or int(ref.group(2)) != database:
            continue
        relfilenode, block = int(ref.group(3)), int(ref.group(4))
        if relfilenode == participation:
            offset = _OFFSET.search(str(description))
            if offset is None:
                continue
            row = _rows(
                "SELECT representative_id FROM voting_participation WHERE ctid = %s::tid AND poll_id = %s",
                [f"({block},{offset.group(1)})", poll_id],
            )
            if row:
                reps[int(str(xid))].append(row[0][0])
        elif relfilenode == ballot:
            found.seen += 1
            new = [r for r in tokens.found_in(read(_lsn(str(start)), _lsn(str(end)))) if r not in seen_receipts]
            seen_receipts.update(new)
            receipts[int(str(xid))].extend(new[:1])  # a full-page image also holds earlier rows
    for xid, voters in reps.items():
        for rep, receipt in zip(voters, receipts.get(xid, []), strict=False):
            found.links[rep] = receipt
    return found


# --- (c) old row versions, (d) page bytes after VACUUM --------------------------------------


def _pages(table: str) -> int:
    return int(str(_one("SELECT pg_relation_size(%s)", [table]))) // PAGE


def _voters_by_xid(poll_id: int) -> dict[int, list[int]]:
    return {xid: [rep for _, rep in rows] for xid, rows in _participations(poll_id).items()}


def old_version_links(poll_id: int) -> Findings:
    """Every tuple still on voting_ballot's pages, live or dead: those written by a voter's
    transaction (same xmin as a participation row) and holding a published token."""
    found = Findings()
    # The pages first, as a copy would hold them: reading the table through SQL lets
    # PostgreSQL prune dead tuples from a full page.
    tuples = [
        (_xid(xmin), bytes(data))
        for block in range(_pages("voting_ballot"))
        for xmin, data in _rows(
            "SELECT t_xmin, t_data FROM heap_page_items(get_raw_page('voting_ballot', %s)) "
            "WHERE t_data IS NOT NULL ORDER BY lp",
            [block],
        )
    ]
    tokens = published_tokens(poll_id)
    voters = _voters_by_xid(poll_id)
    written: dict[int, list[str | None]] = defaultdict(list)
    for xid, data in tuples:
        if xid in voters:
            found.seen += 1
            hits = tokens.found_in(data)
            written[xid].append(hits[0] if hits else None)
    for xid, reps in voters.items():
        for rep, receipt in zip(reps, written.get(xid, []), strict=False):
            if receipt:
                found.links[rep] = receipt
    return found


def vacuum(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM {connection.ops.quote_name(table)}")


def page_byte_links(poll_id: int) -> Findings:
    """After VACUUM: for each receipt in the raw page bytes outside the live tuples, the
    xmin in the header of the tuple it was part of (found at the offset a receipt has in
    a live tuple of the same table), if that is a voter's transaction."""
    found = Findings()
    tokens = published_tokens(poll_id)
    voters = _voters_by_xid(poll_id)
    seen_xids: set[int] = set()
    pages = []
    for block in range(_pages("voting_ballot")):
        raw = bytes(_one("SELECT get_raw_page('voting_ballot', %s)", [block]))
        live = _rows(
            "SELECT lp_off, lp_len FROM heap_page_items(get_raw_page('voting_ballot', %s)) WHERE lp_len > 0", [block]
        )
        pages.append((raw, [(off, off + length) for off, length in live]))
    # Where a receipt sits in a tuple, learnt from the tuples that are still live.
    deltas = {
        at - off for raw, spans in pages for at, _, _ in tokens.positions(raw) for off, end in spans if off <= at < end
    }
    for raw, spans in pages:
        for at, _, receipt in tokens.positions(raw):
            if any(off <= at < end for off, end in spans):
                continue
            for delta in deltas:
                start = at - delta
                if start >= 0:
                    xid = int.from_bytes(raw[start : start + 4], "little")
                    reps = voters.get(xid)
                    if reps:
                        seen_xids.add(xid)
                        found.links.setdefault(reps[0] if len(reps) == 1 else -xid, receipt)
        # What is left of removed tuples written by voters' transactions (any layout).
        for xid in voters:
            if xid.to_bytes(4, "little") in raw:
                seen_xids.add(xid)
    found.seen = len(seen_xids)
    return found
