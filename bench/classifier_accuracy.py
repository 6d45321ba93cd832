"""The classifier's accuracy on texts it never saw (the tables in docs/classifier.md).

Usage: ``.venv/bin/python bench/classifier_accuracy.py`` (a few minutes; no database).

Held out while the rules and the model's settings were tuned, in two rounds: the first
(``short-c.jsonl``, 200 phone messages; letters ``long/part-07`` and ``part-08``, 280) was
used to choose between designs of the model, the second (``short-d.jsonl``, 150; letters
``part-09``, 160) was measured once at the end. Learning from decisions is simulated with
letters of the tuning pool treated as staff decisions (weight 3, as the training service
weighs them), drawn at random, three draws each.
"""

import json
import os
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")

import django  # noqa: E402

django.setup()

from routing.classifier import corpus, learned, rules  # noqa: E402
from routing.services.classifier_training import DECISION_WEIGHT  # noqa: E402

SHORT = [e for path in corpus.SHORT_TUNING for e in corpus.read_file(path)]
POOL = [e for p in corpus.long_parts(held_out=False) for e in corpus.read_file(p)]
DIR = corpus.LONG_DIR
TESTS = {
    "letters, round 1": [
        e for p in ("part-07", "part-08") for e in corpus.read_file(DIR / f"{p}.jsonl")
    ],
    "phone, round 1": corpus.read_file(corpus.SHORT_HELD_OUT[0]),
    "letters, round 2": corpus.read_file(DIR / "part-09.jsonl"),
    "phone, round 2": corpus.read_file(corpus.SHORT_HELD_OUT[1]),
}
DRAWS = 3


def measure(model, examples) -> dict:
    texts = [e.text for e in examples]
    analyses = [rules.analyse(t) for t in texts]
    if model is None:
        codes = [a.suggestion.code for a in analyses]
        categories = [a.suggestion.category for a in analyses]
    else:
        predictions = learned.combine_many(model, texts, analyses)
        codes = [p.code for p in predictions]
        categories = [p.category for p in predictions]
    return learned.evaluation(
        [e.code for e in examples], codes, [e.category for e in examples], categories
    )


def row(name, figures_list) -> dict:
    """Median over the draws of the figures a table shows."""

    def med(get):
        values = [get(f) for f in figures_list]
        values = [v for v in values if v is not None]
        return round(statistics.median(values), 3) if values else None

    per_route = {
        code: {
            "precision": med(lambda f, c=code: f["per_route"][c]["precision"]),
            "recall": med(lambda f, c=code: f["per_route"][c]["recall"]),
        }
        for code in corpus.CODES
    }
    return {
        "setting": name,
        "route_accuracy": med(lambda f: f["route_accuracy"]),
        "category_accuracy": med(lambda f: f["category_accuracy"]),
        "supervise_recall": per_route["supervise"]["recall"],
        "report_precision": per_route["report"]["precision"],
        "per_route": per_route,
    }


def weighted(examples):
    return [corpus.Example(**{**e.__dict__, "weight": DECISION_WEIGHT}) for e in examples]


def main() -> None:
    tables = {name: [] for name in TESTS}
    for name, test in TESTS.items():
        always = sum(e.code == "transfer" for e in test) / len(test)
        tables[name].append({"setting": "always 转办", "route_accuracy": round(always, 3)})
        tables[name].append(row("rules alone", [measure(None, test)]))
    # Learning from decisions, starting from the phone messages only.
    base = learned.fit(SHORT)
    for name, test in TESTS.items():
        tables[name].append(row("model, no decisions (phone sets only)", [measure(base, test)]))
    for n in (160, 800):
        draws = {name: [] for name in TESTS}
        for draw in range(DRAWS):
            decided = random.Random(draw).sample(POOL, n)  # noqa: S311 (a draw, not a secret)
            model = learned.fit(SHORT + weighted(decided))
            for name, test in TESTS.items():
                draws[name].append(measure(model, test))
        for name in tables:
            tables[name].append(row(f"model + {n} decisions", draws[name]))
    # The shipped corpora but the held-out sets, as a new installation has them.
    shipped = learned.fit(SHORT + POOL)
    for name, test in TESTS.items():
        tables[name].append(row("model, shipped corpora", [measure(shipped, test)]))
    print(json.dumps(tables, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
