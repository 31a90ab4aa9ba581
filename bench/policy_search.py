"""Time the policy book's search over 50,000 entries: twenty years of several bodies.

    createdb -h 127.0.0.1 -U postgres policy_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/policy_bench SECRET_KEY=any-long-bench-secret \\
        .venv/bin/python -m bench.policy_search [--entries 50000] [--runs 30]

Use a scratch database: the run migrates it and replaces the entries of its own bodies
(named "... (bench)"); it refuses to touch a database whose policy book has other bodies.
Without DATABASE_URL it runs on SQLite (SQLITE_PATH, or a temporary file).

The wording is generated from a vocabulary of GP policy phrases with a fixed seed, so every
run builds the same book. Each query goes through ``policy.search.search`` as the public
page calls it (count, ranked page of 20, highlights); the figures are wall-clock medians
and 95th percentiles over ``--runs`` runs after three warm-up runs.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
if __name__ == "__main__" and not os.environ.get("DATABASE_URL"):  # run, not imported by the tests
    os.environ.setdefault("SQLITE_PATH", str(Path(tempfile.gettempdir()) / "motionhall-policy-bench.sqlite3"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from policy.models import PolicyBody, PolicyEntry  # noqa: E402
from policy.search import Filters, search  # noqa: E402
from policy.similar import similar_policy  # noqa: E402

BODIES = [
    ("ENG", "Conference of England LMCs (bench)"),
    ("UK", "UK Conference of LMCs (bench)"),
    ("WAL", "Welsh LMCs Conference (bench)"),
    ("SCO", "Scottish LMCs Conference (bench)"),
    ("NI", "Northern Ireland LMCs Conference (bench)"),
]
FIRST_YEAR, YEARS = 2006, 20
SECTIONS = [
    "The GP contract", "Funding", "Pay", "Workload and regulation", "Indemnity", "Premises", "Workforce",
    "The partnership model", "Digital and IT", "Prescribing", "Primary care networks", "Education and training",
]  # fmt: skip
LMCS = [
    "Avon LMC", "Birmingham LMC", "Cleveland LMC", "Devon LMC", "Essex LMCs", "Kent LMC", "Leeds LMC",
    "Londonwide LMCs", "Norfolk and Waveney LMC", "Wessex LMCs", "Cheshire LMC", "Somerset LMC", "Gwent LMC",
    "Cardiff and Vale LMC", "Lothian LMC", "Glasgow LMC", "Belfast LMC", "Cornwall and Isles of Scilly LMC",
]  # fmt: skip
OPENINGS = [
    "That conference demands that", "That conference calls upon GPC England to ensure that",
    "That conference believes that", "That conference insists that", "That conference instructs the GPC to ensure that",
    "That conference is concerned that", "That conference calls on the government to guarantee that",
    "That conference mandates its negotiators to secure an agreement that", "That conference reaffirms that",
]  # fmt: skip
# What motions are about: several hundred distinct words, each topic in one or two entries in a hundred.
TOPICS = [
    "seniority payments",
    "the global sum",
    "out-of-area registration",
    "the state-backed indemnity scheme",
    "the DDRB award",
    "CQC inspection",
    "premises leases",
    "service charges for NHS Property Services buildings",
    "the Quality and Outcomes Framework",
    "the PCN directed enhanced service",
    "ARRS roles",
    "physician associates",
    "GP trainees",
    "locum GPs",
    "salaried GPs",
    "sessional GPs",
    "dispensing practices",
    "rural practices",
    "online consultation tools",
    "the NHS App",
    "GP Connect",
    "the data controller role for patient records",
    "shared care agreements",
    "fit notes",
    "hospital discharge letters",
    "phlebotomy requests from hospitals",
    "rejected referrals",
    "mental health referrals",
    "safeguarding reports",
    "firearms licensing reports",
    "medico-legal reports",
    "annual appraisal",
    "revalidation",
    "the General Medical Council's fitness to practise process",
    "the NHS pension scheme",
    "the annual allowance tax charge",
    "parental leave for partners",
    "sickness cover",
    "maternity locum reimbursement",
    "the Carr-Hill formula",
    "deprivation weighting",
    "the Minimum Practice Income Guarantee",
    "PMS reviews",
    "APMS contracts",
    "list closure",
    "practice boundaries",
    "home visits",
    "care home ward rounds",
    "flu vaccination payments",
    "childhood immunisations",
    "cervical screening",
    "NHS 111 dispositions",
    "urgent treatment centres",
    "enhanced access",
    "continuity of care",
    "safe working limits",
    "burnout among GPs",
    "GP retention schemes",
    "international medical graduates",
    "visa sponsorship for GP trainees",
    "training practices",
    "medical student placements",
    "prescribing budgets",
    "medicines shortages",
    "controlled drugs monitoring",
    "the electronic prescription service",
    "digital-first providers",
    "private online GP services",
    "ICB commissioning of local enhanced services",
    "the transfer of hospital workload",
    "practice nurse pay",
    "receptionist abuse",
    "violent patient schemes",
    "the zero-tolerance policy on abuse",
    "interpreting services",
    "patients with learning disabilities",
    "homeless patients",
    "asylum seekers' registration",
    "the veterans' scheme",
    "end-of-life care",
    "palliative care funding",
    "community nursing",
    "health visiting",
    "social prescribing",
    "weight management services",
    "obesity drugs",
    "ADHD shared care",
    "gender identity services",
    "the Women's Health Strategy",
    "menopause care",
    "long COVID clinics",
    "pharmacy first",
    "optometry referrals",
    "dental emergencies presenting to GPs",
    "clinical waste collection",
    "business rates for surgeries",
    "VAT on practice premises",
    "last-person-standing liability",
    "partnership agreements",
    "the partnership model",
    "GP federations",
    "at-scale providers",
    "primary care networks",
    "integrated care boards",
    "the national GP contract",
]
ACTIONS = [
    "be funded in full with new money",
    "be restored",
    "be abolished",
    "be reviewed every year",
    "be protected from cuts",
    "be index-linked to inflation",
    "not be transferred to general practice without resources",
    "be negotiated nationally",
    "be removed from the contract",
    "be extended to every practice",
    "be capped",
    "be made optional for practices",
    "be reimbursed at cost",
    "be simplified",
    "be suspended until it is safe",
    "be replaced by a fairer system",
    "be backed by legislation",
    "be available to every patient",
    "be commissioned from secondary care",
    "be part of core funding",
    "no longer be a contractual requirement",
    "be paid for by the hospital that asks for it",
]
REASONS = [
    "as practices face rising costs", "to protect patient safety", "so that practices can recruit and retain staff",
    "because the current arrangements are unsustainable", "given the pressures on general practice this winter",
    "in the interests of patients", "to end the postcode lottery", "as already promised by ministers",
    "so that GPs can spend more time with patients", "to stop the exodus of experienced doctors",
]  # fmt: skip
WELSH = [
    "Mae'r gynhadledd hon yn galw ar Lywodraeth Cymru i sicrhau cyllid teg i feddygon teulu",
    "bod meddygon teulu yn cael eu cefnogi ym mhob rhan o Gymru",
    "bod gofal sylfaenol yn cael ei ariannu'n llawn",
]  # fmt: skip


@dataclass
class Figure:
    label: str
    hits: int
    median_ms: float
    p95_ms: float


def _wording(rng: random.Random, code: str) -> tuple[str, str]:
    """(title, wording): one to three topics, each with what should happen to it."""
    topics = rng.sample(TOPICS, rng.choices([1, 2, 3], [60, 30, 10])[0])
    clauses = [f"{topic} {'should ' if rng.random() < 0.3 else 'must '}{rng.choice(ACTIONS)}" for topic in topics]
    text = f"{rng.choice(OPENINGS)} {', and that '.join(clauses)}"
    text += f", {rng.choice(REASONS)}." if rng.random() < 0.5 else "."
    if code == "WAL" and rng.random() < 0.3:
        text += f"\n{rng.choice(WELSH)}."
    title = topics[0][0].upper() + topics[0][1:]
    return title, text


def generate(n: int, seed: int = 2026) -> list[PolicyEntry]:
    rng = random.Random(seed)
    bodies = {body.code: body for body in PolicyBody.objects.filter(code__in=[c for c, _ in BODIES])}
    per_conference = max(1, n // (len(BODIES) * YEARS))
    entries: list[PolicyEntry] = []
    for i in range(n):
        code = BODIES[i // per_conference % len(BODIES)][0]
        year = FIRST_YEAR + (i // (per_conference * len(BODIES))) % YEARS
        number = i % per_conference + 1
        title, wording = _wording(rng, code)
        status = rng.choices(["policy", "reference", "superseded", "lapsed", "reaffirmed"], [70, 8, 8, 10, 4])[0]
        entries.append(
            PolicyEntry(
                reference=f"{year}/{code}/{number}", body=bodies[code],
                conference_name=f"{bodies[code].name} {year}", year=year,
                date=datetime.date(year, 11, 1) + datetime.timedelta(days=rng.randint(0, 27)),
                motion_number=str(number), number_order=number, section=rng.choice(SECTIONS),
                proposer=rng.choice(LMCS), title=title, wording=wording,
                status=status, outcome="carried_as_reference" if status == "reference" else "carried",
            )
        )  # fmt: skip
    return entries


def build(n: int) -> float:
    """Replace the bench bodies' entries with ``n`` new ones; returns the seconds it took."""
    start = time.perf_counter()
    others = (
        PolicyBody.objects.exclude(code__in=[c for c, _ in BODIES]).exists()
        or PolicyBody.objects.filter(code__in=[c for c, _ in BODIES]).exclude(name__endswith="(bench)").exists()
    )
    if others:
        raise SystemExit("This database's policy book has bodies of its own: run the bench on a scratch database.")
    with transaction.atomic():
        PolicyEntry.objects.filter(body__name__endswith="(bench)").update(superseded_by=None, reaffirmed_by=None)
        PolicyEntry.objects.filter(body__name__endswith="(bench)").delete()
        for code, name in BODIES:
            PolicyBody.objects.get_or_create(code=code, defaults={"name": name, "lapse_years": 5})
        PolicyEntry.objects.bulk_create(generate(n), batch_size=2000)
    with connection.cursor() as cursor:
        # VACUUM FULL: the entries of the last run leave dead index entries that skew the plans,
        # and their space, reused but never given back, left the table three times its size
        # after two runs (121 MB for 50,000 entries, not 40): a scan read three times the pages.
        # Rewritten, every run measures the same compact table a first run does.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # (not in the tests)
        cursor.execute("VACUUM FULL ANALYZE policy_policyentry" if vacuum else "ANALYZE")
    return time.perf_counter() - start


