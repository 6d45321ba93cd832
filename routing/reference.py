"""The reference tables of cases as files (``routing/data``): the taxonomy of categories, the
routes and the deadline levels, and the names the city's bodies are given. Read by the
classifier, the route policies and the working-day calendar without a query, and loaded into
the database by ``routing.services.reference``."""

import csv
import functools
from pathlib import Path

from representatives.reference import city_name

DATA_DIR = Path(__file__).resolve().parent / "data"
TAXONOMY_CSV = DATA_DIR / "taxonomy.csv"
ROUTES_CSV = DATA_DIR / "routes.csv"
DEADLINES_CSV = DATA_DIR / "deadlines.csv"

# The taxonomy abbreviates some departments in some rows (市住建局 beside 市住房和城乡建设局);
# one body must have one name, or it would be loaded twice and offered twice.
ALIASES = {"市住建局": "市住房和城乡建设局"}


def read_csv(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@functools.cache
def taxonomy_rows() -> tuple[dict, ...]:
    return tuple(read_csv(TAXONOMY_CSV))


def city_prefix() -> str:
    """What a city body's name starts with, before 市: 克拉玛依 (from the city in areas.csv)."""
    return city_name().removesuffix("市")


def city_unit_names(typical_units_zh: str) -> list[str]:
    """The full name of each city body (市…) of a taxonomy row, in its order:
    市住建局 → 克拉玛依市住房和城乡建设局."""
    return [
        f"{city_prefix()}{ALIASES.get(name, name)}"
        for name in typical_units_zh.split("/")
        if name.startswith("市")
    ]


def city_body_names() -> dict[str, str]:
    """The fixed bodies of DESIGN section 2 (一府一委两院, and the upward channel), by kind."""
    city = city_name()
    return {
        "city_government_office": f"{city}人民政府办公室",
        "supervisory_commission": f"{city}监察委员会",
        "court": f"{city}中级人民法院",
        "procuratorate": f"{city}人民检察院",
        "higher_congress": "新疆维吾尔自治区人大常委会",
    }
