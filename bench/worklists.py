"""`make bench-lists`: the staff lists (workbench, desk, representative page, inbox) at scale.

A benchmark, not a test. It uses its own PostgreSQL database (``liaison_bench_lists``, kept
between runs), migrates it, tops it up to N synthetic cases with the bulk seeder when it has
fewer (``seed_demo --no-accounts --cases-at-least N --seed 7``; the time is printed), creates
four bench users if missing (city and street committee staff, the staff of the busiest unit, a
representative), then requests each page with Django's test client in this process
(``force_login``): the median and p95 wall time over the timed requests after the warm-ups,
the SQL time and the number of queries. EXPLAIN (ANALYZE, BUFFERS) of the list and count
queries of the two slowest pages follows the table. Writes test-artifacts/bench/worklists.json.

Settings: the normal ones in local mode with DEBUG off, the bench DATABASE_URL and no
REDIS_URL (none of these pages touches the cache or the broker; ``--redis URL`` to set one).

    .venv/bin/python bench/worklists.py [--cases 100000] [--runs 15] [--warmups 2]
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import unicodedata
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SLOW_MS = 300
OUT = ROOT / "test-artifacts" / "bench" / "worklists.json"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases wanted (default 100000)")
    parser.add_argument("--db", default=os.environ.get("BENCH_LISTS_DB", "liaison_bench_lists"))
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page")
    parser.add_argument("--warmups", type=int, default=2, help="untimed requests per page first")
    parser.add_argument("--redis", default="", help="REDIS_URL for the run (default: none)")
    parser.add_argument("--explain", type=int, default=2, help="EXPLAIN the N slowest pages")
    return parser.parse_args()


def configure(args) -> None:
    """The environment the settings read; set before Django is imported."""
    os.environ.update(
        DATABASE_URL=f"{PG}/{args.db}",
        LIAISON_MODE="local",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="liaison.settings",
    )
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
    else:
        os.environ.pop("REDIS_URL", None)


def ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def manage(*args: str, quiet: bool = False) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=os.environ,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


# --- Data -------------------------------------------------------------------------------------


def ensure_cases(wanted: int) -> dict:
    """Top the database up to ``wanted`` cases with the bulk seeder; how long it took."""
    from django.db import connection

    from routing.models import Case

    before = Case.objects.count()
    if before >= wanted:
        print(f"reusing {before} cases in the bench database (wanted {wanted}; no seeding)")
        # A migration may have rewritten rows since the last run: give the planner what
        # autovacuum would (statistics and the visibility map for index-only scans).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        return {"ran": False, "cases_before": before, "seconds": None}
    print(f"{before} cases, {wanted} wanted: seeding in bulk (a few minutes for 100,000)…")
    start = time.monotonic()
    manage(
        "seed_demo",
        "--no-accounts",
        "--cases-at-least",
        str(wanted),
        "--seed",
        "7",
        "--bulk",
    )
    seconds = time.monotonic() - start
    # What autovacuum would do shortly after such a load: statistics and the visibility map.
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    after = Case.objects.count()
    print(
        f"seeding: +{after - before} cases in {seconds:.0f} s ({(after - before) / seconds:.0f}/s)"
    )
    return {"ran": True, "cases_before": before, "seconds": round(seconds, 1)}


def ensure_user(username: str, *, role: str, area, unit=None):
    """A bench user with its ``Official`` (no usable password: the bench uses force_login)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from representatives.models import Official

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=role))
        Official.objects.create(user=user, role=role, area=area, unit=unit)
    return user


