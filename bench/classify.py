"""Time ``manage.py classify`` on 1000 lines (figures in docs/classifier.md).

Runs against a scratch SQLite database seeded with the areas, handling units and categories,
so it never touches your database. Usage: ``.venv/bin/python bench/classify.py [lines]``.
Prints JSON: the wall time of the whole command (process start, Django, jieba's dictionary,
two queries, the lines) for a one-line and an N-line input, and the time per line in process.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
LABELLED = ROOT / "tests" / "routing" / "data" / "labelled_cases.jsonl"
# A community (its street's office), a street, a township and an unknown code.
AREA_CODES = ["650203004001", "650203002", "650203200", ""]
RUNS = 3


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    texts = [
        json.loads(line)["text"]
        for line in LABELLED.read_text(encoding="utf-8").split("\n")
        if line
    ]
    lines = [
        json.dumps(
            {"text": texts[i % len(texts)], "area": AREA_CODES[i % len(AREA_CODES)]},
            ensure_ascii=False,
        )
        for i in range(n)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3")
        env.pop("REDIS_URL", None)

        def manage(*args, **kw):
            return subprocess.run(
                [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, **kw
            )

        manage("migrate", "--noinput")
        manage(
            "shell",
            "-c",
            "from representatives.services.seed import *; r = SeedReport(); "
            "seed_areas(r); seed_units(r); seed_categories(r)",
        )

        def timed(payload: str) -> tuple[float, str]:
            start = time.perf_counter()
            out = manage("classify", input=payload.encode()).stdout.decode()
            return time.perf_counter() - start, out

        one = [timed(lines[0] + "\n")[0] for _ in range(RUNS)]
        many = []
        for _ in range(RUNS):
            seconds, out = timed("\n".join(lines) + "\n")
            many.append(seconds)
            if len(out.splitlines()) != n:
                raise SystemExit(f"expected {n} output lines, got {len(out.splitlines())}")
        in_process = manage(
            "shell",
            "-c",
            "import json, time; from routing import classifier; classifier.engine(); "
            f"texts = {texts!r}; t = time.perf_counter(); "
            f"[classifier.classify(texts[i % len(texts)]) for i in range({n})]; "
            "print(time.perf_counter() - t)",
        )
        per_line_ms = float(in_process.stdout.decode().split()[-1]) / n * 1000
    print(
        json.dumps(
            {
                "lines": n,
                "command_1_line_s": round(statistics.median(one), 2),
                f"command_{n}_lines_s": round(statistics.median(many), 2),
                "classify_per_line_ms": round(per_line_ms, 3),
                "runs": RUNS,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
