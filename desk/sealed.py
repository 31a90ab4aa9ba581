"""A sheet of login cards at rest: sealed under a key the database never holds.

The PDF holds every code it prints in the clear, so between the task that makes it and
its one download it is kept in the Job row as AES-256-GCM ciphertext under a key derived
from ``ACCESS_CODE_KEY`` (bound to the job's id), and deleted at the download or when
``LOGIN_CARDS_KEEP_MINUTES`` run out (SECURITY.md). A dump of the database alone then
holds no code at any moment.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

NONCE = 12
_PURPOSE = b"motionhall/login-cards/v1"


def _key() -> bytes:
    return hmac.new(settings.ACCESS_CODE_KEY.encode(), _PURPOSE, hashlib.sha256).digest()


def seal(job_id: int, content: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(_key()).encrypt(nonce, content, f"job:{job_id}".encode())


def unseal(job_id: int, sealed: bytes) -> bytes:
    """The PDF again; raises ``cryptography.exceptions.InvalidTag`` under another key."""
    return AESGCM(_key()).decrypt(sealed[:NONCE], sealed[NONCE:], f"job:{job_id}".encode())
