"""Cells a spreadsheet will not run: every CSV the platform writes goes through here (CSV injection, OWASP).

A cell that starts with = + - @, a tab or a carriage return is a formula to Excel, WPS and
LibreOffice; such a cell is written with a leading apostrophe, which spreadsheets show as text.
Plain numbers ("-1.50", "+86") stay as they are: a spreadsheet reads them as numbers, not formulas.
`cell_value` undoes the apostrophe, so a file the platform wrote imports back unchanged.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_APOSTROPHE = "'"
# Also a cell that already starts with apostrophes before a formula character gets one more:
# that keeps writing and reading back exact for a title such as "'=x".
_NEEDS_APOSTROPHE = re.compile(r"'*[=+\-@\t\r]")
_WRITTEN_WITH_APOSTROPHE = re.compile(r"'+[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def inert_cell(value: object) -> str:
    """The cell as text a spreadsheet shows rather than runs."""
    text = "" if value is None else str(value)
    if _NEEDS_APOSTROPHE.match(text) and not _PLAIN_NUMBER.fullmatch(text):
        return _APOSTROPHE + text
    return text


def cell_value(text: str) -> str:
    """What `inert_cell` was given: the apostrophe before a formula character removed."""
    if _WRITTEN_WITH_APOSTROPHE.match(text):
        return text[1:]
    return text


class SafeWriter:
    """csv.writer whose every cell goes through `inert_cell`."""

    def __init__(self, out: TextIO, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, cells: Iterable[object]) -> None:
        self._writer.writerow([inert_cell(cell) for cell in cells])