def ensure_users() -> dict:
    """City and street committee staff, the busiest unit's staff, a busy representative."""
    from django.db.models import Count

    from representatives.models import Area, Representative, Role
    from routing.models import Case, CaseStatus, HandlingUnit

    city = Area.objects.get(level=Area.Level.CITY)
    street = Area.objects.get(name="银河路街道")
    users = {
        "city": ensure_user("bench_city", role=Role.COMMITTEE_STAFF, area=city),
        "street": ensure_user("bench_street", role=Role.COMMITTEE_STAFF, area=street),
    }
    desk_statuses = [CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS, CaseStatus.RESPONDED]
    busiest = (
        Case.objects.filter(status__in=desk_statuses, unit__isnull=False)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    unit = HandlingUnit.objects.get(pk=busiest["unit"])
    users["unit"] = ensure_user("bench_unit", role=Role.UNIT_STAFF, area=unit.area, unit=unit)
    rep_user = ensure_user("bench_rep", role=Role.REPRESENTATIVE, area=city)
    if not Representative.objects.filter(user=rep_user).exists():
        rep = (
            Representative.objects.filter(user__isnull=True)
            .annotate(n=Count("cases"))
            .order_by("-n", "pk")
            .first()
        )
        rep.user = rep_user
        rep.save(update_fields=["user"])
        rep_user.official.area = rep.sites.first().area if rep.sites.exists() else city
        rep_user.official.save(update_fields=["area"])
    users["rep"] = rep_user
    ensure_notifications(users["city"])
    return users


def ensure_notifications(user, n: int = 2000) -> None:
    """In-app notices for the city clerk's inbox (the seeder deletes the ones it writes)."""
    from notifications.models import Notification
    from routing.models import Case

    have = Notification.objects.filter(user=user, channel=Notification.Channel.IN_APP).count()
    if have >= n:
        return
    cases = Case.objects.order_by("-created_at").values_list("pk", flat=True)[: n - have]
    Notification.objects.bulk_create(
        Notification(
            user=user,
            case_id=pk,
            channel=Notification.Channel.IN_APP,
            template="case_overdue",
            state=Notification.State.SENT,
        )
        for pk in cases
    )


# --- Pages ------------------------------------------------------------------------------------


def pages(users: dict) -> list[dict]:
    """(name, user, url) of every page measured."""
    from django.db.models import Count
    from django.utils import timezone

    from representatives.models import Area
    from routing.models import Case, CaseEvent
    from routing.selectors import QUEUES
    from workbench.selectors_desk import DESK_TABS

    def work(**params) -> str:
        return "/work/?" + urlencode(params)

    street = Area.objects.get(name="银河路街道")
    top_category = (
        Case.objects.exclude(category=None)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["category"]
    )
    today = timezone.localdate()
    since, until = today - timedelta(days=60), today - timedelta(days=31)
    filters = [
        ("area=street", {"area": street.pk}),
        ("category", {"category": top_category}),
        ("route=assign", {"route": "assign"}),
        ("unit", {"unit": users["unit"].official.unit_id}),
        ("status=in_progress", {"status": "in_progress"}),
        ("30-day range", {"since": since, "until": until}),
        ("area+category+range", {"area": street.pk, "category": top_category, "since": since}),
        ("q=路灯不亮", {"q": "路灯不亮"}),
        ("q=暖气", {"q": "暖气"}),
        ("page 2", {"page": 2}),
        ("page 200", {"page": 200}),
    ]
    busiest = CaseEvent.objects.values("case").annotate(n=Count("pk")).order_by("-n", "case")[0]
    rows = [(f"work {who} {q}", who, work(queue=q)) for who in ("city", "street") for q in QUEUES]
    rows += [(f"work city all {label}", "city", work(queue="all", **p)) for label, p in filters]
    rows += [
        ("work street all q=暖气", "street", work(queue="all", q="暖气")),
        ("work street all page 200", "street", work(queue="all", page=200)),
        (f"case page ({busiest['n']} events)", "city", f"/work/cases/{busiest['case']}/"),
    ]
    rows += [(f"desk {tab}", "unit", f"/desk/?tab={tab}") for tab in DESK_TABS]
    rows += [("rep home", "rep", "/rep/"), ("inbox city", "city", "/inbox/")]
    return [{"name": name, "user": user, "url": url} for name, user, url in rows]


def measure(client, url: str, *, runs: int, warmups: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmups):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: status {response.status_code}")
    wall, sql, counts = [], [], set()
    for _ in range(runs):
        spent = [0.0]

        def timed(execute, sql_text, params, many, context, spent=spent):
            start = time.perf_counter()
            try:
                return execute(sql_text, params, many, context)
            finally:
                spent[0] += time.perf_counter() - start

        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timed):
            start = time.perf_counter()
            response = client.get(url)
            wall.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: status {response.status_code}")
        sql.append(spent[0] * 1000)
        counts.add(len(ctx.captured_queries))
    return {
        "median_ms": round(statistics.median(wall), 1),
        "p95_ms": round(percentile(wall, 95), 1),
        "min_ms": round(min(wall), 1),
        "sql_median_ms": round(statistics.median(sql), 1),
        "queries": max(counts),
        "queries_vary": len(counts) > 1,
        "bytes": len(response.content),
        "captured": ctx.captured_queries,
    }


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# --- EXPLAIN ----------------------------------------------------------------------------------


