"""Loading the real divisions of areas.csv (reference data a real deployment needs).

Idempotent by area code: running it twice, or on a database that already holds real data,
adds only what is missing and never overwrites a row. Called by ``load_reference_data``."""

from dataclasses import dataclass, field

from django.db import transaction

from representatives.models import Area
from representatives.reference import area_rows


@dataclass
class LoadReport:
    """How many rows of each kind a loader added (and the demo accounts it made, if any)."""

    created: dict = field(default_factory=dict)
    accounts: list = field(default_factory=list)

    def add(self, what: str, n: int) -> None:
        self.created[what] = self.created.get(what, 0) + n


@transaction.atomic
def areas_load(report: LoadReport) -> None:
    """The city, its districts, streets, townships and communities of areas.csv."""
    by_code = {a.code: a for a in Area.objects.all()}
    community_seq: dict[str, int] = {}
    for row in area_rows():
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        code = row["code"]
        if not code:  # communities are listed without official codes: derive a stable one
            if parent is None:
                raise ValueError(f"areas.csv: {row['name']} has neither a code nor a parent")
            community_seq[parent.code] = community_seq.get(parent.code, 0) + 1
            code = f"{parent.code}{community_seq[parent.code]:03d}"
        if code in by_code:
            continue
        area = Area(
            code=code, name=row["name"], level=row["level"], parent=parent, note=row["note"]
        )
        area.save()
        by_code[code] = area
        report.add("areas", 1)
