"""Drive a hall of N phones against the real ASGI server, and against the bare baseline.

    .venv/bin/python -m bench.run --n 2000 --procs 2      # see bench/README.md

Servers run as subprocesses (uvicorn, as in production; or bench.baseline), phones in a
few worker processes (bench.phones); this process is the chair and the referee: it
times each step, reads the servers' memory from /proc, and checks the stored ballots
against the acknowledgements in the database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Config:
    n: int
    procs: int = 1
    workers: int = 2
    window: float = 5.0
    port: int = 8160  # ours on port .. port+procs-1
    baseline_port: int = 8165
    server_env: dict[str, str] = field(default_factory=dict)  # on top of os.environ
    log_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="motionhall-bench-"))
    quiet: bool = False
    ws: str = "wsproto"  # uvicorn's --ws: wsproto (make serve) or websockets-sansio
    profile: bool = False  # py-spy on each of our servers through the burst, close and publish


def server_environment(extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    # Plain HTTP on the loopback: no HTTPS redirect, cookies without the Secure flag.
    env.update({"DEBUG": "false", "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false", "LOG_LEVEL": "WARNING"})
    env.setdefault("SECRET_KEY", "bench-only-secret-key-" + secrets.token_hex(24))
    env.update(extra)
    return env


# --- processes ---------------------------------------------------------------------------


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start")


def die_with_parent() -> None:
    """In the child before exec: SIGTERM when the parent dies, so a killed run leaves no server behind."""
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def collect_static(env: dict[str, str]) -> None:
    """With DEBUG off the pages want the collected, hashed static files (WhiteNoise's manifest)."""
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


WS_MAX_SIZE = "2048"


def start_servers(cfg: Config, kind: str) -> list[subprocess.Popen[bytes]]:
    env = server_environment(cfg.server_env)
    procs = []
    for i in range(cfg.procs if kind == "ours" else 1):
        if kind == "ours":
            port = cfg.port + i
            cmd = [
                PYTHON,
                "-m",
                "uvicorn",
                "conference.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--ws",
                cfg.ws,
                "--ws-per-message-deflate",
                "false",
                "--ws-max-size",  # settings.MAX_CLIENT_MESSAGE_BYTES (tests/conference/test_deployment.py)
                WS_MAX_SIZE,
                "--no-access-log",
                "--log-level",
                "warning",
                "--backlog",
                "4096",
            ]
        else:
            port = cfg.baseline_port
            cmd = [PYTHON, "-m", "bench.baseline", str(port)]
        log = open(Path(cfg.log_dir) / f"{kind}-{port}.log", "wb")
        procs.append(
            subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent if sys.platform == "linux" else None,
            )
        )
        procs[-1].port = port  # type: ignore[attr-defined]
    for proc in procs:
        wait_for_port(proc.port, proc)  # type: ignore[attr-defined]
    return procs


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Workers:
    """The phone worker processes, each answering one JSON line per command."""

    def __init__(self, cfg: Config, kind: str, phones: list[dict[str, Any]], slug: str) -> None:
        self.procs: list[asyncio.subprocess.Process] = []
        self.cfg, self.kind, self.phones, self.slug = cfg, kind, phones, slug

    async def start(self) -> None:
        for w in range(self.cfg.workers):
            spec = Path(self.cfg.log_dir) / f"{self.kind}-worker-{w}.json"
            spec.write_text(
                json.dumps({"mode": self.kind, "slug": self.slug, "phones": self.phones[w :: self.cfg.workers]})
            )
            self.procs.append(
                await asyncio.create_subprocess_exec(
                    PYTHON,
                    "-m",
                    "bench.phones",
                    str(spec),
                    cwd=ROOT,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    limit=2**26,
                )
            )

    async def all(self, **cmd: Any) -> list[dict[str, Any]]:
        line = (json.dumps(cmd) + "\n").encode()
        for p in self.procs:
            assert p.stdin is not None
            p.stdin.write(line)

        async def answer(p: asyncio.subprocess.Process) -> dict[str, Any]:
            assert p.stdout is not None
            raw = await p.stdout.readline()
            if not raw:
                raise RuntimeError("a phone worker died; see its stderr")
            return json.loads(raw)

        return await asyncio.gather(*(answer(p) for p in self.procs))

    async def stop(self) -> None:
        for p in self.procs:
            if p.returncode is None:
                p.kill()
                await p.wait()


