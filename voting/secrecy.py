"""The secret ballot against the database's own files (DESIGN §4.7, SECURITY.md).

A vote writes its participation row (who) and its ballot row (what) in one transaction,
so anything that shows transactions (``xmin``, the WAL, old row versions, page bytes)
pairs them. That is harmless only because, while a secret poll is open, the ballot row
holds nothing readable: the choice, the receipt and the client's key are sealed
(AES-256-GCM) under a key of the poll's own, and the row's only clear column is the
voter tag (a keyed hash of poll and voter that finds the voter's ballot again).

The poll key is random, made when the poll opens. PostgreSQL only ever holds it wrapped
(AES-GCM again) under a key derived from ``BALLOT_KEY``, which is not in the database;
every process unwraps it from the poll row when it needs it, so a restarted worker, a
second process or a lost Redis changes nothing. At close, in the close's transaction,
the ballots are unsealed, written again as new plaintext rows in random order with no
voter tag, the sealed rows are deleted and the wrapped key is erased. The plaintext rows
are written by the close's transaction, which writes no participation; the sealed rows
left in old row versions, the WAL or page bytes cannot be read once the key is gone.

Every sealed ballot of a poll has the same length (padded), so the length of the
ciphertext says nothing about the choice either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection
from django.db.models import prefetch_related_objects

from . import rawpg
from .models import Ballot, Poll

NONCE = 12


class BallotKeyLost(Exception):
    """An open secret poll whose key cannot be unwrapped (BALLOT_KEY is not the one it was
    opened with, or the key was erased): its ballots cannot be read or counted."""


@dataclass(frozen=True)
class Contents:
    """What a ballot holds: the choice (an option key, a pick ballot's keys, sorted, or a
    ranked ballot's keys in order of preference),
    the receipt and the client's key of the vote as last accepted."""

    choice: str | tuple[str, ...]
    receipt: str
    key: uuid.UUID

    @property
    def client_choice(self) -> str | list[str]:
        return list(self.choice) if isinstance(self.choice, tuple) else self.choice


# --- The poll key ----------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _wrapping_key(ballot_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"motionhall poll-key wrapping v1").derive(
        ballot_key.encode()
    )


def _wrap_aad(poll_id: int) -> bytes:
    return f"motionhall poll key v1|{poll_id}".encode()


def new_poll_key(poll: Poll) -> None:
    """Give a secret poll that is being opened its key (wrapped; the caller saves the poll)."""
    if not poll.secret:
        poll.sealed_key = None
        return
    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE)
    poll.sealed_key = nonce + AESGCM(_wrapping_key(settings.BALLOT_KEY)).encrypt(nonce, key, _wrap_aad(poll.pk))


def _poll_key(poll: Poll) -> bytes:
    sealed = bytes(poll.sealed_key) if poll.sealed_key is not None else b""
    if len(sealed) <= NONCE:
        raise BallotKeyLost(f"poll {poll.pk} has no ballot key")
    try:
        return AESGCM(_wrapping_key(settings.BALLOT_KEY)).decrypt(sealed[:NONCE], sealed[NONCE:], _wrap_aad(poll.pk))
    except InvalidTag:
        raise BallotKeyLost(f"poll {poll.pk}: BALLOT_KEY is not the key this poll was opened with") from None


@dataclass(frozen=True)
class _Cipher:
    aead: AESGCM
    receipt_tags: Any  # an HMAC under a key derived from the poll key, copied for each tag
    padded_length: int


def _cipher(poll: Poll) -> _Cipher:
    """The poll's cipher, unwrapped once per Poll instance (a batch of votes, a close)."""
    cached = poll.ballot_cipher
    if cached is None:
        key = _poll_key(poll)
        tag_key = hmac.new(key, b"motionhall receipt tags v1", hashlib.sha256).digest()
        cached = _Cipher(AESGCM(key), hmac.new(tag_key, digestmod=hashlib.sha256), _padded_length(poll))
        poll.ballot_cipher = cached
    return cached


def is_sealed(poll: Poll) -> bool:
    """Whether this poll's ballots are sealed now: a secret poll while it is open."""
    return poll.secret and poll.sealed_key is not None


# --- Sealing one ballot ----------------------------------------------------------------------


def _aad(poll: Poll, tag: str) -> bytes:
    return f"motionhall ballot v1|{poll.pk}|{tag}".encode()


