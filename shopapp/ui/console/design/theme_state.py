"""The theme's actions (a ready-made style, one setting, the menus' links), 发布, the version history
and restoring a version, 微页面 (add one)."""

from __future__ import annotations

import re

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.shops import design, design_edit
from shopapp.services.shops import design_rules as rules
from shopapp.ui.components.time import shown_time
from shopapp.ui.console.design.media_state import MediaState


class ThemeState(MediaState):
    versions: list[dict[str, str]] = []
    published_note: str = ""
    restoring: str = ""  # the version whose restore is being asked about

    @rx.event
    def use_preset(self, name: str):
        theme = self._draft["theme"]
        self._save({"theme": {**theme, **rules.PRESETS[name], "colors": dict(rules.PRESETS[name]["colors"]), "preset": name}})
        self.form_key += 1

    @rx.event
    def live_theme(self, name: str, value: str):
        self._send_live(theme=self._theme_with(name, value))

    @rx.event
    def set_theme(self, name: str, value: str):
        self._save({"theme": self._theme_with(name, value)})

    def _theme_with(self, name: str, value: str) -> dict:
        theme = dict(self._draft["theme"])
        if name.startswith("colors."):
            theme["colors"] = {**theme.get("colors", {}), name.removeprefix("colors."): value}
        else:
            theme[name] = design_edit.typed(rules.THEME.get(name, "text"), value)
        return theme

    @rx.event
    def add_link(self, menu: str):
        theme = dict(self._draft["theme"])
        theme[menu] = [*theme.get(menu, []), {"label": "首页", "link": f"/s/{self.shop_slug}"}]
        self._save({"theme": theme})
        self.form_key += 1

    @rx.event
    def set_link(self, menu: str, index: int, part: str, value: str):
        theme = dict(self._draft["theme"])
        items = [dict(i) for i in theme.get(menu, [])]
        if 0 <= index < len(items):
            items[index][part] = value
        self._save({"theme": {**theme, menu: items}})

    @rx.event
    def remove_link(self, menu: str, index: int):
        theme = dict(self._draft["theme"])
        self._save({"theme": {**theme, menu: [i for n, i in enumerate(theme.get(menu, [])) if n != index]}})
        self.form_key += 1

    @rx.event
    def add_page(self, form: dict):
        handle = re.sub(r"[^a-z0-9-]", "", str(form.get("handle", "")).strip().lower())[:40] or "page"
        if self._save({"pages": {handle: {"title": str(form.get("title", ""))[:60], "sections": []}}}):
            self.show_page(handle)

    @rx.event
    def publish(self):
        try:
            with session_scope() as session:
                done = design.publish(session, self._actor())
        except DomainError as exc:
            self.problem = self._problem_text(exc)
            return
        self.version = done["version"]
        self.published_note = str(done["version"])
        self.load_versions()

    @rx.event
    def load_versions(self):
        found = self._read(design.list_versions) or []
        self.versions = [{"version": str(v["version"]), "by": v["published_by"],
                          "at": shown_time(v["published_at"])}
                         for v in found]

    @rx.event
    def ask_restore(self, version: str):
        self.restoring = version

    @rx.event
    def restore(self, version: str):
        self.restoring = ""
        try:
            with session_scope() as session:
                restored = design.restore(session, self._actor(), int(version))
        except DomainError as exc:
            self.problem = self._problem_text(exc)
            return
        self._draft = restored["draft"]
        if self.handle not in self._draft["pages"]:  # a 微页面 made after that version
            self.handle, self.selected = "home", ""
        self.form_key += 1
        self._show()
        self._send_live()