# --- the chair -----------------------------------------------------------------------------


class Chair:
    def __init__(self, ws: Any) -> None:
        self.ws = ws

    @classmethod
    async def sign_in(cls, kind: str, port: int, hall: dict[str, Any]) -> Chair:
        from .phones import http, ws_connect

        origin = f"http://127.0.0.1:{port}"
        if kind == "baseline":
            return cls(await ws_connect(f"ws://127.0.0.1:{port}/chair", None, origin))
        _, cookies, _ = await http("127.0.0.1", port, "GET", "/login/")
        token = cookies["csrftoken"]
        status, cookies, _ = await http(
            "127.0.0.1",
            port,
            "POST",
            "/login/",
            cookies={"csrftoken": token},
            form={"csrfmiddlewaretoken": token, **hall["chair"]},
        )
        if status != 302 or "sessionid" not in cookies:
            raise RuntimeError(f"chair sign-in answered {status}")
        ws = await ws_connect(
            f"ws://127.0.0.1:{port}/ws/c/{hall['slug']}/", {"sessionid": cookies["sessionid"]}, origin
        )
        await ws.recv()  # the snapshot
        return cls(ws)

    async def do(self, **message: Any) -> dict[str, Any]:
        ref = str(uuid.uuid4())
        await self.ws.send(json.dumps({**message, "ref": ref}))
        while True:
            answer = json.loads(await asyncio.wait_for(self.ws.recv(), 60))
            if answer.get("ref") == ref:
                if answer["type"] != "ok":
                    raise RuntimeError(f"chair's {message['type']} refused: {answer}")
                return answer


# --- one run ---------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    if not values:
        return math.nan
    values = sorted(values)
    return values[max(0, math.ceil(p * len(values)) - 1)]


def log(cfg: Config, text: str) -> None:
    if not cfg.quiet:
        print(text, file=sys.stderr, flush=True)


