"""The existing policy a motion on the floor restates: the few entries the console's floor card
and the phone's motion card link to, with ``similar_policy``'s ranking.

motions/payloads.py calls ``existing_policy`` through the hook that ``PolicyConfig.ready``
registers, for every payload of the motion; the snapshot is built once per conference and
seq, but a payload is also built for each motion.updated event, so the answer is cached per
motion and wording, under a version of the book that any change to an entry or a body
replaces (the cache is Redis in production, so every process sees the new version).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from motions.models import Motion

from .models import PolicyEntry
from .similar import similar_policy

SHOWN = 3  # entries on the floor card and the phone
VERSION_KEY = "policy:book-version"
LIFETIME = 24 * 3600


def book_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return str(version)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def book_changed(**_: Any) -> None:
    """An entry or a body changed: every cached answer is stale. Now, and again after commit,
    so that an answer computed meanwhile from the book before the change is not kept (a
    change rolled back costs only a recomputation)."""
    _new_version()
    transaction.on_commit(_new_version)


def _link(entry: PolicyEntry) -> dict[str, Any]:
    return {
        "reference": entry.reference,
        "title": entry.title,
        "status": entry.status,
        "status_label": str(entry.get_status_display()),
        "url": reverse("policy-entry", args=[entry.reference]),
    }


def _compute(motion: Motion) -> list[dict[str, Any]]:
    found = similar_policy(motion.wording, motion.title, exclude_conference=motion.conference, limit=SHOWN)
    return [_link(s.entry) for s in found]


def existing_policy(motion: Motion) -> dict[str, Any]:
    """``{"existing_policy": [{reference, title, status, status_label, url}, ...]}``, most alike first."""
    words = hashlib.sha256(f"{motion.title}\n{motion.wording}".encode()).hexdigest()[:16]
    key = f"policy:existing:{book_version()}:{motion.pk}:{words}"
    links = cache.get(key)
    if links is None:
        links = _compute(motion)
        cache.set(key, links, LIFETIME)
    return {"existing_policy": links}
