"""Fixed-window rate limits kept in Django's cache (Redis in production, so every
worker process counts into the same buckets).

A code has ~59 bits of entropy, so guessing one is hopeless at any rate; the limits
are there so an attacker cannot even try, so a leaked code cannot be hammered, and so
abuse leaves a trace in the audit log. Limits are settings (``RATE_LIMITS``) so a hall
behind one NAT address can be given more room.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends (0 when allowed)


def limit(name: str) -> Limit:
    count, seconds = settings.RATE_LIMITS[name]
    return Limit(int(count), int(seconds))


def _key(name: str, ident: str, window: int) -> str:
    # Hash the identity too: callers pass a code's keyed hash, never the code (conference.views),
    # and an address is personal data.
    digest = hashlib.sha256(f"{name}:{ident}".encode()).hexdigest()[:32]
    return f"rl:{name}:{digest}:{window}"


def _window(rule: Limit) -> tuple[int, int]:
    now = int(time.time())
    return now // rule.seconds, rule.seconds - now % rule.seconds


def used(name: str, ident: str) -> Verdict:
    """Whether ``ident`` is still under the limit, without counting an attempt."""
    rule = limit(name)
    window, left = _window(rule)
    n = cache.get(_key(name, ident, window), 0)
    return Verdict(n < rule.count, 0 if n < rule.count else left)


def hit(name: str, ident: str) -> Verdict:
    """Count one attempt; refused once more than the limit were made in this window."""
    rule = limit(name)
    window, left = _window(rule)
    key = _key(name, ident, window)
    # add() then incr(): atomic in Redis, so concurrent workers never lose a count.
    if cache.add(key, 1, timeout=rule.seconds + 1):
        n = 1
    else:
        try:
            n = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=rule.seconds + 1)
            n = 1
    return Verdict(n <= rule.count, 0 if n <= rule.count else left)


def first_report(name: str, ident: str) -> bool:
    """True once per window and identity: one audit entry per lockout, not one per try."""
    rule = limit(name)
    window, _ = _window(rule)
    return cache.add(_key(f"{name}:reported", ident, window), 1, timeout=rule.seconds + 1)


def client_address(request: HttpRequest) -> str:
    """The client's address. Behind a proxy, set ``TRUSTED_PROXY_COUNT`` so the address
    is read from X-Forwarded-For (the n-th from the right: the one our proxy saw)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class Bucket:
    """A token bucket held by one socket: ``count`` messages per ``seconds`` on average,
    and a burst of up to ``count`` at once. In memory: a socket lives in one process."""

    __slots__ = ("capacity", "rate", "tokens", "at")

    def __init__(self, count: int, seconds: float) -> None:
        self.capacity = float(count)
        self.rate = count / seconds
        self.tokens = float(count)
        self.at = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def wait(self) -> float:
        """Seconds until the next message is allowed (0 if one is now)."""
        return max(0.0, (1 - self.tokens) / self.rate)