async def drive(cfg: Config, kind: str, hall: dict[str, Any]) -> dict[str, Any]:
    """Sign in, connect, open, vote, close, publish; return the raw measurements."""
    servers = start_servers(cfg, kind)
    ports = [s.port for s in servers]  # type: ignore[attr-defined]
    phones = [
        {"code": code, "host": "127.0.0.1", "port": ports[i % len(ports)]} for i, code in enumerate(hall["codes"])
    ]
    workers = Workers(cfg, kind, phones, hall.get("slug", ""))
    out: dict[str, Any] = {"kind": kind}
    try:
        await workers.start()
        answers = await workers.all(cmd="signin")
        out["signin_s"] = max(a["t1"] for a in answers) - min(a["t0"] for a in answers)
        out["signin_errors"] = sum(sum(a["errors"].values()) for a in answers)
        log(cfg, f"[{kind}] signed in in {out['signin_s']:.1f}s; connecting {cfg.n} phones")
        await asyncio.sleep(0.5)
        rss_before = sum(rss_kb(s.pid) for s in servers)
        answers = await workers.all(cmd="connect")
        out["connect_s"] = max(a["t1"] for a in answers) - min(a["t0"] for a in answers)
        out["connected"] = sum(a["connected"] for a in answers)
        out["connect_errors"] = Counter()
        for a in answers:
            out["connect_errors"].update(a["errors"])
        await asyncio.sleep(2)  # idle: what the sockets hold, not the storm's garbage
        out["rss_before_kb"], out["rss_after_kb"] = rss_before, sum(rss_kb(s.pid) for s in servers)
        log(cfg, f"[{kind}] {out['connected']} connected in {out['connect_s']:.1f}s; opening the poll")

        chair = await Chair.sign_in(kind, ports[0], hall)
        if kind == "ours":
            # The chair calls the motion; the vote opens after its debate, not in the same
            # instant: every phone has the call before the open is timed (the call's own
            # fan-out is a figure of its own; the baseline has no call).
            t_call = time.time()
            await chair.do(type="call", motion=hall["motion_id"])
            answers = await workers.all(cmd="wait", event="item.called", timeout=60)
            out["called"] = [t - t_call for a in answers for t in a["times"]]
            await asyncio.sleep(1)
        t_open = time.time()
        poll_id = (await chair.do(type="open", motion=hall.get("motion_id")))["poll_id"]
        out["poll_id"] = poll_id
        answers = await workers.all(cmd="wait", event="poll.opened", timeout=60)
        out["opened"] = [t - t_open for a in answers for t in a["times"]]
        out["opened_missing"] = sum(a["missing"] for a in answers)
        await asyncio.sleep(1)  # let the turnout and the snapshot traffic settle

        log(cfg, f"[{kind}] voting in a {cfg.window:.0f}s burst")
        spies = start_profiles(cfg, kind, servers)
        answers = await workers.all(cmd="vote", start_at=time.time() + 0.5, window=cfg.window, timeout=60)
        out["latencies"] = [x for a in answers for x in a["latencies"]]
        sent = [x for a in answers for x in a["sent"]]
        answered = [x for a in answers for x in a["answered_at"]]
        out["acked"] = {k: v for a in answers for k, v in a["acked"].items()}
        out["vote_span_s"] = (max(answered) - min(sent)) if answered else math.nan
        out["refused"] = Counter()
        for a in answers:
            out["refused"].update(a["refused"])
        out["unanswered"] = sum(a["unanswered"] for a in answers)
        out["no_poll"] = sum(a["no_poll"] for a in answers)

        # The close reaches every phone (both servers tell them) before the publish is
        # timed: a chair reads the result before publishing it, and a publish timed while
        # the close's frames are still on their way measures the two together.
        t_close = time.time()
        await chair.do(type="close", poll=poll_id)
        answers = await workers.all(cmd="wait", event="poll.closed", timeout=60)
        out["closed"] = [t - t_close for a in answers for t in a["times"]]
        out["closed_missing"] = sum(a["missing"] for a in answers)
        await asyncio.sleep(1)
        t_publish = time.time()
        await chair.do(type="publish", poll=poll_id)
        answers = await workers.all(cmd="wait", event="result.published", timeout=60)
        out["published"] = [t - t_publish for a in answers for t in a["times"]]
        out["published_missing"] = sum(a["missing"] for a in answers)
        stop_profiles(cfg, spies)
        await workers.all(cmd="quit")
        await chair.ws.close()
    finally:
        await workers.stop()
        for s in servers:
            s.terminate()
        for s in servers:
            try:
                s.wait(10)
            except subprocess.TimeoutExpired:
                s.kill()
                s.wait()
    return out


