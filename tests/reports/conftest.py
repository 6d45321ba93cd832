import pytest

from tests.reports.helpers import quarter_cases


@pytest.fixture
def quarter(areas, site, categories):
    """2026Q3 in the street of ``areas``: one case of each kind the definitions care about
    (tests/reports/helpers.py)."""
    return quarter_cases(areas)
