"""``/healthz`` for the load balancer: does this process reach PostgreSQL and Redis?

200 with ``{"status": "ok", ...}`` when both answer; 503 naming what failed. No sign-in,
no session, no template: a query and a PING, each with a short timeout, so a balancer can
ask every few seconds. (Without REDIS_URL, the embedded default, Redis is "not used".)
"""

from __future__ import annotations

from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

TIMEOUT_SECONDS = 2.0
_clients: dict[str, Any] = {}


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"failed: {type(exc).__name__}"
    return "ok"


def _redis() -> str:
    url = settings.REDIS_URL
    if not url:
        return "not used"
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        )
    try:
        client.ping()
    except Exception as exc:
        return f"failed: {type(exc).__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "redis": _redis()}
    failed = sorted(name for name, state in checks.items() if state.startswith("failed"))
    body = {"status": "failing" if failed else "ok", "failed": failed, **checks}
    return JsonResponse(body, status=503 if failed else 200)
