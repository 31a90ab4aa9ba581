"""Access codes: made at random, printed once, stored only as a keyed hash (issue 13).

A code is twelve characters of a 31-letter alphabet (about 2**59). The database keeps
HMAC-SHA256 of the normalised code under a key derived from ``ACCESS_CODE_KEY`` (by
default ``SECRET_KEY``), which is never in the database: a dump signs nobody in, and
without the key the hashes cannot even be tested against guesses. The plaintext exists
only while a code is issued: on the card, in the e-mail, on the desk's screen once.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

from django.conf import settings

# No 0/O, 1/I/L: a code is read off a card and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31**12 is about 2**59: unguessable at any rate limit
HASH_LENGTH = 64  # hex of SHA-256
_PURPOSE = b"motionhall/access-code/v1"


def new_access_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """Accept a code as people type it: any case, with spaces or dashes."""
    return "".join(ch for ch in raw.upper() if ch in CODE_ALPHABET)


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@functools.lru_cache(maxsize=4)
def _derived_key(key: str) -> bytes:
    # A key of its own for this purpose: the same SECRET_KEY also signs sessions.
    return hmac.new(key.encode(), _PURPOSE, hashlib.sha256).digest()


def code_hash(raw: str) -> str:
    """What the database keeps of a code: HMAC-SHA256 of the normalised code, as hex."""
    key = _derived_key(settings.ACCESS_CODE_KEY)
    return hmac.new(key, normalise_code(raw).encode(), hashlib.sha256).hexdigest()


def code_from_bytes(digest: bytes) -> str:
    """A code in the alphabet from (at least 16) random-looking bytes: for derived codes."""
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def session_fingerprint(stored_hash: str | None) -> str:
    """Kept in a representative's session: a reissued (or revoked) code no longer matches,
    so the sessions made with the old one end. Derived from the stored hash alone."""
    if not stored_hash:
        return ""
    return hashlib.sha256(b"motionhall/session/" + stored_hash.encode()).hexdigest()[:16]