def _padded_length(poll: Poll) -> int:
    """One length for every ballot of the poll: enough for the longest possible contents."""
    keys = sorted(o.key for o in poll.options.all())
    longest = json.dumps({"c": keys, "r": "XXXX-XXXX", "k": str(uuid.UUID(int=0))}, separators=(",", ":"))
    return (len(longest.encode()) // 64 + 1) * 64


def seal(poll: Poll, tag: str, contents: Contents) -> bytes:
    cipher = _cipher(poll)
    choice = list(contents.choice) if isinstance(contents.choice, tuple) else contents.choice
    plain = json.dumps({"c": choice, "r": contents.receipt, "k": str(contents.key)}, separators=(",", ":")).encode()
    plain = plain.ljust(cipher.padded_length, b" ")
    nonce = os.urandom(NONCE)
    return nonce + cipher.aead.encrypt(nonce, plain, _aad(poll, tag))


def unseal(poll: Poll, tag: str, sealed: bytes) -> Contents:
    cipher = _cipher(poll)
    sealed = bytes(sealed)
    try:
        data = json.loads(cipher.aead.decrypt(sealed[:NONCE], sealed[NONCE:], _aad(poll, tag)))
    except InvalidTag:
        raise BallotKeyLost(f"poll {poll.pk}: a ballot does not open with this poll's key") from None
    choice = tuple(data["c"]) if isinstance(data["c"], list) else data["c"]
    return Contents(choice, data["r"], uuid.UUID(data["k"]))


def receipt_tag(poll: Poll, receipt: str) -> str:
    """A keyed hash of a sealed ballot's receipt: unique per poll (two voters never get the
    same receipt), and no use to anyone once the poll key is gone."""
    mac = _cipher(poll).receipt_tags.copy()
    mac.update(receipt.encode())
    return mac.hexdigest()[:32]  # 128 bits


def contents(poll: Poll, ballot: Ballot) -> Contents:
    """What a stored ballot holds, sealed or not (its picks prefetched on a pick ballot)."""
    if ballot.sealed is not None:
        return unseal(poll, ballot.voter_tag or "", ballot.sealed)
    if ballot.option is not None:
        choice: str | tuple[str, ...] = ballot.option.key
    elif ballot.ranking is not None:
        choice = tuple(ballot.ranking)
    else:
        choice = tuple(sorted(o.key for o in ballot.picks.all()))
    assert ballot.receipt is not None and ballot.key is not None
    return Contents(choice, ballot.receipt, ballot.key)


# --- At close --------------------------------------------------------------------------------


def unseal_ballots(poll: Poll) -> None:
    """Write a secret poll's ballots afresh in random order, as plaintext with no voter
    tag, delete the stored rows (sealed, or plaintext from before ballots were sealed)
    and erase the poll key. Call inside the close's (or the
    annulment's) transaction, with the poll locked; the caller saves the poll.
    Raises BallotKeyLost (and changes nothing) if the ballots cannot be opened."""
    if not poll.secret:
        return
    postgresql = connection.vendor == "postgresql"
    # On PostgreSQL below the ORM (voting.rawpg): at 5,000 ballots the ORM's read, delete
    # and bulk_create took 0.9 s of the close, before poll.closed could leave.
    if postgresql:
        stored = rawpg.ballots_of(poll)
        if poll.kind == Poll.Kind.PICK:
            prefetch_related_objects(stored, "picks")
    else:
        stored = list(Ballot.objects.filter(poll=poll).select_related("option").prefetch_related("picks"))
    opened = [contents(poll, b) for b in stored]
    options = {o.key: o for o in poll.options.all()}
    ranked = poll.kind == Poll.Kind.RANKED
    for i in range(len(opened) - 1, 0, -1):  # Fisher-Yates with a CSPRNG
        j = secrets.randbelow(i + 1)
        opened[i], opened[j] = opened[j], opened[i]
    ballots = [
        Ballot(
            poll_id=poll.pk,
            option=options[c.choice] if isinstance(c.choice, str) and not ranked else None,
            ranking=list(c.choice) if ranked else None,
            receipt=c.receipt,
            key=c.key,
        )
        for c in opened
    ]
    # The old rows go first: the new ones take their receipts (unique per poll).
    if postgresql:
        rawpg.delete_ballots(poll.pk)
        rawpg.execute(*rawpg.insert(Ballot, ballots))
        rawpg.mark_saved(ballots)
    else:
        Ballot.objects.filter(poll=poll).delete()
        Ballot.objects.bulk_create(ballots)
    through = Ballot.picks.through
    through.objects.bulk_create(
        [
            through(ballot_id=b.pk, option_id=options[k].pk)
            for b, c in zip(ballots, opened, strict=True)
            if isinstance(c.choice, tuple) and not ranked
            for k in c.choice
        ]
    )
    erase_key(poll)


def erase_key(poll: Poll) -> None:
    poll.sealed_key = None
    poll.ballot_cipher = None


def discard_sealed_ballots(poll: Poll) -> int:
    """Only for annulling a poll whose key is lost: its sealed ballots can never be read."""
    deleted, _ = Ballot.objects.filter(poll=poll, sealed__isnull=False).delete()
    erase_key(poll)
    return deleted
