"""Labelled examples the classifier learns from: the corpora shipped in
``routing/data/corpus/`` (labelled by docs/classifier-labelling.md), staff decisions, and
extra JSON lines given to ``train_classifier --extra``. Reads files only; the decisions are
turned into examples by the training service."""

import json
from dataclasses import dataclass
from pathlib import Path

from routing.classifier.rules import engine
from routing.models import Route
from routing.routes import SUPERVISION

CORPUS_DIR = Path(__file__).resolve().parent.parent / "data" / "corpus"
# One-line messages as typed on a phone: the first set (its rules were tuned on it), and two
# more written later to widen the vocabulary.
SHORT = CORPUS_DIR / "short.jsonl"
SHORT_TUNING = (SHORT, CORPUS_DIR / "short-b.jsonl", CORPUS_DIR / "short-e.jsonl")
LONG_DIR = CORPUS_DIR / "long"  # letters in the style of real ones
# Kept apart from all tuning, in two rounds (docs/classifier.md): the first (short-c, letters
# 07–08) chose between designs of the model, the second (short-d, letters 09) was measured
# once at the end.
SHORT_HELD_OUT = (CORPUS_DIR / "short-c.jsonl", CORPUS_DIR / "short-d.jsonl")
HELD_OUT = ("part-07.jsonl", "part-08.jsonl", "part-09.jsonl")
CODES = (*Route.values, SUPERVISION.code)  # the five answers of the classifier's contract


@dataclass(frozen=True)
class Example:
    text: str
    code: str  # one of CODES: supervise when supervision is called for, else the route
    route: str  # the route the case follows (a Route value)
    category: str  # a taxonomy slug
    urgent: bool
    weight: float = 1.0


class BadLine(ValueError):
    """A labelled line that cannot be used; the message names the line."""


def example_from(data, *, weight: float = 1.0) -> Example:
    """An example from a JSON object ``{"text", "route", "category", "urgent"}`` (``route``
    one of CODES; ``base_route`` optional on a supervise line: the category's default route
    otherwise). Raises ValueError saying what is wrong."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no text")
    code = data.get("route")
    if code not in CODES:
        raise ValueError(f"route must be one of {', '.join(CODES)}")
    taxonomy = engine().rules.taxonomy
    category = data.get("category")
    if category not in taxonomy:
        raise ValueError(f"unknown category {category!r}")
    urgent = data.get("urgent", False)
    if not isinstance(urgent, bool):
        raise ValueError("urgent must be true or false")
    # The route a supervised case follows: as given, or its category's default route.
    route = data.get("base_route") or (
        code if code in Route.values else taxonomy[category].default_route
    )
    if route not in Route.values:
        raise ValueError(f"base_route must be one of {', '.join(Route.values)}")
    return Example(
        text=text, code=code, route=route, category=category, urgent=urgent, weight=weight
    )


def read_lines(lines, *, source: str, weight: float = 1.0) -> list[Example]:
    """Examples from JSON lines (blank lines skipped); the first bad line raises ``BadLine``
    with its number, so that nothing is learned from a half-read file."""
    examples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            examples.append(example_from(json.loads(line), weight=weight))
        except ValueError as e:  # json.JSONDecodeError is a ValueError
            raise BadLine(f"{source}, line {number}: {e}") from None
    return examples


def read_file(path: Path, *, weight: float = 1.0) -> list[Example]:
    with Path(path).open(encoding="utf-8") as f:
        return read_lines(f, source=str(path), weight=weight)


def long_parts(*, held_out: bool) -> list[Path]:
    parts = sorted(LONG_DIR.glob("part-*.jsonl"))
    return [p for p in parts if (p.name in HELD_OUT) == held_out]


def tuning() -> list[Example]:
    """What the rules and the model's settings were tuned on: the short sets and the letters
    but the held-out ones."""
    paths = [*SHORT_TUNING, *long_parts(held_out=False)]
    return [e for path in paths for e in read_file(path)]


def held_out() -> list[Example]:
    """Kept apart while tuning: the held-out short sets and letters."""
    paths = [p for p in (*SHORT_HELD_OUT, *long_parts(held_out=True)) if p.exists()]
    return [e for path in paths for e in read_file(path)]


def bundled() -> list[Example]:
    """Everything shipped, which a model in use learns from (the held-out parts too: they
    are measured before, with a model that has not seen them)."""
    return tuning() + held_out()
