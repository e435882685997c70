"""The evidence pack as CSV (one file, a section column first) and as an Excel workbook (a sheet per
section, with a bar chart of the figures by term). Text cells never run as formulas."""
from __future__ import annotations

import io

from app.surveys.results import to_csv as survey_csv


def to_csv(sheets: dict[str, list[list]]) -> str:
    """Every section's rows, each starting with the section's name; a blank row between sections."""
    rows: list[list] = []
    for name, table in sheets.items():
        if rows:
            rows.append([])
        rows += [[name, *row] for row in table]
    return survey_csv(rows)


def to_xlsx(sheets: dict[str, list[list]], chart_sheet: str | None = None) -> bytes:
    """A workbook with one sheet per section; numbers stay numbers, text is stored as text."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    book.remove(book.active)
    for name, table in sheets.items():
        sheet = book.create_sheet(title=_sheet_title(name))
        for row in table:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        sheet.column_dimensions["A"].width = 32
        if name == chart_sheet and len(table) > 1:
            chart = BarChart()
            chart.title = name
            chart.add_data(Reference(sheet, min_col=2, max_col=len(table[0]), min_row=1, max_row=len(table)),
                           titles_from_data=True)
            chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(table)))
            chart.width, chart.height = 24, 10
            sheet.add_chart(chart, f"A{len(table) + 3}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(name: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    return "".join("-" if c in "[]:*?/\\" else c for c in name)[:31]
