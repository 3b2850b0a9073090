"""The finance report as a file an accountant opens: CSV (Excel-safe) or XLSX (openpyxl).

Both have the same rows: a header in the reader's language, one row per day or month, the totals,
then one row per payment provider. Amounts are yuan: in the CSV as plain text numbers ("12.5"),
in the XLSX as numbers formatted 0.00, so sums in Excel/WPS work at once.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from shopapp.i18n import CATALOGUES, t
from shopapp.services.analytics.finance import FIGURES
from shopapp.services.core.money import yuan_text
from shopapp.services.core.spreadsheet import SafeWriter, inert_cell

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_name(report: dict, extension: str) -> str:
    return f"finance-{report['from']}-{report['to']}.{extension}"


def to_csv(report: dict, lang: str) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 only with it
    writer = SafeWriter(out)
    for row in _rows(report, lang):
        writer.writerow(yuan_text(cell) if isinstance(cell, _Amount) else cell for cell in row)
    return out.getvalue().encode("utf-8")


def to_xlsx(report: dict, lang: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = t("finance.title", lang)[:31]
    for number, row in enumerate(_rows(report, lang), start=1):
        for column, cell in enumerate(row, start=1):
            target = sheet.cell(row=number, column=column)
            if isinstance(cell, _Amount):
                target.value, target.number_format = cell.fen / 100, "0.00"
            else:
                # Text cells pass the same neutralising as the CSV: a provider or label never runs as a formula.
                target.value = cell if isinstance(cell, int) else inert_cell(cell)
            if number == 1 or row[0] == t("finance.totals", lang):
                target.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Helpers ---------------------------------------------------------------------------------------

class _Amount(int):
    """分 that a file shows as yuan (paid_orders stays a count)."""

    @property
    def fen(self) -> int:
        return int(self)


def _rows(report: dict, lang: str) -> list[list]:
    header = [t("finance.date", lang), *(t(f"finance.{name}", lang) for name in FIGURES)]
    rows = [header]
    rows += [[row["date"], *_figures(row)] for row in report["days"]]
    rows.append([t("finance.totals", lang), *_figures(report["totals"])])
    for provider in report["providers"]:
        rows.append([_provider_name(provider["provider"], lang), *_figures(provider)])
    return rows


def _provider_name(name: str, lang: str) -> str:
    """支付宝 for alipay; a provider the catalogue does not know by its own name."""
    key = f"finance.provider.{name}"
    return t(key, lang) if key in CATALOGUES["zh-CN"] else name


def _figures(row: dict) -> list:
    return [row[name] if name == "paid_orders" else _Amount(row[name]) for name in FIGURES]
