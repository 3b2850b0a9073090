"""CSV export and import in the console: a preview that lists every problem by row, then the import with progress."""

from __future__ import annotations

import asyncio

import reflex as rx

from shopapp.db import session_scope
from shopapp.i18n import field_message, pick_lang
from shopapp.services.catalog import product_csv
from shopapp.services.core.errors import DomainError
from shopapp.ui import routes
from shopapp.ui.components.forms import PRIMARY_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.state import ConsoleState

UPLOAD_ID = "product_csv"
MAX_SHOWN_PROBLEMS = 200


class ProductImportState(ConsoleState):
    file_name: str = ""
    preview: dict[str, int] = {}
    problems: list[dict[str, str]] = []
    progress: int = 0
    importing: bool = False
    done: str = ""
    _csv_text: str = ""  # backend only: the file waiting for "import"

    @rx.event
    def reset_page(self):
        self.file_name, self.preview, self.problems, self.progress, self.importing, self.done = "", {}, [], 0, False, ""
        self._csv_text = ""

    @rx.event
    def export(self):
        with session_scope() as session:
            text = product_csv.export_csv(session, self._actor())
        return rx.download(data=text.encode("utf-8"), filename=f"products-{self.shop_slug}.csv")

    @rx.event
    async def check_file(self, files: list[rx.UploadFile]):
        """Dry run: what the file would do and every problem with its row; nothing changes."""
        self.reset_page()
        if not files:
            return
        file = files[0]
        self.file_name = file.name or "products.csv"
        try:
            text = product_csv.decode_csv(await file.read())
            with session_scope() as session:
                result = product_csv.import_csv(session, self._actor(), text, dry_run=True)
        except DomainError as exc:
            self.problems = [{"row": "", "column": "", "message": next(iter(self._field_messages(exc).values()), self._message(exc))}]
            return
        self.preview = {"created": result.created, "updated": result.updated, "errors": len(result.errors)}
        self.problems = self._problem_rows(result.errors)
        if not result.errors:
            self._csv_text = text

    @rx.event(background=True)
    async def run_import(self):
        async with self:
            if not self._csv_text or self.importing:
                return
            text, actor = self._csv_text, self._actor()
            self.importing, self.progress = True, 0
        counts = {"done": 0, "total": 1}

        def on_progress(done: int, total: int):
            counts.update(done=done, total=max(total, 1))

        def work():
            with session_scope() as session:
                return product_csv.import_csv(session, actor, text, dry_run=False, progress=on_progress)

        task = asyncio.ensure_future(asyncio.to_thread(work))
        while not task.done():
            await asyncio.sleep(0.3)
            async with self:
                self.progress = int(100 * counts["done"] / counts["total"])
        async with self:
            self.importing, self._csv_text = False, ""
            try:
                result = task.result()
            except DomainError as exc:
                self.problems = [{"row": "", "column": "", "message": self._message(exc)}]
                return
            self.progress = 100
            self.problems = self._problem_rows(result.errors)
            self.done = self._text("import.done").format(created=result.created, updated=result.updated)

    def _problem_rows(self, errors) -> list[dict[str, str]]:
        lang = pick_lang(self.lang)
        return [{"row": str(e.row), "column": e.column, "message": field_message(e.code, lang)} for e in errors[:MAX_SHOWN_PROBLEMS]]


@console_page(routes.CONSOLE_PRODUCT_IMPORT, "console.nav.products", on_load=ProductImportState.reset_page)
def product_import() -> rx.Component:
    state = ProductImportState
    return rx.el.div(
        rx.el.a("← ", tr("console.nav.products"), href=routes.CONSOLE_PRODUCTS, class_name="text-sm text-emerald-700"),
        rx.el.h1(tr("import.title"), class_name="mt-1 text-2xl font-bold"),
        rx.el.section(
            rx.el.h2(tr("import.export_title"), class_name="font-semibold"),
            rx.el.p(tr("import.export_hint"), class_name="mt-1 text-sm text-gray-600"),
            rx.el.button(tr("import.export"), on_click=state.export, type="button", class_name=SECONDARY_BUTTON + " mt-3"),
            class_name="mt-4 rounded-2xl border bg-white p-5",
        ),
        rx.el.section(
            rx.el.h2(tr("import.import_title"), class_name="font-semibold"),
            rx.el.p(tr("import.import_hint"), class_name="mt-1 text-sm text-gray-600"),
            rx.upload.root(
                rx.el.div(tr("import.drop"), class_name="mt-3 cursor-pointer rounded-2xl border-2 border-dashed border-gray-300 p-6 text-center hover:border-emerald-500"),
                id=UPLOAD_ID, multiple=False, accept={"text/csv": [".csv"]}, max_size=50 * 1024 * 1024,
                on_drop=state.check_file(rx.upload_files(upload_id=UPLOAD_ID)),
            ),
            rx.cond(state.file_name != "", rx.el.p(state.file_name, class_name="mt-2 text-sm font-medium")),
            rx.cond(state.preview.contains("created"), rx.el.p(
                tr("import.preview_created"), ": ", state.preview["created"], " · ", tr("import.preview_updated"), ": ",
                state.preview["updated"], " · ", tr("import.preview_errors"), ": ", state.preview["errors"],
                class_name="mt-2 text-sm", data_testid="import-preview",
            )),
            rx.cond(state.problems.length() > 0, rx.el.table(
                rx.el.thead(rx.el.tr(rx.el.th(tr("import.row"), class_name="p-1 text-left"), rx.el.th(tr("import.column"), class_name="p-1 text-left"),
                                     rx.el.th(tr("import.problem"), class_name="p-1 text-left"))),
                rx.el.tbody(rx.foreach(state.problems, lambda p: rx.el.tr(
                    rx.el.td(p["row"], class_name="p-1"), rx.el.td(p["column"], class_name="p-1 font-mono"), rx.el.td(p["message"], class_name="p-1"),
                    class_name="border-t",
                ))),
                class_name="mt-3 w-full text-sm text-red-700", data_testid="import-problems",
            )),
            rx.cond(
                (state.preview["errors"] == 0) & state.preview.contains("created") & (state.done == ""),
                rx.el.button(rx.cond(state.importing, tr("import.importing"), tr("import.run")), on_click=state.run_import,
                             disabled=state.importing, type="button", class_name=PRIMARY_BUTTON + " mt-3"),
            ),
            rx.cond(state.importing, rx.el.div(
                rx.el.div(class_name="h-2 rounded bg-emerald-600", style={"width": state.progress.to_string() + "%"}),
                role="progressbar", aria_valuenow=state.progress, class_name="mt-3 h-2 w-full rounded bg-gray-200",
            )),
            rx.cond(state.done != "", rx.el.p(state.done, role="status", class_name="mt-3 text-sm text-emerald-700")),
            class_name="mt-4 rounded-2xl border bg-white p-5",
        ),
        class_name="max-w-3xl",
    )
