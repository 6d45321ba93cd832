"""``manage.py classify``: the classifier for scripts (DESIGN section 5).

Reads JSON lines ``{"text": "...", "area": "<optional area code>", "id": <optional>}`` on
stdin and writes one JSON line per input line, in order::

    {"route": ..., "base_route": ..., "category": ..., "urgent": ..., "unit": <name or null>,
     "confidence": ..., "reasons": [...], "needs_review": ..., "model_version": ..., "id": ...}

``route`` is one of direct, assign, transfer, report, supervise (supervision called for);
``base_route`` is the route the case follows under it. ``id`` is echoed when given. An
empty or non-Chinese text gets a low-confidence suggestion marked ``needs_review``. A line
that is not a JSON object gets ``{"error": "..."}`` and the command goes on, so output line N
always answers input line N. An unknown or absent area code leaves street-level units null.
Exit status 0 unless stdin cannot be read.

The texts of a chunk of ``CHUNK_SIZE`` lines are classified together (the learned model reads
them at once). Queries: one for the handling units (cached per process), one for the model in
use (checked once a minute), and one per chunk that brings area codes not seen before.
"""

import json
import sys
from itertools import islice

from django.core.management.base import BaseCommand, CommandError

from representatives.models import Area
from routing import classifier

CHUNK_SIZE = 500


class Command(BaseCommand):
    help = "Classify JSON lines {text, area} from stdin; write one JSON suggestion per line."
    # call_command("classify", stdin=...) for tests and scripts.
    stealth_options = ("stdin",)

    def handle(self, *args, **options):
        stream = options.get("stdin") or sys.stdin
        lines = _lines(stream)
        areas: dict[str, Area | None] = {}
        try:
            while chunk := list(islice(lines, CHUNK_SIZE)):
                parsed = [_parse(line) for line in chunk]
                wanted = {
                    code for item in parsed if (code := item.get("area")) and code not in areas
                }
                if wanted:
                    found = {
                        a.code: a
                        for a in Area.objects.filter(code__in=wanted).only(
                            "code", "level", "street"
                        )
                    }
                    areas.update({code: found.get(code) for code in wanted})
                readable = [item for item in parsed if "error" not in item]
                suggestions = iter(classifier.classify_many([i["text"] for i in readable]))
                for item in parsed:
                    suggestion = None if "error" in item else next(suggestions)
                    answer = _answer(item, suggestion, areas)
                    self.stdout.write(json.dumps(answer, ensure_ascii=False))
        except OSError as e:
            raise CommandError(f"cannot read stdin: {e}") from e


def _lines(stream):
    """Input lines as text; a line that is not UTF-8 becomes None rather than ending the run."""
    source = getattr(stream, "buffer", stream)
    for raw in source:
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield None
                continue
        yield raw.rstrip("\r\n")


def _parse(line: str | None) -> dict:
    if line is None:
        return {"error": "line is not UTF-8"}
    try:
        data = json.loads(line)
    except ValueError:
        return {"error": "line is not JSON"}
    if not isinstance(data, dict):
        return {"error": "line is not a JSON object"}
    echo = {"id": data["id"]} if "id" in data else {}
    text = data.get("text")
    if text is None:
        text = ""
    if not isinstance(text, str):
        return {"error": "text must be a string", **echo}
    area = data.get("area")
    if isinstance(area, int) and not isinstance(area, bool):
        area = str(area)
    if area is not None and not isinstance(area, str):
        return {"error": "area must be an area code", **echo}
    return {"text": text, "area": (area or "").strip(), **echo}


def _answer(item: dict, suggestion, areas: dict) -> dict:
    echo = {"id": item["id"]} if "id" in item else {}
    if "error" in item:
        return {"error": item["error"], **echo}
    code = item["area"]
    area = areas.get(code) if code else None
    unit = classifier.unit_for(suggestion, area)
    reasons = list(suggestion.reasons)
    if code and area is None:
        reasons.append(f"区域代码 {code} 不存在，无法确定街道")
    return {
        "route": suggestion.code,
        "base_route": suggestion.route,
        "category": suggestion.category,
        "urgent": suggestion.urgent,
        "unit": unit.name if unit else None,
        "confidence": suggestion.confidence,
        "reasons": reasons,
        "needs_review": suggestion.needs_review,
        "model_version": suggestion.model_version,
        **echo,
    }
