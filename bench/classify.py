"""The classifier's speed (figures in docs/classifier.md): ``make bench-classifier``.

Runs against a scratch SQLite database seeded with the areas, handling units and categories,
so it never touches your database. Measures, on letters of about 250 characters from the
corpora:

- training: ``manage.py train_classifier`` on the shipped corpora, then with 10,000 staff
  decisions in the database (cases and decisions written in bulk first);
- ``classify`` in process after warm-up: many texts at once (the command's chunks) and one at
  a time (opening a case), in messages per second;
- ``manage.py classify`` on 1000 lines, the whole process (start-up, Django, jieba's
  dictionary, loading the model).

Usage: ``.venv/bin/python bench/classify.py [decisions]``. Prints JSON.
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
LONG = sorted((ROOT / "routing" / "data" / "corpus" / "long").glob("part-*.jsonl"))
# A community (its street's office), a street, a township and an unknown code.
AREA_CODES = ["650203004001", "650203002", "650203200", ""]
RUNS = 3

DECISIONS = """
import json, random
from pathlib import Path
from representatives.models import Area
from routing.models import Case, Category, ClassificationDecision, DeadlineLevel
rows = [json.loads(l) for p in {paths!r} for l in Path(p).read_text(encoding="utf-8").splitlines()]
rng = random.Random(7)
area = Area.objects.get(code="650203004001")
categories = {{c.slug: c for c in Category.objects.all()}}
cases = Case.objects.bulk_create(Case(area=area, summary="x") for _ in range({n}))
decisions = []
for case in cases:
    row = rng.choice(rows)
    words = row["text"]
    start = rng.randint(0, max(0, len(words) // 4))
    supervise = row["route"] == "supervise"
    decisions.append(ClassificationDecision(
        case=case, text=words[start:] + "（" + str(case.pk) + "）",
        route=row.get("base_route") or row["route"], supervise=supervise,
        category=categories[row["category"]], urgent=row["urgent"],
        deadline_level=DeadlineLevel.COMPLEX, changed=False))
ClassificationDecision.objects.bulk_create(decisions, batch_size=2000)
print(len(decisions))
"""

IN_PROCESS = """
import json, time
from routing import classifier
texts = [t for t in json.loads(open({path!r}, encoding="utf-8").read())]
classifier.classify_many(texts[:50])  # warm-up: tokenizer, model
t = time.perf_counter()
for start in range(0, len(texts), 500):
    classifier.classify_many(texts[start:start + 500])
batch = time.perf_counter() - t
t = time.perf_counter()
for text in texts[:500]:
    classifier.classify(text)
single = time.perf_counter() - t
print(json.dumps({{"batch": len(texts) / batch, "single": 500 / single}}))
"""


def main() -> None:
    decisions = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    texts = [json.loads(line)["text"] for p in LONG for line in p.read_text("utf-8").splitlines()]
    texts = [t for t in texts if 150 <= len(t) <= 350]  # about 250 characters
    lines = [
        json.dumps({"text": texts[i % len(texts)], "area": AREA_CODES[i % 4]}, ensure_ascii=False)
        for i in range(1000)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3")
        env.pop("REDIS_URL", None)

        def manage(*args, **kw):
            return subprocess.run(
                [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, **kw
            )

        def shell(code):
            return manage("shell", "-c", code).stdout.decode().strip().splitlines()[-1]

        manage("migrate", "--noinput")
        manage("load_reference_data")
        start = time.perf_counter()
        corpora = json.loads(manage("train_classifier").stdout.decode())
        corpora_s = time.perf_counter() - start
        shell(DECISIONS.format(paths=[str(p) for p in LONG], n=decisions))
        start = time.perf_counter()
        trained = json.loads(manage("train_classifier").stdout.decode())
        decisions_s = time.perf_counter() - start

        sample = Path(tmp) / "texts.json"
        sample.write_text(json.dumps([texts[i % len(texts)] for i in range(2000)]), "utf-8")
        rates = [json.loads(shell(IN_PROCESS.format(path=str(sample)))) for _ in range(RUNS)]

        def timed(payload: str) -> float:
            start = time.perf_counter()
            out = manage("classify", input=payload.encode()).stdout.decode()
            if len(out.splitlines()) != payload.count("\n"):
                raise SystemExit("classify did not answer every line")
            return time.perf_counter() - start

        command = [timed("\n".join(lines) + "\n") for _ in range(RUNS)]
    print(
        json.dumps(
            {
                "train_on_corpora": {
                    "examples": corpora["examples"],
                    "seconds": round(corpora_s, 1),
                    "route_accuracy_cv": corpora["route_accuracy_cv"],
                },
                f"train_with_{decisions}_decisions": {
                    "examples": trained["examples"],
                    "seconds": round(decisions_s, 1),
                    "route_accuracy_cv": trained["route_accuracy_cv"],
                },
                "classify_messages_per_s_batched": round(
                    statistics.median(r["batch"] for r in rates)
                ),
                "classify_messages_per_s_one_at_a_time": round(
                    statistics.median(r["single"] for r in rates)
                ),
                "command_1000_lines_s": round(statistics.median(command), 2),
                "mean_characters": round(sum(map(len, texts)) / len(texts)),
                "runs": RUNS,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
