"""``manage.py evaluate_classifier FILE``: how the classifier in use does on labelled texts.

FILE is JSON lines (``{"text", "route", "category"}``, as ``train_classifier --extra``
takes) or tab-separated ``text<TAB>route[<TAB>category]`` lines, with or without a header
row naming the columns. Prints one JSON object: the number of texts, route accuracy,
precision and recall per route (supervise included), category accuracy (over the lines that
name a category), the confusion table (rows: expected), and how many were marked for staff
to decide. A bad line stops the command with its line number.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from routing.classifier import classify_many
from routing.classifier.corpus import CODES
from routing.classifier.learned import evaluation

CHUNK = 500


class Command(BaseCommand):
    help = "Measure the classifier on a labelled TSV or JSONL file; print the figures as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(f"cannot read {path}: {e}") from None
        rows = list(_rows(lines))
        if not rows:
            raise CommandError(f"{path}: no labelled lines")
        got = []
        for start in range(0, len(rows), CHUNK):
            got += classify_many([text for text, _r, _c in rows[start : start + CHUNK]])
        expected = [route for _t, route, _c in rows]
        named = [(c, s.category) for (_t, _r, c), s in zip(rows, got, strict=True) if c]
        result = evaluation(
            expected,
            [s.code for s in got],
            [c for c, _s in named],
            [s for _c, s in named],
        )
        result = {
            "texts": len(rows),
            **result,
            "category_texts": len(named),
            "needs_review": sum(s.needs_review for s in got),
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))


ROUTE_KEYS = ("route", "expected_route", "expected")
CATEGORY_KEYS = ("category", "expected_category")


def _first(data: dict, keys) -> str:
    return next((data[k] for k in keys if data.get(k)), "")


class _Columns:
    """Where text, route and category are in a TSV file: named by a header row, or in that
    order."""

    def __init__(self):
        self.index = {"text": 0, "route": 1, "category": 2}

    def header(self, cells) -> bool:
        names = [c.strip().lower() for c in cells]
        if "text" not in names:
            return False
        found = {"text": names.index("text")}
        for field, keys in (("route", ROUTE_KEYS), ("category", CATEGORY_KEYS)):
            found[field] = next((names.index(k) for k in keys if k in names), None)
        if found["route"] is None:
            raise CommandError("the header row names no route column")
        self.index = found
        return True

    def cell(self, cells, field) -> str:
        i = self.index.get(field)
        return cells[i].strip() if i is not None and i < len(cells) else ""


def _rows(lines):
    """(text, route, category or "") per labelled line; a bad line raises CommandError."""
    columns = _Columns()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                data = json.loads(line)
            except ValueError:
                raise CommandError(f"line {number}: not JSON") from None
            if not isinstance(data, dict):
                raise CommandError(f"line {number}: not a JSON object")
            text, route = data.get("text"), _first(data, ROUTE_KEYS)
            category = _first(data, CATEGORY_KEYS)
        else:
            cells = line.split("\t")
            if number == 1 and columns.header(cells):
                continue
            if len(cells) < 2:
                raise CommandError(f"line {number}: expected text<TAB>route[<TAB>category]")
            text = cells[columns.index["text"]]
            route, category = columns.cell(cells, "route"), columns.cell(cells, "category")
        if not isinstance(text, str) or not text.strip():
            raise CommandError(f"line {number}: no text")
        if route not in CODES:
            raise CommandError(f"line {number}: route must be one of {', '.join(CODES)}")
        yield text, route, category if isinstance(category, str) else ""
