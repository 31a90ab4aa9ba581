"""Where a phone's sign-in spends its time: ``python -m bench.signin --n 200``.

Signs N phones in through their QR link (``GET /c/<slug>/join/<code>/``) one after another
in this process, with Django's test client (the whole middleware stack, no network, no
ASGI server), and prints per sign-in: the database statements by table and their time,
the commits, the cache (rate-limit) calls, and the rest (Python: middleware, the view,
the session's signing). ``bench.run`` prints the end-to-end rate through uvicorn; the
difference between the two is the server's share (the ASGI handler's thread per request,
the HTTP parsing, the event loop).
"""

from __future__ import annotations

import argparse
import os
import re
import time
from collections import Counter, defaultdict
from typing import Any


def measure(n: int) -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from desk.hall import create_hall

    hall = create_hall(n)
    db_time: dict[str, float] = defaultdict(float)
    db_count: Counter[str] = Counter()
    cache_time = [0.0]
    cache_count = [0]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        verb = sql.split(None, 1)[0].upper()
        table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql, re.I)
        name = f"{verb} {table.group(1) if table else ''}".strip()
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_time[name] += time.perf_counter() - t0
            db_count[name] += 1

    originals = {}
    for method in ("get", "add", "incr", "set"):
        originals[method] = getattr(cache, method)

        def timed(*args: Any, _f: Any = originals[method], **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                cache_time[0] += time.perf_counter() - t0
                cache_count[0] += 1

        setattr(cache, method, timed)
    commits = [0, 0.0]
    real_commit = connection.commit

    def commit() -> None:
        t0 = time.perf_counter()
        real_commit()
        commits[0] += 1
        commits[1] += time.perf_counter() - t0

    connection.commit = commit  # type: ignore[method-assign]
    errors = 0
    try:
        with connection.execute_wrapper(wrapper):
            client = Client()  # one handler, as a server has: its middleware is loaded once
            t0 = time.perf_counter()
            for code in hall["codes"]:
                client.cookies.clear()  # each phone comes without a session
                response = client.get(f"/c/{hall['slug']}/join/{code}/")
                errors += response.status_code != 302
            total = time.perf_counter() - t0
    finally:
        for method, f in originals.items():
            setattr(cache, method, f)
        del connection.commit
    return {
        "n": n,
        "errors": errors,
        "total": total,
        "db_time": dict(db_time),
        "db_count": dict(db_count),
        "cache": (cache_count[0], cache_time[0]),
        "commits": tuple(commits),
    }


def report(m: dict[str, Any]) -> str:
    n = m["n"]
    per = lambda seconds: seconds / n * 1000  # noqa: E731
    db = sum(m["db_time"].values())
    lines = [
        f"{n} sign-ins in {m['total']:.2f} s: {n / m['total']:.0f}/s, {per(m['total']):.2f} ms each"
        + (f"  ({m['errors']} not redirected!)" if m["errors"] else ""),
        f"  database {per(db):.2f} ms in {sum(m['db_count'].values()) / n:.1f} statements"
        f" (commits {m['commits'][0] / n:.1f}, {per(m['commits'][1]):.2f} ms of it in commit)",
    ]
    for name in sorted(m["db_time"], key=m["db_time"].get, reverse=True):
        lines.append(f"    {name:<40} {m['db_count'][name] / n:4.1f} x  {per(m['db_time'][name]):6.2f} ms")
    count, seconds = m["cache"]
    lines.append(f"  cache (rate limits) {per(seconds):.2f} ms in {count / n:.1f} calls")
    rest = m["total"] - db - seconds - m["commits"][1]
    lines.append(f"  the rest (middleware, view, session signing, test client) {per(rest):.2f} ms")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    # As bench.run's servers: production settings on plain HTTP.
    os.environ.update({"DEBUG": "false", "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false"})
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    print(report(measure(args.n)), flush=True)


if __name__ == "__main__":
    main()
