"""`make bench-reports`: the dashboard, its Excel export and the briefing at 1,000,000 cases.

A benchmark, not a test. Its own PostgreSQL database (``liaison_bench_reports``, kept between
runs) is topped up to N cases with the bulk seeder (``seed_demo --bulk``; the time is printed
the first time). The monthly roll-up is recounted in full and refreshed once (both timed).
Then, for the busiest quarter and the whole city: the dashboard page and the
all-tables Excel export through Django's test client (median and p95 wall time, SQL time and
the number of queries), a street committee's dashboard, the same figures counted from the
rows (``live=True``), and one compile of the quarterly
briefing (figures, hot topics over the quarter's texts, appendix). EXPLAIN (ANALYZE) of the
dashboard's slowest query follows. Writes test-artifacts/bench/reports.json.

    .venv/bin/python bench/reports.py [--cases 1000000] [--runs 5]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "test-artifacts" / "bench" / "reports.json"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--db", default=os.environ.get("BENCH_REPORTS_DB", "liaison_bench_reports"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmups", type=int, default=1)
    parser.add_argument("--redis", default="")
    return parser.parse_args()


# Five minutes of a busy region: an event on this many cases picked at random (old and
# new, every area), each of which makes the refresh recount its opening and closing months.
BURST_CASES = 500


def _refresh_after_a_burst(rollup_refresh) -> float:
    """The refresh after ``BURST_CASES`` cases got a progress note (rolled back after)."""
    from django.db import transaction
    from django.utils import timezone

    from routing.models import Case, CaseEvent

    with transaction.atomic():
        ids = list(Case.objects.order_by("?").values_list("pk", flat=True)[:BURST_CASES])
        now = timezone.now()
        CaseEvent.objects.bulk_create(
            CaseEvent(case_id=pk, kind=CaseEvent.Kind.PROGRESS, note="bench", created_at=now)
            for pk in ids
        )
        started = time.monotonic()
        written = rollup_refresh()
        seconds = round(time.monotonic() - started, 2)
        transaction.set_rollback(True)
    print(
        f"  roll-up, refresh after events on {BURST_CASES} random cases: {seconds} s "
        f"({sum(written.values())} rows rewritten)"
    )
    return seconds


def _compile_in_a_child(period: str, area_id: int) -> tuple[float, int]:
    """One briefing compile in a fresh process, as the Celery task runs it: its time and the
    process's peak resident memory (``ru_maxrss``, Django and the tokenizer included)."""
    code = (
        "import resource, time\n"
        "from reports.periods import Period\n"
        "from reports.services.briefing import briefing_compile\n"
        "from representatives.models import Area\n"
        "started = time.monotonic()\n"
        f"briefing_compile(period=Period.parse({period!r}), area=Area.objects.get(pk={area_id}))\n"
        "print(round(time.monotonic() - started, 1), "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env=os.environ,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[-2]), int(out[-1])


def main() -> None:
    from bench import worklists as w

    args = parse_args()
    w.configure(args)
    w.ensure_database(args.db)
    w.manage("migrate", "--noinput", "-v0")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.db.models.functions import TruncQuarter
    from django.test import Client

    from feedback.models import Submission
    from reports import metrics
    from reports.periods import Period
    from reports.rollup import rollup_refresh
    from representatives.models import Area, Role
    from routing.models import Case

    seeding = w.ensure_cases(args.cases)
    started = time.monotonic()
    built = rollup_refresh(full=True)
    full_s = round(time.monotonic() - started, 1)
    print(f"  roll-up, full build: {full_s} s ({sum(built.values())} rows)")
    with connection.cursor() as cursor:  # what autovacuum does after such a write
        cursor.execute("VACUUM ANALYZE reports_monthlycount, routing_case")
    started = time.monotonic()
    rollup_refresh()
    refresh_s = round(time.monotonic() - started, 2)
    print(f"  roll-up, refresh with nothing new: {refresh_s} s")
    burst_s = _refresh_after_a_burst(rollup_refresh)
    city = Area.objects.get(level=Area.Level.CITY)
    street = Area.objects.get(name="银河路街道")
    users = {
        "city": w.ensure_user("bench_city", role=Role.COMMITTEE_STAFF, area=city),
        "street": w.ensure_user("bench_street", role=Role.COMMITTEE_STAFF, area=street),
    }
    busiest = (
        Submission.objects.annotate(q=TruncQuarter("created_at"))
        .values("q")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    start = busiest["q"].date()
    period = Period.quarter(start.year, (start.month - 1) // 3 + 1)
    cases = Case.objects.count()
    print(f"{cases} cases; busiest quarter {period.key} with {busiest['n']} opinions")

    results = {}
    for name, user, url in (
        ("dashboard, city", "city", f"/reports/?period={period.key}&area={city.pk}"),
        ("dashboard, one street", "street", f"/reports/?period={period.key}&area={street.pk}"),
        (
            "all tables (Excel), city",
            "city",
            f"/reports/export/all.xlsx?period={period.key}&area={city.pk}",
        ),
    ):
        client = Client()
        client.force_login(users[user])
        result = w.measure(client, url, runs=args.runs, warmups=args.warmups)
        results[name] = {k: v for k, v in result.items() if k != "captured"}
        slowest = result["captured"]
        print(
            f"  {name}: median {result['median_ms']} ms, p95 {result['p95_ms']} ms, "
            f"SQL {result['sql_median_ms']} ms, {result['queries']} queries"
        )

    rows_ms = []
    for _ in range(3):
        started = time.perf_counter()
        metrics.dashboard_counted(period, city)
        rows_ms.append((time.perf_counter() - started) * 1000)
    rows_ms = round(sorted(rows_ms)[1], 1)
    print(f"  the same figures counted from the rows (live=True), city: median {rows_ms} ms")

    compile_s, compile_mb = _compile_in_a_child(period.key, city.pk)
    print(
        f"  briefing compile (figures, hot topics over {busiest['n']} texts, appendix): "
        f"{compile_s} s, peak memory {compile_mb} MB (target ≤ 60 s, ≤ 512 MB)"
    )

    timings = []
    for query in slowest:
        if query["sql"].startswith("SELECT"):
            start_q = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(query["sql"])
            timings.append((time.perf_counter() - start_q, query["sql"]))
    _, worst = max(timings)
    plan = w.explain(worst)
    print("\n=== EXPLAIN (ANALYZE, BUFFERS): the export's slowest query ===")
    print(worst[:400])
    print("\n".join(plan[:25]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "cases": cases,
                "period": period.key,
                "opinions_in_period": busiest["n"],
                "seeding": seeding,
                "pages": results,
                "rollup_full_build_s": full_s,
                "rollup_rows": sum(built.values()),
                "rollup_refresh_s": refresh_s,
                "rollup_refresh_after_burst_s": burst_s,
                "figures_from_rows_ms": rows_ms,
                "briefing_compile_s": compile_s,
                "briefing_compile_peak_mb": compile_mb,
                "slowest_query": worst,
                "plan": plan,
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"\nwritten {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
