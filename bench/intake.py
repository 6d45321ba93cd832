"""`make bench`: intake throughput against a bare Django baseline, on gunicorn + PostgreSQL.

Creates a fresh PostgreSQL database, loads the demo network, serves the app with gunicorn
(DEBUG off, rate limits OFF for the run), drives the real intake form with wrk on loopback
(every POST a distinct submission with its own one-time key) and a bare view that validates a
form and saves one row, twice: behind the project's middleware (``baseline``) and, from a
second gunicorn, on Django's default middleware (``minimal``, bench/settings_minimal.py). In
alternating rounds (ABC CBA, so that a shared machine's drift does not land on one side).
Besides requests per second it reports the servers' CPU time per stored row, read from /proc
(the gunicorn master and workers; PostgreSQL's share is not in it), which a shared machine
disturbs far less. Prints JSON and writes bench-results/.
"""

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DB = os.environ.get("BENCH_DB", "liaison_bench")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PORT = int(os.environ.get("BENCH_PORT", "8077"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
DURATION = os.environ.get("BENCH_DURATION", "8s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
MODELS = {
    "intake": "feedback.models.Submission",
    "baseline": "bench.models.BaselineEntry",
    "minimal": "bench.models.BaselineEntry",
}
SIDES = ("intake", "baseline", "minimal")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
BASE = f"http://127.0.0.1:{PORT}"


def env() -> dict:
    e = dict(os.environ)
    e.update(
        DATABASE_URL=f"{PG}/{DB}",
        REDIS_URL=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14"),
        DEBUG="false",
        LIAISON_BENCH="1",
        RATELIMIT_ENABLE="false",
        PUBLIC_BASE_URL=BASE,
        LOG_LEVEL="WARNING",
    )
    return e


def run(*args, **kw):
    return subprocess.run(args, cwd=ROOT, env=env(), check=True, **kw)


def manage_shell(code: str) -> str:
    out = run(PY, "manage.py", "shell", "-v0", "-c", code, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def csrf_for(url: str) -> str:
    with urllib.request.urlopen(url) as response:  # noqa: S310 (loopback)
        cookie = response.headers.get("Set-Cookie", "")
    return re.search(r"csrftoken=([^;]+)", cookie).group(1)


def wrk(url: str, body: str, threads: int = 2) -> dict:
    token = csrf_for(url)
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{CONNECTIONS}",
            f"-d{DURATION}",
            "-s",
            str(ROOT / "bench" / "intake.lua"),
            url,
        ],
        env={
            **os.environ,
            "CSRF": token,
            "BODY_EXTRA": body,
            "REFERER": url,
            "RUN_ID": uuid.uuid4().hex[:8],
        },
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["per_s"] = round(result["ok"] / result["duration_s"], 1)
    return result


def _cpu_s(master: int) -> float:
    """User + system CPU seconds of a gunicorn master and its live workers, from /proc."""
    pids = [master]
    with open(f"/proc/{master}/task/{master}/children") as children:
        pids += [int(p) for p in children.read().split()]
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def _gunicorn(port: int, settings: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "liaison.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(WORKERS),
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**env(), "DJANGO_SETTINGS_MODULE": settings},
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.2)


def _stored(name: str) -> int:
    module, model = MODELS[name].rsplit(".", 1)
    return int(manage_shell(f"from {module} import {model}; print({model}.objects.count())"))


def _combined(runs: list[dict]) -> dict:
    """The rounds of one side as one run: counts and time summed, latency percentiles as the
    median of the rounds' (wrk reports no histogram to merge)."""
    total = {k: sum(r[k] for r in runs) for k in ("sent", "requests", "ok", "other", "duration_s")}
    total["per_s"] = round(total["ok"] / total["duration_s"], 1)
    for k in ("p50_ms", "p95_ms", "p99_ms"):
        total[k] = round(statistics.median(r[k] for r in runs), 2)
    total["socket_errors"] = sum(r["socket_errors"] for r in runs)
    return total


def _rows_match(stored: int, result: dict) -> bool:
    """Every successful response is a stored row; the only extra rows are the requests still in
    flight when wrk stopped (sent, processed by the server, response never read)."""
    in_flight = result["sent"] - result["requests"]
    return result["ok"] <= stored <= result["ok"] + in_flight and result["other"] == 0


def main() -> None:
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    run(PY, "manage.py", "migrate", "-v0")
    run(PY, "manage.py", "seed_demo", "--no-accounts", stdout=subprocess.DEVNULL)
    token = manage_shell(
        "from representatives.models import QRCode; print(QRCode.objects.filter(status='active', site__area__name='向阳北社区').first().token)"
    )
    area = manage_shell(
        "from representatives.models import Area; print(Area.objects.get(name='向阳北社区').pk)"
    )
    servers = {
        PORT: _gunicorn(PORT, "liaison.settings"),
        PORT + 1: _gunicorn(PORT + 1, "bench.settings_minimal"),
    }
    try:
        _wait_for(f"{BASE}/healthz")
        _wait_for(f"http://127.0.0.1:{PORT + 1}/bench/baseline/")
        text = urllib.parse.quote(
            "小区北门的路灯坏了一个多月，晚上老人出门很不安全，希望尽快修好。"
        )
        intake_body = f"text={text}&request_type=help&area={area}&address_line=&category=estate-property&contact_name=&contact_phone=&contact_preference=none&website="
        baseline_body = f"text={text}&request_type=help"
        targets = {
            "intake": (f"{BASE}/q/{token}/", intake_body, PORT),
            "baseline": (f"{BASE}/bench/baseline/", baseline_body, PORT),
            "minimal": (f"http://127.0.0.1:{PORT + 1}/bench/baseline/", baseline_body, PORT + 1),
        }
        for url, body, _port in targets.values():
            wrk(url, body)  # warm-up (connections, caches)
        runs: dict[str, list] = {name: [] for name in SIDES}
        stored = dict.fromkeys(SIDES, 0)
        cpu = dict.fromkeys(SIDES, 0.0)
        # Interleaved, ABC CBA: a shared machine's speed drifts over a minute, and one long run
        # of each side after the other would put that drift into the ratio.
        for number in range(ROUNDS):
            for name in SIDES if number % 2 == 0 else SIDES[::-1]:
                url, body, port = targets[name]
                rows, seconds = _stored(name), _cpu_s(servers[port].pid)
                runs[name].append(wrk(url, body))
                cpu[name] += _cpu_s(servers[port].pid) - seconds
                stored[name] += _stored(name) - rows
    finally:
        for server in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    cpu_ms = {name: round(1000 * cpu[name] / max(stored[name], 1), 2) for name in SIDES}
    intake, baseline, minimal = (_combined(runs[name]) for name in SIDES)
    rounds = [
        round(i["per_s"] / b["per_s"], 3)
        for i, b in zip(runs["intake"], runs["baseline"], strict=True)
    ]
    report = {
        "rate_limits": "OFF for this run (RATELIMIT_ENABLE=false)",
        "server": f"gunicorn, {WORKERS} sync workers, DEBUG off, PostgreSQL {DB}, Redis cache/broker",
        "load": f"wrk, {CONNECTIONS} connections, {ROUNDS} rounds of {DURATION} per side, "
        "interleaved (ABBA), loopback",
        "intake": {
            **intake,
            "rows_stored": stored["intake"],
            "rows_match_responses": _rows_match(stored["intake"], intake),
        },
        "baseline": {
            **baseline,
            "rows_stored": stored["baseline"],
            "rows_match_responses": _rows_match(stored["baseline"], baseline),
        },
        "minimal": {
            **minimal,
            "rows_stored": stored["minimal"],
            "rows_match_responses": _rows_match(stored["minimal"], minimal),
        },
        "cpu_ms_per_row": cpu_ms,
        "cpu_ratio_to_minimal": round(cpu_ms["intake"] / cpu_ms["minimal"], 2),
        "cpu_target_ratio": 1.7,
        "ratio": round(intake["per_s"] / baseline["per_s"], 3),
        "ratio_by_round": rounds,
        "target_ratio": 0.7,
    }
    out_dir = ROOT / "bench-results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "intake.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(
        f"\nintake {intake['per_s']}/s (p50 {intake['p50_ms']} ms, p95 {intake['p95_ms']} ms) vs "
        f"baseline {baseline['per_s']}/s (p50 {baseline['p50_ms']} ms, p95 {baseline['p95_ms']} ms): "
        f"ratio {report['ratio']} (rounds: {', '.join(map(str, rounds))}; target ≥ 0.7); "
        "rate limits were OFF"
    )
    print(
        "server CPU per stored row: "
        + ", ".join(f"{name} {ms} ms" for name, ms in cpu_ms.items())
        + f"; intake / minimal {report['cpu_ratio_to_minimal']} (target ≤ 1.7)"
    )
    if not all(report[name]["rows_match_responses"] for name in SIDES):
        sys.exit("rows stored do not match successful responses")


if __name__ == "__main__":
    main()
