"""The real divisions of the city (``data/areas.csv``), read as files: what other apps may know
of them without a query (the classifier's place names, the city's name in unit names)."""

import csv
import functools
from pathlib import Path

AREAS_CSV = Path(__file__).resolve().parent / "data" / "areas.csv"


@functools.cache
def area_rows() -> tuple[dict, ...]:
    """areas.csv's rows: level, code, name, parent_code, note."""
    with AREAS_CSV.open(encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def city_name() -> str:
    """The city of this installation, as areas.csv names it (克拉玛依市)."""
    return next(row["name"] for row in area_rows() if row["level"] == "city")