def start_profiles(cfg: Config, kind: str, servers: list[subprocess.Popen[bytes]]) -> list[subprocess.Popen[bytes]]:
    """py-spy (not a requirement: install it to profile) on each of our servers, raw
    collapsed stacks of every thread at 50 Hz, into the run's log directory."""
    if not cfg.profile or kind != "ours":
        return []
    spy = Path(PYTHON).with_name("py-spy")
    return [
        subprocess.Popen(
            [str(spy), "record", "--pid", str(s.pid), "--format", "raw", "--threads", "-r", "50",
             "-o", str(Path(cfg.log_dir, f"profile-{i}.txt"))],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i, s in enumerate(servers)
    ]  # fmt: skip


def stop_profiles(cfg: Config, spies: list[subprocess.Popen[bytes]]) -> None:
    import signal

    for spy in spies:
        spy.send_signal(signal.SIGINT)
    for spy in spies:
        spy.wait(30)
    if spies:
        log(cfg, f"profiles: {cfg.log_dir}/profile-*.txt")


# --- the referee -----------------------------------------------------------------------------


def stored_ours(poll_id: int) -> tuple[list[tuple[str, str]], dict[str, int]]:
    from voting.models import Ballot, Participation, Poll

    ballots = [(str(k), c) for k, c in Ballot.objects.filter(poll_id=poll_id).values_list("key", "option__key")]
    poll = Poll.objects.get(pk=poll_id)
    tally = {row["key"]: row["count"] for row in (poll.result or {}).get("counts", [])}
    tally["participations"] = Participation.objects.filter(poll_id=poll_id).count()
    return ballots, tally


def stored_baseline(poll_id: int, sqlite_path: str) -> list[tuple[str, str]]:
    sql = "SELECT key, choice FROM bench_baseline_ballot WHERE poll = {p}"
    url = os.environ.get("DATABASE_URL")
    if url:
        import psycopg

        with psycopg.connect(url) as conn:
            return list(conn.execute(sql.format(p="%s"), (poll_id,)).fetchall())
    import sqlite3

    with sqlite3.connect(sqlite_path) as conn:
        return list(conn.execute(sql.format(p="?"), (poll_id,)).fetchall())


def referee(out: dict[str, Any], ballots: list[tuple[str, str]], tally: dict[str, int] | None) -> None:
    acked: dict[str, str] = out["acked"]
    keys = [k for k, _ in ballots]
    out["lost"] = len(set(acked) - set(keys))
    out["doubled"] = len(keys) - len(set(keys)) + len(set(keys) - set(acked))
    out["wrong_choice"] = sum(1 for k, c in ballots if k in acked and acked[k] != c)
    if tally is not None:
        want = Counter(acked.values())
        out["tally_matches"] = all(tally.get(c, 0) == want.get(c, 0) for c in ("for", "against", "abstain")) and (
            tally["participations"] == len(acked)
        )


def figures(out: dict[str, Any], n: int) -> dict[str, float]:
    lat = [x * 1000 for x in out["latencies"]]
    return {
        **({"call_fanout_last_ms": max(out["called"], default=math.nan) * 1000} if "called" in out else {}),
        "connect_s": out["connect_s"],
        "connects_per_s": out["connected"] / out["connect_s"] if out["connect_s"] else math.nan,
        "open_fanout_last_ms": max(out["opened"], default=math.nan) * 1000,
        "open_fanout_p50_ms": pct(out["opened"], 0.5) * 1000,
        "ack_p50_ms": pct(lat, 0.5),
        "ack_p95_ms": pct(lat, 0.95),
        "ack_p99_ms": pct(lat, 0.99),
        "ack_max_ms": max(lat, default=math.nan),
        "votes_per_s": len(out["acked"]) / out["vote_span_s"] if out["vote_span_s"] else math.nan,
        "close_fanout_last_ms": max(out["closed"], default=math.nan) * 1000,
        "publish_fanout_last_ms": max(out["published"], default=math.nan) * 1000,
        "rss_per_phone_kb": (out["rss_after_kb"] - out["rss_before_kb"]) / max(1, out["connected"]),
        "server_rss_mb": out["rss_after_kb"] / 1024,
        "acked": len(out["acked"]),
        "lost": out["lost"],
        "doubled": out["doubled"],
    }


LOWER_IS_BETTER = {
    "connect_s",
    "open_fanout_last_ms",
    "open_fanout_p50_ms",
    "ack_p50_ms",
    "ack_p95_ms",
    "ack_p99_ms",
    "ack_max_ms",
    "close_fanout_last_ms",
    "publish_fanout_last_ms",
    "rss_per_phone_kb",
    "server_rss_mb",
}


def report(cfg: Config, results: dict[str, dict[str, Any]]) -> str:
    lines = [f"N={cfg.n} processes={cfg.procs} window={cfg.window:g}s phone-workers={cfg.workers}"]
    ours, base = results.get("ours"), results.get("baseline")
    for kind, out in results.items():
        problems = {k: out[k] for k in ("connect_errors", "refused") if out.get(k)}
        problems |= {
            k: out[k]
            for k in (
                "opened_missing",
                "closed_missing",
                "published_missing",
                "unanswered",
                "no_poll",
                "wrong_choice",
                "signin_errors",
            )
            if out.get(k)
        }
        if out.get("tally_matches") is False:
            problems["tally_matches"] = False
        if problems:
            lines.append(f"{kind} problems: {json.dumps(problems, default=dict)}")
    fo, fb = (figures(ours, cfg.n) if ours else {}), (figures(base, cfg.n) if base else {})
    for name in fo or fb:
        line = f"{name:<24}"
        if fo:
            line += f" ours {fo[name]:>10.1f}"
        if fb and name in fb:
            line += f"   baseline {fb[name]:>10.1f}"
        if fo and name in fb and name in LOWER_IS_BETTER and fb[name]:
            line += f"   ratio {fo[name] / fb[name]:>6.2f}x"
        lines.append(line)
    return "\n".join(lines)


def run(cfg: Config, kinds: tuple[str, ...] = ("baseline", "ours")) -> dict[str, dict[str, Any]]:
    """Django must be set up, on the database the servers use (cfg.server_env)."""
    from desk.hall import create_hall

    results: dict[str, dict[str, Any]] = {}
    for kind in kinds:
        if kind == "ours":
            hall = create_hall(cfg.n)
            out = asyncio.run(drive(cfg, kind, hall))
            referee(out, *stored_ours(out["poll_id"]))
        else:
            sqlite_path = str(Path(cfg.log_dir) / "baseline.sqlite3")
            cfg.server_env.setdefault("BENCH_BASELINE_SQLITE", sqlite_path)
            hall = {"codes": [f"B{i:07d}" for i in range(cfg.n)]}
            out = asyncio.run(drive(cfg, kind, hall))
            referee(out, stored_baseline(out["poll_id"], cfg.server_env["BENCH_BASELINE_SQLITE"]), None)
        results[kind] = out
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="phones (representatives)")
    parser.add_argument("--procs", type=int, default=1, help="ASGI processes of ours (2 needs REDIS_URL)")
    parser.add_argument("--workers", type=int, default=2, help="phone worker processes")
    parser.add_argument("--window", type=float, default=5.0, help="seconds over which the phones vote")
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--baseline-port", type=int, default=8165)
    parser.add_argument("--only", choices=["ours", "baseline"], help="run one side only")
    parser.add_argument("--ws", default="wsproto", choices=["wsproto", "websockets-sansio"], help="uvicorn's --ws")
    parser.add_argument("--profile", action="store_true", help="py-spy our servers through burst and publish")
    args = parser.parse_args()
    if args.procs > 1 and not os.environ.get("REDIS_URL"):
        parser.error("more than one process needs REDIS_URL: the in-memory layer does not cross processes")
    server_env: dict[str, str] = {}
    if not os.environ.get("DATABASE_URL"):
        # The embedded default, on a fresh SQLite file of its own.
        server_env["SQLITE_PATH"] = os.environ.get("SQLITE_PATH") or str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
        os.environ["SQLITE_PATH"] = server_env["SQLITE_PATH"]
    cfg = Config(
        n=args.n,
        procs=args.procs,
        workers=args.workers,
        window=args.window,
        port=args.port,
        baseline_port=args.baseline_port,
        server_env=server_env,
        profile=args.profile,
        ws=args.ws,
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    collect_static(server_environment(server_env))  # the chair's login page
    kinds = (args.only,) if args.only else ("baseline", "ours")
    results = run(cfg, kinds)
    print(report(cfg, results), flush=True)
    Path(cfg.log_dir, "results.json").write_text(json.dumps(results, default=list))
    print(f"raw results and server logs: {cfg.log_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
