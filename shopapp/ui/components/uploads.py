"""Files the browser refused before sending them (too big, not an image): said beside the drop zone, with the limit."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from shopapp.i18n import t


def refused_files(rejected) -> rx.Var:
    """on_drop_rejected's records as "name|bytes|code,code" lines (a browser File does not travel as JSON)."""

    def line(record):
        record = record.to(ObjectVar, dict[str, dict])
        file = record["file"].to(ObjectVar, dict)
        codes = record["errors"].to(ArrayVar, list[dict]).map(lambda error: error["code"]).join(",")  # noqa: FURB118
        return f"{file['name']}|{file['size']}|{codes}"

    return rejected.to(ArrayVar).map(line)


def refusal_messages(lines: list[str], lang: str, limit_bytes: int) -> list[str]:
    """One sentence per refused file: which file, why, and the limit it broke."""
    limit = _megabytes(limit_bytes)
    messages = []
    for row in lines:
        name, _, rest = str(row).partition("|")
        size_text, _, codes = rest.partition("|")
        size = int(size_text) if size_text.isdigit() else 0
        if "file-too-large" in codes:
            messages.append(t("upload.too_large", lang, name=name, size=_megabytes(size), limit=limit))
        elif "file-invalid-type" in codes:
            messages.append(t("upload.not_an_image", lang, name=name))
        elif "too-many-files" in codes:
            messages.append(t("upload.too_many", lang, name=name))
        else:
            messages.append(t("upload.refused", lang, name=name))
    return messages


def upload_problems(problems: rx.Var, test_id: str) -> rx.Component:
    """The refusals, right under the drop zone they were dropped on."""
    return rx.cond(problems.length() > 0, rx.el.ul(
        rx.foreach(problems, lambda problem: rx.el.li(problem)),
        role="alert", data_testid=test_id, class_name="mt-2 space-y-1 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700",
    ))


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")
