"""The section list's actions: choose, add from the library, move (drag and drop, or up/down), duplicate,
hide, delete (asked first), change a field, add or remove a block, upload a picture into a field,
find products by name."""

from __future__ import annotations

import reflex as rx

from shopapp.db import read_scope, session_scope
from shopapp.i18n import pick_lang
from shopapp.services.catalog import media
from shopapp.services.catalog import products as catalog_products
from shopapp.services.core.errors import DomainError
from shopapp.services.shops import design, design_edit
from shopapp.ui.components.uploads import refusal_messages
from shopapp.ui.console.design.state import DesignState


class SectionsState(DesignState):
    library_open: bool = False
    dragging: str = ""
    confirming: str = ""  # the section whose delete is being asked about
    picture_target: str = ""  # the field the next uploaded picture goes into
    uploading: bool = False
    found_products: list[dict[str, str]] = []

    @rx.event
    def choose(self, section_id: str):
        self.selected, self.panel, self.found_products = section_id, "section", []
        self.form_key += 1
        self._show()

    @rx.event
    def toggle_library(self):
        self.library_open = not self.library_open

    @rx.event
    def add(self, kind: str):
        section = design.new_section(kind)
        if self._save_sections([*self._sections(), section]):
            self.library_open = False
            self.choose(section["id"])

    @rx.event
    def move(self, section_id: str, step: int):
        ids = [s["id"] for s in self._sections()]
        if section_id in ids:
            self._save_sections(design_edit.moved(self._sections(), section_id, ids.index(section_id) + step))

    @rx.event
    def drag_start(self, section_id: str):
        self.dragging = section_id

    @rx.event
    def drop_on(self, target_id: str):
        dragged, self.dragging = self.dragging, ""
        if dragged:
            self._save_sections(design_edit.moved_before(self._sections(), dragged, target_id))

    @rx.event
    def duplicate(self, section_id: str):
        self._save_sections(design_edit.duplicated(self._sections(), section_id))

    @rx.event
    def toggle_hidden(self, section_id: str):
        self._save_sections(design_edit.toggled(self._sections(), section_id))

    @rx.event
    def ask_delete(self, section_id: str):
        self.confirming = section_id

    @rx.event
    def delete(self, section_id: str):
        self.confirming = ""
        if self._save_sections(design_edit.without(self._sections(), section_id)) and self.selected == section_id:
            self.selected = ""
            self._show()

    @rx.event
    def set_field(self, name: str, value):
        self._save_sections(design_edit.with_field(self._sections(), self.selected, name, value))

    @rx.event
    def add_block(self):
        self._save_sections(design_edit.with_block(self._sections(), self.selected))
        self.form_key += 1

    @rx.event
    def remove_block(self, index: int):
        self._save_sections(design_edit.with_block(self._sections(), self.selected, remove_index=index))
        self.form_key += 1

    @rx.event
    def aim_picture(self, field: str):
        self.picture_target = field

    @rx.event
    def refuse_picture(self, lines: list[str]):
        self.problem = "；".join(refusal_messages(lines, pick_lang(self.lang), media.MAX_UPLOAD_BYTES))

    @rx.event
    async def upload_picture(self, files: list[rx.UploadFile]):
        if not files or not self.picture_target:
            return
        self.uploading = True
        data = await files[0].read()
        try:
            with session_scope() as session:
                url = design.add_picture(session, self._actor(), data)
        except DomainError as exc:
            self.uploading, self.problem = False, self._problem_text(exc)
            return
        self.uploading = False
        target, self.picture_target = self.picture_target, ""
        if target.startswith("theme."):
            self._save({"theme": {**self._draft["theme"], target.removeprefix("theme."): url}})
        else:
            self._save_sections(design_edit.with_field(self._sections(), self.selected, target, url))
        self.form_key += 1

    @rx.event
    def find_products(self, q: str):
        with read_scope() as session:
            items, _ = catalog_products.list_products(session, self._actor().shop_id, q=q.strip() or None, per_page=8)
        self.found_products = [{"id": str(i["id"]), "title": i["title"]} for i in items]

    @rx.event
    def pick_product(self, field: str, product_id: str):
        current = next((f["value"] for f in self.fields if f["name"] == field), "")
        ids = [i for i in current.split(",") if i] + [product_id]
        self._save_sections(design_edit.with_field(self._sections(), self.selected, field, ",".join(dict.fromkeys(ids))))
        self.form_key += 1