def interesting_queries(captured: list[dict]) -> list[tuple[str, str]]:
    """The page's list query (rows of routing_case with LIMIT) and its count queries."""
    picked = []
    for q in captured:
        sql = q["sql"]
        if '"routing_case"' not in sql and '"feedback_submission"' not in sql:
            continue
        if "COUNT(" in sql.upper():
            picked.append(("count", sql))
        elif " LIMIT " in sql and "ORDER BY" in sql:
            picked.append(("list", sql))
    return picked


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


# --- Output -----------------------------------------------------------------------------------


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, n: int) -> str:
    return text + " " * max(n - width(text), 0)


def table(rows: list[dict]) -> str:
    name_w = max(width(r["name"]) for r in rows) + 2
    head = f"{pad('page', name_w)}{'median ms':>10}{'p95 ms':>9}{'sql ms':>8}{'queries':>8}"
    lines = [head, "-" * width(head)]
    for r in rows:
        flag = "  SLOW" if r["median_ms"] > SLOW_MS else ""
        q = f"{r['queries']}{'*' if r['queries_vary'] else ''}"
        lines.append(
            f"{pad(r['name'], name_w)}{r['median_ms']:>10.1f}{r['p95_ms']:>9.1f}"
            f"{r['sql_median_ms']:>8.1f}{q:>8}{flag}"
        )
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    configure(args)
    ensure_database(args.db)
    manage("migrate", "--noinput", "-v0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from routing.models import Case

    seeding = ensure_cases(args.cases)
    users = ensure_users()
    case_count = Case.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    clients = {}
    for key, user in users.items():
        clients[key] = Client()
        clients[key].force_login(user)
    results = []
    started = time.monotonic()
    for page in pages(users):
        result = measure(clients[page["user"]], page["url"], runs=args.runs, warmups=args.warmups)
        results.append({**page, **result})
        print(f"  {page['name']}: {result['median_ms']} ms", file=sys.stderr)
    elapsed = time.monotonic() - started

    facts = (
        f"{case_count} cases; PostgreSQL {pg_version}; {os.cpu_count()} CPUs "
        f"({platform.processor() or platform.machine()}); Python {platform.python_version()}; "
        f"Django {django.get_version()}; DEBUG off, LIAISON_MODE=local, "
        f"{'REDIS_URL=' + args.redis if args.redis else 'no REDIS_URL (local-memory cache)'}; "
        f"test client in-process, {args.runs} timed requests after {args.warmups} warm-ups"
    )
    print()
    print(table(results))
    print(f"\n{facts}")
    print(
        f"sql ms: time in cursor.execute (database and driver); * queries varied between runs; SLOW: "
        f"median > {SLOW_MS} ms; measuring took {elapsed:.0f} s"
    )
    if seeding["ran"]:
        print(f"seeding ran this time: {seeding['seconds']} s")

    explained = []
    for r in sorted(results, key=lambda r: r["median_ms"], reverse=True)[: args.explain]:
        for label, sql in interesting_queries(r["captured"]):
            plan = explain(sql)
            explained.append(
                {"page": r["name"], "url": r["url"], "query": label, "sql": sql, "plan": plan}
            )
            print(f"\n=== EXPLAIN (ANALYZE, BUFFERS): {r['name']} — {label} query ===")
            print(sql)
            print("\n".join(plan))

    report = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cases": case_count,
        "postgresql": pg_version,
        "cpu_count": os.cpu_count(),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "settings": {
            "LIAISON_MODE": "local",
            "DEBUG": False,
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "REDIS_URL": args.redis or None,
        },
        "method": f"django.test.Client in-process, force_login, {args.warmups} warm-ups then "
        f"{args.runs} timed requests per page; CaptureQueriesContext for queries and SQL time",
        "seeding": seeding,
        "slow_threshold_ms": SLOW_MS,
        "pages": [{k: v for k, v in r.items() if k != "captured"} for r in results],
        "explain": explained,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    print(f"\nwrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
