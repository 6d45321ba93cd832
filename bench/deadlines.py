"""`make bench-deadlines`: the deadline sweep over 100,000 and 1,000,000 open cases.

A benchmark, not a test. For each size it builds a fresh PostgreSQL database
(``liaison_bench_sweep``): migrations, the demo network (areas, units, categories; no cases),
one committee clerk for the city and one staff member per street office, then N open cases
held by street offices in one ``INSERT … SELECT generate_series`` (a third not yet accepted,
resolution deadlines spread evenly from 60 days ago to 60 days ahead). Then, at the same
instant:

1. a dry run (counting only);
2. the first sweep, which catches up on everything (as after a long outage);
3. the same sweep again, which finds nothing to do: the cost of a routine sweep's scan;
4. a sweep 15 minutes later: the few deadlines that moved meanwhile.

It prints wall time, SQL queries and the counts of each, and writes
test-artifacts/bench/deadlines.json.

    .venv/bin/python bench/deadlines.py [--sizes 100000 1000000]
"""

import argparse
import json
import os
import platform
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "liaison_bench_sweep"
OUT = ROOT / "test-artifacts" / "bench" / "deadlines.json"


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')


def manage(*args: str) -> None:
    import subprocess

    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=os.environ,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def staff() -> None:
    """A city clerk and one staff member per street office: whom the sweep notifies."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from representatives.models import Area, Official, Role
    from routing.models import HandlingUnit

    User = get_user_model()
    city = Area.objects.get(level=Area.Level.CITY)
    clerk = User.objects.create(username="bench_clerk", password=make_password(None))
    Official.objects.create(user=clerk, role=Role.COMMITTEE_STAFF, area=city)
    for unit in HandlingUnit.objects.filter(kind=HandlingUnit.Kind.STREET_OFFICE):
        user = User.objects.create(
            username=f"bench_unit_{unit.pk}", email="", password=make_password(None)
        )
        Official.objects.create(user=user, role=Role.UNIT_STAFF, area=unit.area, unit=unit)


def open_cases(n: int) -> float:
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH units AS (
                SELECT id, area_id, row_number() OVER (ORDER BY id) - 1 AS k
                FROM routing_handlingunit WHERE kind = 'street_office'
            )
            INSERT INTO routing_case (
                status, route, request_type, summary, submission_count, reply_count,
                created_at, updated_at, area_id, unit_id, acknowledge_by, acknowledged_at,
                deadline_level, resolve_by, search_text, search_words, suggestion, urgent
            )
            SELECT
                CASE WHEN g %% 3 = 0 THEN 'dispatched' ELSE 'in_progress' END,
                'assign', 'help', '小区路灯不亮', 1, 0,
                now() - interval '70 days', now(), u.area_id, u.id,
                now() - interval '60 days' + (g %% 1440) * interval '1 hour',
                CASE WHEN g %% 3 = 0 THEN NULL ELSE now() - interval '69 days' END,
                'general',
                now() - interval '60 days' + (g::bigint * 172800 / %s) * interval '1 minute',
                '小区路灯不亮', ' 小区 路灯 不亮 ', '{}'::jsonb, false
            FROM generate_series(1, %s) AS g
            JOIN units u ON u.k = g %% (SELECT count(*) FROM units)
            """,
            [n, n],
        )
        cursor.execute("VACUUM ANALYZE routing_case")
    return time.perf_counter() - start


def timed(label: str, **kwargs) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from routing.services.deadlines import deadline_sweep

    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        counts = deadline_sweep(**kwargs)
        seconds = time.perf_counter() - start
    row = {"step": label, "seconds": round(seconds, 3), "queries": len(captured), **counts}
    print(f"  {label:<28} {seconds:8.2f} s  {len(captured):3d} queries  {counts}")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=f"{PG}/{DB}",
        LIAISON_MODE="local",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="liaison.settings",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    results = []
    for n in args.sizes:
        fresh_database()
        manage("migrate", "--noinput", "-v0")
        manage("seed_demo", "--no-accounts")
        import django

        django.setup()
        from django.db import connection
        from django.utils import timezone

        connection.close()
        staff()
        seconds = open_cases(n)
        print(f"{n} open cases held by street offices (inserted in {seconds:.0f} s)")
        now = timezone.now()
        steps = [
            timed("dry run", now=now, dry_run=True),
            timed("first sweep (catch-up)", now=now),
            timed("same sweep again (routine)", now=now),
            timed("15 minutes later", now=now + timedelta(minutes=15)),
        ]
        results.append({"open_cases": n, "steps": steps})
        connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connection.close()
    meta = {
        "postgresql": version,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    print(json.dumps(meta))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"meta": meta, "results": results}, indent=2))


if __name__ == "__main__":
    main()
