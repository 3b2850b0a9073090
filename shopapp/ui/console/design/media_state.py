"""The editor's media: a picture uploaded into a field (or into the rich text), a video uploaded or
picked from the shop's videos, products found by name for a picked-products field."""

from __future__ import annotations

import html

import reflex as rx

from shopapp.db import read_scope, session_scope
from shopapp.i18n import pick_lang, t
from shopapp.services.catalog import media
from shopapp.services.catalog import products as catalog_products
from shopapp.services.core.errors import DomainError
from shopapp.services.shops import design, design_edit, design_videos
from shopapp.ui.components.uploads import refusal_messages
from shopapp.ui.console.design.sections_state import SectionsState

RICH_PICTURE = "html+picture"  # picture_target: a picture put at the end of the rich text


class MediaState(SectionsState):
    picture_target: str = ""  # the field the next uploaded picture goes into
    videos: list[dict[str, str]] = []

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
        url = self._stored(design.add_picture, await files[0].read())
        if url is None:
            return
        target, self.picture_target = self.picture_target, ""
        if target.startswith("theme."):
            self._save({"theme": {**self._draft["theme"], target.removeprefix("theme."): url}})
        elif target == RICH_PICTURE:
            section = next((s for s in self._sections() if s["id"] == self.selected), {})
            rich = str(section.get("settings", {}).get("html") or "") + f'<p><img src="{html.escape(url)}" alt=""></p>'
            if self._save_sections(design_edit.with_field(self._sections(), self.selected, "html", rich)):
                self.rich_start = rich
        else:
            self._save_sections(design_edit.with_field(self._sections(), self.selected, target, url))
        self.form_key += 1

    @rx.event
    def load_videos(self):
        self.videos = self._read(design_videos.list_videos) or []

    @rx.event
    def refuse_video(self, lines: list[str]):
        lang = pick_lang(self.lang)
        self.problem = "；".join(t("design.video_refused", lang, name=str(line).partition("|")[0]) for line in lines)

    @rx.event
    async def upload_video(self, files: list[rx.UploadFile]):
        """Into the chosen section's video field; the shop's list then offers it too."""
        if not files:
            return
        kept = self._stored(design_videos.add_video, await files[0].read(design_videos.MAX_VIDEO_BYTES + 1))
        if kept is None:
            return
        self._save_sections(design_edit.with_field(self._sections(), self.selected, "video_url", kept["url"]))
        self.form_key += 1
        self.load_videos()

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

    def _stored(self, add, data: bytes):
        """What `add(session, actor, data)` answers for an upload; None once its refusal is shown."""
        try:
            with session_scope() as session:
                return add(session, self._actor(), data)
        except DomainError as exc:
            self.problem = self._problem_text(exc)
            return None
