"""Cells the platform writes to CSV are shown by spreadsheets, never run, and read back as they were."""

import pytest

from shopapp.services.core.spreadsheet import cell_value, inert_cell

FORMULAS = ["=1+2", "+1+1", "-1+1", "@cmd", "\t=1", "\r=1", "'=1", "''@x", '=HYPERLINK("http://evil.example")']
PLAIN = ["龙井", "", "-1.50", "+86", "12", "a=b", "'quoted", "'12"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_is_written_as_text(text):
    assert inert_cell(text).startswith("'")


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_and_numbers_are_written_as_they_are(text):
    assert inert_cell(text) == text


@pytest.mark.parametrize("text", FORMULAS + PLAIN)
def test_what_is_written_reads_back_unchanged(text):
    assert cell_value(inert_cell(text)) == text
