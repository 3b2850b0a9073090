"""The store editor's state: the draft (kept as data on the server side of the state), the page being
edited, the chosen section, and saving: every change is saved as the draft at once (autosave), so
nothing is lost across a reload; every change, saved or still being typed, goes to the preview frame
at once as `live_draft` (preview.py posts it in), so the preview never waits for a save or a reload."""

from __future__ import annotations

import json

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.catalog import categories
from shopapp.services.core.errors import DomainError
from shopapp.services.shops import design
from shopapp.ui.console.design import view
from shopapp.ui.console.state import ConsoleState


class DesignState(ConsoleState):
    _draft: dict = {}
    handle: str = "home"
    handles: list[str] = []
    rows: list[dict[str, str]] = []
    selected: str = ""
    fields: list[dict[str, str]] = []
    theme_fields: list[dict[str, str]] = []
    links: dict[str, list[dict[str, str]]] = {}
    panel: str = "section"  # section | theme | menu | versions
    token: str = ""
    live_draft: str = ""  # the page being edited and the theme as JSON, for the preview frame
    phone: bool = True
    problem: str = ""
    warnings: list[str] = []
    saved_rev: int = 0  # how many saves this visit has made (the page shows 已保存 once one worked)
    version: int = 0
    form_key: int = 0
    categories: list[dict[str, str]] = []  # for a product grid "by category"

    @rx.event
    def load(self):
        found = self._read(design.get_design)
        if found is None:
            return
        self._draft, self.token, self.version = found["draft"], found["preview_token"], found["version"]
        if self.handle not in self._draft["pages"]:
            self.handle = "home"
        self.selected, self.problem, self.warnings = "", "", []
        listed = self._read(lambda session, actor: categories.list_categories(session, actor.shop_id)) or []
        self.categories = [{"id": str(c["id"]), "name": c["name"]} for c in listed]
        self._show()

    @rx.event
    def show_page(self, handle: str):
        self.handle, self.selected = handle, ""
        self._show()

    @rx.event
    def show_panel(self, panel: str):
        self.panel = panel

    @rx.event
    def set_phone(self, phone: bool):
        self.phone = phone

    def _sections(self) -> list[dict]:
        return self._draft["pages"].get(self.handle, {"sections": []})["sections"]

    def _save_sections(self, sections: list[dict]) -> bool:
        page = {**self._draft["pages"].get(self.handle, {}), "sections": sections}
        return self._save({"pages": {self.handle: page}})

    def _save(self, changes: dict) -> bool:
        """Save the change as the draft; refused (a bad link, unreadable colours): say why, keep the draft as it was."""
        try:
            with session_scope() as session:
                saved = design.save_draft(session, self._actor(), changes)
        except DomainError as exc:
            self.problem = self._problem_text(exc)
            return False
        self._draft, self.problem = saved["draft"], ""
        self.warnings = [w["field"] for w in saved["warnings"]]
        self.saved_rev += 1
        self._show()
        self._send_live()
        return True

    def _send_live(self, sections: list[dict] | None = None, theme: dict | None = None):
        """The preview shows this page with `sections` / `theme` (as typed, not saved yet) or as saved."""
        page = {**self._draft["pages"].get(self.handle, {}), "sections": self._sections() if sections is None else sections}
        self.live_draft = json.dumps({"handle": self.handle, "theme": self._draft["theme"] if theme is None else theme, "page": page},
                                     ensure_ascii=False, separators=(",", ":"))

    def _show(self):
        self.handles = list(self._draft["pages"])
        sections = self._sections()
        self.rows = view.rows(sections, self.selected)
        self.fields = view.section_fields(next((s for s in sections if s["id"] == self.selected), None))
        theme = self._draft["theme"]
        self.theme_fields = view.theme_fields(theme)
        self.links = {name: view.link_rows(theme, name) for name in ("menu", "tab_bar", "footer_links")}
