"""The vote writer on its own: ``record_votes`` in batches, no sockets, one process.

    DATABASE_URL=... SECRET_KEY=... BALLOT_KEY=... .venv/bin/python -m bench.writer [--n 2000] [--repeat 3]

Times what the writer's lanes do in a burst: a secret poll of the benchmark hall is opened,
then N votes are stored in batches of ``--batch`` (one transaction each, as a lane commits
them), then the poll is closed (the sealed ballots unsealed and written shuffled). Prints
the wall-clock and the CPU time of this process (``time.process_time``: the Python the
server pays per vote, which a loaded machine inflates far less than the wall clock) for each
repeat and the best. PostgreSQL's own CPU is not in the CPU figure.
"""

from __future__ import annotations

import argparse
import os
import time
import uuid


def one_run(n: int, batch: int) -> dict[str, float]:
    from conference.models import Representative
    from desk.hall import create_hall
    from voting import actions, closing, put
    from voting.actions import VoteRequest, record_votes

    hall = create_hall(n)
    from motions.models import Motion

    chair = Representative.objects.get(conference_id=hall["conference_id"], role=Representative.Role.CHAIR)
    poll = actions.open_poll(put.create_motion_poll(Motion.objects.get(pk=hall["motion_id"])), chair)
    reps = list(
        Representative.objects.filter(conference_id=hall["conference_id"], role=Representative.Role.REPRESENTATIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )[:n]
    requests = [VoteRequest(r, poll.pk, ("for", "against", "abstain")[i % 3], uuid.uuid4()) for i, r in enumerate(reps)]
    w0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(requests), batch):
        outcomes = record_votes(requests[i : i + batch])
        assert all(o.ok for o in outcomes), [o for o in outcomes if not o.ok][:1]
    w1, c1 = time.perf_counter(), time.process_time()
    closing.close_poll(poll.pk, chair)
    w2, c2 = time.perf_counter(), time.process_time()
    return {"write_wall": w1 - w0, "write_cpu": c1 - c0, "close_wall": w2 - w1, "close_cpu": c2 - c1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    runs = [one_run(args.n, args.batch) for _ in range(args.repeat)]
    for i, r in enumerate(runs, 1):
        print(
            f"run {i}: write {r['write_wall']:.3f} s wall, {r['write_cpu']:.3f} s CPU "
            f"({r['write_cpu'] / args.n * 1e6:.0f} us CPU a vote); close {r['close_wall']:.3f} s wall, "
            f"{r['close_cpu']:.3f} s CPU"
        )
    best = {k: min(r[k] for r in runs) for k in runs[0]}
    print(
        f"best of {args.repeat}, {args.n} votes in batches of {args.batch}: write {best['write_wall']:.3f} s wall, "
        f"{best['write_cpu']:.3f} s CPU ({best['write_cpu'] / args.n * 1e6:.0f} us a vote); "
        f"close {best['close_wall']:.3f} s wall, {best['close_cpu']:.3f} s CPU"
    )


if __name__ == "__main__":
    main()
