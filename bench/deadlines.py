"""`make bench-deadlines`: the deadline sweep over the open cases of the bench database.

A benchmark, not a test. It reuses ``bench/worklists.py``'s PostgreSQL database
(``liaison_bench_lists``: migrated, topped up to N synthetic cases with the bulk seeder) and
times ``deadline_sweep`` at a few instants: a dry run (counting only) and a real sweep, each
real sweep inside a transaction that is rolled back, so every run sees the same data. It
prints the open cases, the counts, the wall time and the number of SQL queries, which must
not grow with the number of cases.

    .venv/bin/python bench/deadlines.py [--cases 100000] [--runs 3]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import worklists  # noqa: E402 (same database, same set-up)


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--db", default=os.environ.get("BENCH_LISTS_DB", "liaison_bench_lists"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    worklists.configure(argparse.Namespace(db=args.db, redis=""))
    worklists.ensure_database(args.db)
    worklists.manage("migrate", "--noinput", "-v0")
    os.chdir(worklists.ROOT)
    sys.path.insert(0, str(worklists.ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from routing.models import OPEN_STATUSES, Case
    from routing.services.deadlines import HELD_BY_UNIT, deadline_sweep

    worklists.ensure_cases(args.cases)
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES).count()
    held = Case.objects.filter(status__in=HELD_BY_UNIT).count()
    print(f"{Case.objects.count()} cases, {open_cases} open, {held} held by a unit")
    instants = [timezone.now(), timezone.now() + timedelta(days=180)]
    for now in instants:
        for dry_run in (True, False):
            times, counts, queries = [], None, 0
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    try:
                        with transaction.atomic():
                            counts = deadline_sweep(now=now, dry_run=dry_run)
                            times.append(time.perf_counter() - start)
                            raise Rollback
                    except Rollback:
                        pass
                queries = len(captured)
            label = "dry run" if dry_run else "sweep  "
            print(
                f"at {now:%Y-%m-%d %H:%M} {label}: median {statistics.median(times) * 1000:.0f} ms"
                f" (runs {', '.join(f'{t * 1000:.0f}' for t in times)}), {queries} queries, {counts}"
            )


if __name__ == "__main__":
    main()
