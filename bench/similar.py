"""Similar cases (相似意见) on the demo data: precision, recall and time (docs/benchmarks.md).

Usage: ``.venv/bin/python bench/similar.py [--cases 4000] [--seed 11] [--db PATH]``
(``make bench-similar``; 5–7 minutes, most of it seeding).

Builds the demo in a throwaway SQLite database (``seed_demo --no-accounts --through-services``:
every case written by the services, as staff's clock would have had it; copies are not used,
since a copied duplicate meets the very same texts again a few weeks away) unless ``--db``
names one already seeded. Then, for every duplicate the demo planted (a case it merged into
another), asks the finder what staff would have seen when the duplicate came in: the cases
of its street received before it and not yet finished then (``similar_candidates(as_of=…)``),
with the words their submissions had then, ranked by ``similar_ranked``: the code the case
page runs, with the shipped bounds.

Figures at each threshold:

- planted: precision (suggested pairs that are planted pairs), recall (planted pairs whose
  surviving case was suggested), top-1 (the surviving case suggested first);
- same complaint: a pair is "the same complaint" when both texts come from the same template
  of the phrase bank (``demo.texts.PHRASES``, community, building and days aside): precision
  and recall by that, over the planted pairs that are the same complaint and over every pair
  suggested (the demo's duplicates tell their case's matter, so all planted pairs are; a
  suggestion that is not planted may still be the same complaint from another building);
- noise: suggestions per ordinary case (a sample of cases that are not duplicates, as they
  came in), and how many of those are the same complaint;
- time per case: the finder (its queries and the ranking) per duplicate, median and 95th
  percentile.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)
ORDINARY_SAMPLE = 300


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--db", help="an SQLite file already seeded (kept); default: a new one")
    return parser.parse_args()


def setup(args, tmp: str) -> None:
    path = args.db or f"{tmp}/similar.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    for name in ("DATABASE_REPLICA_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("LIAISON_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from routing.models import Case

    call_command("migrate", verbosity=0, interactive=False)
    if not Case.objects.exists():
        start = time.perf_counter()
        call_command(
            "seed_demo",
            no_accounts=True,
            cases=args.cases,
            through_services=True,
            seed=args.seed,
            verbosity=0,
        )
        print(f"seeded {args.cases} cases in {time.perf_counter() - start:.0f} s")


def templates():
    """Each phrase-bank template as a pattern (its slots as any text), with its key."""
    from demo.texts import PHRASES

    found = []
    for slug, phrases in PHRASES.items():
        for i, (_type, template) in enumerate(phrases):
            pieces = re.split(r"\{\w+\}", template)
            found.append(((slug, i), re.compile(".+?".join(re.escape(p) for p in pieces))))
    return found


def template_of(text: str, patterns) -> tuple | None:
    return next((key for key, pattern in patterns if pattern.search(text)), None)


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(args, tmp)
        run()


def run() -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from feedback.models import Submission
    from feedback.selectors_similar import (
        case_words,
        place_words,
        similar_candidates,
        similar_ranked,
    )
    from routing.models import Case, CaseStatus
    from routing.similar import similar_settings, similarity_scores

    shipped = similar_settings()
    patterns = templates()
    merged = list(
        Case.objects.filter(status=CaseStatus.MERGED, merged_into__isnull=False)
        .select_related("merged_into", "area__street")
        .order_by("pk")
    )
    # A duplicate's own opinion now sits on the case it joined, received when it came in.
    own = {}
    mine = Submission.objects.filter(case__in=[d.merged_into_id for d in merged])
    for s in mine.only("pk", "case_id", "created_at", "words", "text"):
        own[(s.case_id, s.created_at)] = s
    low = replace(shipped, threshold=min(THRESHOLDS), top=max(shipped.top, 20))
    # Warm-up, not timed: scikit-learn's first import, the tokenizer's dictionary.
    similarity_scores("路灯", ["路灯"])
    place_words(["银河路街道"])
    rows, times, queries = [], [], []
    for dup in merged:
        submission = own.get((dup.merged_into_id, dup.created_at))
        if submission is None:
            continue
        reset_queries()  # the seeding may have filled the debug query log
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            candidates = similar_candidates(dup, as_of=dup.created_at, settings=low)
            words = case_words([c.pk for c in candidates], before=dup.created_at)
            places = (dup.area.name, dup.area.street.name if dup.area.street else "")
            found = similar_ranked(submission.words, candidates, words, low, places=places)
        times.append(time.perf_counter() - start)
        queries.append(len(ctx.captured_queries))
        rows.append((dup, submission.text, candidates, found))

    texts = case_texts([c.pk for _d, _t, cs, _f in rows for c in cs], rows)
    ordinary = ordinary_rows(low, patterns)
    print(
        f"planted duplicates: {len(rows)} (of {len(merged)} merged); candidates per case: "
        f"median {statistics.median(len(r[2]) for r in rows):.0f}, "
        f"max {max(len(r[2]) for r in rows)}"
    )
    same_planted = [
        r
        for r in rows
        if template_of(r[1], patterns) == template_of(texts[r[0].merged_into_id], patterns)
    ]
    print(f"planted pairs that are the same complaint (same template): {len(same_planted)}")
    header = (
        f"{'threshold':>9} {'suggested':>9} {'P planted':>9} {'R planted':>9} {'top-1':>6} "
        f"{'P same':>7} {'R same':>7} {'noise/case':>10} {'noise same':>10}"
    )
    print(header)
    for threshold in THRESHOLDS:
        line = measure(rows, texts, patterns, ordinary, threshold, shipped.top, same_planted)
        mark = "  ← shipped" if abs(threshold - shipped.threshold) < 1e-9 else ""
        print(line + mark)
    ms = sorted(t * 1000 for t in times)
    print(
        f"time per case: median {statistics.median(ms):.1f} ms, "
        f"p95 {ms[int(0.95 * (len(ms) - 1))]:.1f} ms, max {ms[-1]:.1f} ms; "
        f"queries per case: {max(queries)}"
    )
    full_street(shipped)


def full_street(settings) -> None:
    """The ranking at the bound: one opinion against ``candidates`` others (the demo's texts;
    and a letter of 2,000 characters against them), as a street with that many open cases
    within the window would have it."""
    import random

    from feedback.models import Submission
    from routing.search import clause_words
    from routing.similar import similarity_scores

    rng = random.Random(7)  # noqa: S311 (a sample, not a secret)
    words = list(Submission.objects.exclude(words="").values_list("words", flat=True)[:5000])
    others = rng.sample(words, min(settings.candidates, len(words)))
    letter = clause_words(
        ("我家住在小区北门旁边，" * 10 + "路灯一直不亮，老人晚上出门不安全。") * 8
    )
    for name, mine in (("an opinion", words[0]), ("a 2,000-character letter", letter)):
        runs = []
        for _n in range(20):
            start = time.perf_counter()
            similarity_scores(
                mine, others, ignore=settings.ignore, passage_words=settings.passage_words
            )
            runs.append((time.perf_counter() - start) * 1000)
        print(
            f"ranking {name} against {len(others)} candidates: median "
            f"{statistics.median(runs):.1f} ms"
        )


def case_texts(ids, rows) -> dict[int, str]:
    """Each candidate's first opinion (the survivors' too), for the template check."""
    from feedback.models import Submission

    wanted = set(ids) | {d.merged_into_id for d, _t, _c, _f in rows}
    texts: dict[int, str] = {}
    for case_id, text in (
        Submission.objects.filter(case_id__in=wanted)
        .order_by("created_at", "pk")
        .values_list("case_id", "text")
    ):
        texts.setdefault(case_id, text)
    return texts


def ordinary_rows(settings, patterns):
    """A sample of cases that are not duplicates, as they came in: what the finder suggests
    for them, and how many of those are the same complaint."""
    from feedback.models import Submission
    from feedback.selectors_similar import case_words, similar_candidates, similar_ranked
    from routing.models import Case, CaseStatus

    cases = list(
        Case.objects.exclude(status=CaseStatus.MERGED)
        .filter(merged_cases=None)
        .select_related("area__street")
        .order_by("pk")
    )
    step = max(1, len(cases) // ORDINARY_SAMPLE)
    out = []
    for case in cases[::step][:ORDINARY_SAMPLE]:
        first = (
            Submission.objects.filter(case=case)
            .only("pk", "words", "text")
            .order_by("created_at", "pk")
            .first()
        )
        if first is None:
            continue
        candidates = similar_candidates(case, as_of=case.created_at, settings=settings)
        words = case_words([c.pk for c in candidates], before=case.created_at)
        places = (case.area.name, case.area.street.name if case.area.street else "")
        found = similar_ranked(first.words, candidates, words, settings, places=places)
        texts = case_texts([s.case.pk for s in found], [])
        mine = template_of(first.text, patterns)
        out.append(
            [
                (s.score, mine is not None and template_of(texts[s.case.pk], patterns) == mine)
                for s in found
            ]
        )
    return out


def measure(rows, texts, patterns, ordinary, threshold, top, same_planted) -> str:
    suggested = planted_hits = top1 = same_pairs = 0
    same_keys = {id(r[0]) for r in same_planted}
    same_found = 0
    for dup, text, _candidates, found in rows:
        kept = [s for s in found if s.score >= threshold][:top]
        suggested += len(kept)
        mine = template_of(text, patterns)
        for s in kept:
            if mine is not None and template_of(texts.get(s.case.pk, ""), patterns) == mine:
                same_pairs += 1
        hit = any(s.case.pk == dup.merged_into_id for s in kept)
        planted_hits += hit
        top1 += bool(kept) and kept[0].case.pk == dup.merged_into_id
        same_found += hit and id(dup) in same_keys
    noise = [[same for score, same in found if score >= threshold][:top] for found in ordinary]
    per_case = statistics.mean(len(n) for n in noise) if noise else 0.0
    noise_same = sum(sum(n) for n in noise) / max(1, sum(len(n) for n in noise))

    def pct(a, b):
        return f"{100 * a / b:.0f}%" if b else "—"

    return (
        f"{threshold:>9.2f} {suggested:>9} {pct(planted_hits, suggested):>9} "
        f"{pct(planted_hits, len(rows)):>9} {pct(top1, len(rows)):>6} "
        f"{pct(same_pairs, suggested):>7} {pct(same_found, len(same_planted)):>7} "
        f"{per_case:>10.2f} {100 * noise_same:>9.0f}%"
    )


if __name__ == "__main__":
    main()