SEARCHES: list[tuple[str, str, dict[str, Any]]] = [
    ("a word", "indemnity", {}),
    ("a word in most entries (the worst case)", "practices", {}),
    ("a phrase", '"out of area"', {}),
    ("an OR", "CQC OR inspections", {}),
    ("a minus", "locum -pension", {}),
    ("a word, one year", "premises", {"year": 2015}),
    ("a word, one body and status", "locum", {"body": "UK", "status": "policy"}),
    ("Welsh", "meddygon teulu", {}),
    ("a misspelling (the fall-back)", "indemnitty", {}),
    ("browse: no words, a year", "", {"year": 2020}),
]


def timed(fn: Any, runs: int) -> tuple[Any, list[float]]:
    for _ in range(3):
        result = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return result, times


def figure(label: str, hits: int, times: list[float]) -> Figure:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return Figure(label, hits, statistics.median(ordered), p95)


def time_queries(runs: int) -> list[Figure]:
    figures = []
    for label, q, filters in SEARCHES:
        result, times = timed(lambda q=q, f=filters: search(q, Filters(**f)), runs)
        figures.append(figure(f"{label}: {q or '-'} {filters or ''}".strip(), result.total, times))
    motion = (
        "That conference condemns the abolition of seniority payments, which has penalised experienced GPs and "
        "hastened their early retirement, and calls on GPC England to negotiate their restoration."
    )
    found, times = timed(lambda: similar_policy(motion, "Restore seniority pay"), max(3, runs // 3))
    figures.append(figure("similar_policy: a 2026 motion", len(found), times))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    seconds = build(args.entries)
    print(f"{vendor}: built {PolicyEntry.objects.count():,} entries in {seconds:.1f} s")
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    print(f"{'query':<64} {'hits':>7} {'median':>9} {'p95':>9}")
    for f in time_queries(args.runs):
        print(f"{f.label:<64} {f.hits:>7,} {f.median_ms:>7.1f}ms {f.p95_ms:>7.1f}ms")


if __name__ == "__main__":
    main()
