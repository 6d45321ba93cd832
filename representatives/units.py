"""The names the seed gives the city departments of taxonomy.csv's ``typical_units_zh``."""

# The taxonomy abbreviates some departments in some rows (市住建局 beside 市住房和城乡建设局);
# one body must have one name, or it would be seeded twice and offered twice.
ALIASES = {"市住建局": "市住房和城乡建设局"}


def city_unit_names(typical_units_zh: str) -> list[str]:
    """克拉玛依 + the full 市… name of each city body in a taxonomy row, in its order."""
    return [
        f"克拉玛依{ALIASES.get(name, name)}"
        for name in typical_units_zh.split("/")
        if name.startswith("市")
    ]
