"""The product's pictures in the editor: drop to upload (with progress), alt text, order, remove."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.i18n import pick_lang
from shopapp.services.catalog import media, views
from shopapp.services.core.errors import DomainError
from shopapp.ui.components.forms import DANGER_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.text import tr
from shopapp.ui.components.uploads import refusal_messages, refused_files, upload_problems

UPLOAD_ID = "product_images"


class PicturesMixin(rx.State, mixin=True):
    images: list[dict[str, str]] = []
    upload_progress: int = 0
    uploading: bool = False
    picture_problems: list[str] = []  # shown under the drop zone, where the files were dropped

    @rx.event
    def refuse_pictures(self, lines: list[str]):
        """The browser kept these back (too big, not an image): say which and why, with the limit."""
        self.picture_problems = refusal_messages(lines, pick_lang(self.lang), media.MAX_UPLOAD_BYTES)

    @rx.event
    async def upload_images(self, files: list[rx.UploadFile]):
        if not files:
            return  # every file was refused by the browser: refuse_pictures says why, leave its words
        self.uploading, self.errors, self.picture_problems = True, {}, []
        problems = []
        for file in files:
            data = await file.read()
            try:
                with session_scope() as session:
                    media.add_product_image(session, self._actor(), int(self.product["id"]), data, alt=self.product.get("title", ""))
            except DomainError as exc:
                problems.append(f"{file.name}: {next(iter(self._field_messages(exc).values()), self._message(exc))}")
        self.uploading, self.upload_progress = False, 0
        self.picture_problems = problems
        self._reload_images()

    @rx.event
    def upload_progress_changed(self, progress: dict):
        self.upload_progress = round(progress.get("progress", 0) * 100)

    @rx.event
    def set_alt(self, image_id: str, alt: str):
        self._image_change(media.update_image, image_id, alt=alt)

    @rx.event
    def move_image(self, image_id: str, position: int):
        self._image_change(media.update_image, image_id, position=max(0, position))

    @rx.event
    def delete_image(self, image_id: str):
        self._image_change(media.delete_image, image_id)

    def _show_images(self, product: dict):
        self.images = [{"id": str(i["id"]), "url": i["url"], "thumb": i["thumb_url"], "alt": i["alt"]} for i in product["images"]]

    def _image_change(self, change, image_id: str, **values):
        try:
            with session_scope() as session:
                change(session, self._actor(), int(image_id), **values)
        except DomainError as exc:
            self.error = self._message(exc)
        self._reload_images()

    def _reload_images(self):
        with session_scope() as session:
            product = views.get_product(session, self._actor().shop_id, int(self.product["id"]))
            shown = views.product_dict(session, product, with_cost=True)
        self._show_images(shown)
        self.form_key += 1


def pictures(state) -> rx.Component:
    """The drop zone, the upload's progress and the pictures; `state` has PicturesMixin."""
    return rx.el.div(
        rx.upload.root(
            rx.el.div(
                rx.el.p(tr("products.drop_images"), class_name="font-medium"),
                rx.el.p(tr("products.image_rules"), class_name="mt-1 text-xs text-gray-500"),
                class_name="cursor-pointer rounded-2xl border-2 border-dashed border-gray-300 p-6 text-center hover:border-emerald-500",
            ),
            id=UPLOAD_ID,
            multiple=True,
            accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"], "image/gif": [".gif"]},
            max_size=media.MAX_UPLOAD_BYTES,
            on_drop=state.upload_images(
                rx.upload_files(upload_id=UPLOAD_ID, on_upload_progress=state.upload_progress_changed)
            ),
            on_drop_rejected=lambda rejected: state.refuse_pictures(refused_files(rejected)),
        ),
        upload_problems(state.picture_problems, "picture-problems"),
        rx.cond(state.uploading, rx.el.div(
            rx.el.div(class_name="h-2 rounded bg-emerald-600", style={"width": state.upload_progress.to_string() + "%"}),
            role="progressbar", aria_valuenow=state.upload_progress, class_name="mt-2 h-2 w-full rounded bg-gray-200",
        )),
        rx.el.ul(rx.foreach(state.images, lambda image, index: _image_card(state, image, index)),
                 class_name="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4", data_testid="image-list"),
    )


def _image_card(state, image: dict, index) -> rx.Component:
    return rx.el.li(
        rx.el.img(src=image["thumb"], alt=image["alt"], class_name="aspect-square w-full rounded-lg bg-gray-100 object-cover"),
        rx.cond(index == 0, rx.el.span(tr("products.main_image"), class_name="mt-1 inline-block rounded bg-emerald-100 px-1.5 text-xs text-emerald-800")),
        rx.el.input(default_value=image["alt"], aria_label=tr("products.alt"), placeholder=tr("products.alt"),
                    on_blur=lambda value: state.set_alt(image["id"], value), class_name="mt-1 w-full rounded border px-2 py-1 text-xs"),
        rx.el.div(
            rx.el.button("←", on_click=state.move_image(image["id"], index - 1), type="button", aria_label=tr("products.move_left"), class_name=SECONDARY_BUTTON + " px-2 py-0.5"),
            rx.el.button("→", on_click=state.move_image(image["id"], index + 1), type="button", aria_label=tr("products.move_right"), class_name=SECONDARY_BUTTON + " px-2 py-0.5"),
            rx.el.button(tr("products.remove"), on_click=state.delete_image(image["id"]), type="button", class_name=DANGER_BUTTON + " px-2 py-0.5 text-xs"),
            class_name="mt-1 flex gap-1",
        ),
        class_name="rounded-xl border p-2",
    )
