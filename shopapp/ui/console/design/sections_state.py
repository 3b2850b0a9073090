"""The section list's actions: choose, add from the library, move (drag, or up/down), duplicate,
hide, delete (asked first), change a field (shown in the preview as typed, saved once typing pauses),
add or remove a block."""

from __future__ import annotations

import reflex as rx

from shopapp.services.shops import design, design_edit
from shopapp.ui.console.design.state import DesignState


class SectionsState(DesignState):
    library_open: bool = False
    confirming: str = ""  # the section whose delete is being asked about
    found_products: list[dict[str, str]] = []
    rich_start: str = ""  # the rich text editor's HTML when the section was chosen (it keeps what is typed itself)

    @rx.event
    def choose(self, section_id: str):
        self.selected, self.panel, self.found_products = section_id, "section", []
        self.form_key += 1
        self._show()
        chosen = next((s for s in self._sections() if s["id"] == section_id), {})
        self.rich_start = str(chosen.get("settings", {}).get("html") or "")

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
    def reorder(self, old_index: int, new_index: int):
        """A drag (drag.py): the row at `old_index` now stands at `new_index`."""
        sections = self._sections()
        if 0 <= old_index < len(sections):
            self._save_sections(design_edit.moved(sections, sections[old_index]["id"], new_index))

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
    def live_field(self, name: str, value):
        """A key typed: shown in the preview at once; saved by set_field once typing pauses."""
        self._send_live(sections=design_edit.with_field(self._sections(), self.selected, name, value))

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
