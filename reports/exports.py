"""The dashboard's tables as CSV and Excel (openpyxl): the same rows the page shows."""

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.context import VOLUME_CHARTS


def _share(rows):
    return [[r["label"], r["count"], r["share"]] for r in rows]


def tables(figures: dict) -> dict[str, tuple[str, list[str], list[list]]]:
    """Every exportable table of a dashboard: name → (title, headers, rows)."""
    volume, coverage = figures["volume"], figures["coverage"]
    share = [_("Item"), _("Opinions"), _("Share (%)")]
    found = [_("Name"), _("Of"), _("Opinions")]
    return {
        **{
            key: (str(table), share, _share(volume[f"by_{key}"]))
            for key, _chart, table in VOLUME_CHARTS
        },
        "units": (
            _("Handling units"),
            [_("Unit"), _("Cases"), _("Resolved"), _("On time (%)"), _("Overdue now")],
            [
                [u["unit"], u["cases"], u["resolved"], u["on_time_rate"], u["overdue"]]
                for u in figures["units"]
            ],
        ),
        "sites": (
            _("Opinions by liaison site"),
            found,
            [[r["name"], r["of"], r["count"]] for r in coverage["sites"]["rows"]],
        ),
        "representatives": (
            _("Opinions by representative's code"),
            found,
            [[r["name"], r["of"], r["count"]] for r in coverage["representatives"]["rows"]],
        ),
        "placements": (
            _("Opinions by QR placement"),
            found,
            [[r["name"], r["of"], r["count"]] for r in coverage["placements"]["rows"]],
        ),
    }


# A text cell starting with one of these is a formula to a spreadsheet (CSV injection): a
# resident's "=HYPERLINK(…)" must reach the leader as the words it is.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _csv_cell(value):
    """A CSV cell: text that a spreadsheet would take for a formula gets the usual leading
    apostrophe; numbers stay numbers."""
    if value is None:
        return ""
    return "'" + value if _is_formula_like(value) else value


def write_csv(out, headers: list[str], rows: Iterable[Iterable]) -> int:
    """Write a CSV table to the text stream ``out`` row by row (any number of rows, constant
    memory): a byte-order mark first, so that Excel on Windows opens the Chinese correctly;
    every text cell neutralised (``_csv_cell``). Returns the number of rows."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_csv_cell(h) for h in headers])
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        count += 1
    return count


def to_csv(headers: list[str], rows: list[list]) -> bytes:
    """The table as UTF-8 CSV bytes (``write_csv``)."""
    out = io.StringIO()
    write_csv(out, headers, rows)
    return out.getvalue().encode("utf-8")


def to_xlsx(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """One worksheet per table: a bold header row, numbers as numbers, readable widths."""
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(_sheet_name(title, book))
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if _is_formula_like(cell.value):
                    # openpyxl takes "=…" for a formula: store it as text, shown as typed.
                    cell.data_type = "s"
                    cell.quotePrefix = True
        for index, header in enumerate(headers, start=1):
            width = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in rows])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, 2 * width + 4)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str, book) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:31]
    base, n = name, 2
    while name in book.sheetnames:
        name = f"{base[:28]}({n})"
        n += 1
    return name
