"""One input per setting of the chosen section or the theme: each key typed shows in the preview at once
(`on_live`), and is saved once typing pauses (autosave). Rich text is edited in a small WYSIWYG editor
(react-simple-wysiwyg, the product description's), a video uploaded or picked from the shop's."""

from __future__ import annotations

import reflex as rx

from shopapp.services.catalog import media
from shopapp.services.shops import design_videos
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.rich_text import formatting_editor
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.components.uploads import refused_files
from shopapp.ui.console.design.media_state import RICH_PICTURE
from shopapp.ui.console.design.theme_state import ThemeState as S

UPLOAD_ID = "design_picture"
VIDEO_UPLOAD_ID = "design_video"
_VIDEOS = {"video/mp4": [".mp4"], "video/webm": [".webm"]}
BOX = "mt-1 w-full rounded-lg border px-2 py-1.5 text-sm"
_IMAGES = {"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"], "image/gif": [".gif"]}


def field_input(field: dict, on_save, on_live) -> rx.Component:
    """`on_save(name, value)` makes the event that saves it, `on_live(name, value)` the one that previews it."""
    name, key = field["name"], S.form_key.to_string() + field["name"]
    label = tr_of("design.field." + field["key"], "design.field.")
    # Shown at once, saved per pause (not per key).
    typed = lambda value: [on_live(name, value), on_save(name, value).debounce(250)]  # noqa: E731
    return rx.el.div(
        rx.el.span(rx.cond(field["group"] != "", "#" + field["group"] + " ", ""), label, class_name="text-xs text-gray-600"),
        rx.match(
            field["input"],
            ("textarea", rx.el.textarea(default_value=field["value"], key=key, aria_label=label, on_change=typed, rows=4, class_name=BOX)),
            ("color", rx.el.input(type="color", default_value=field["value"], key=key, aria_label=label, on_change=typed, class_name="mt-1 h-9 w-full")),
            ("number", rx.el.input(type="number", default_value=field["value"], key=key, aria_label=label, on_change=typed, class_name=BOX)),
            ("select", rx.el.select(
                rx.el.option("—", value=""),
                rx.foreach(field["options"].split("|"), lambda o: rx.el.option(tr_of("design.option." + o, "design.option."), value=o)),
                default_value=field["value"], key=key, on_change=lambda v: on_save(name, v), aria_label=label, class_name=BOX)),
            ("bool", rx.el.input(type="checkbox", default_checked=field["value"] == "True", key=key,
                                 on_change=lambda v: on_save(name, v.to_string()))),
            ("category", rx.el.select(
                rx.el.option("—", value=""),
                rx.foreach(S.categories, lambda c: rx.el.option(c["name"], value=c["id"])),
                default_value=field["value"], key=key, aria_label=label, on_change=lambda v: on_save(name, v), class_name=BOX)),
            ("image", _picture(field)),
            ("richtext", _rich_text(key, label, typed)),
            ("video", _video(field, on_save)),
            ("products", _products(field, typed)),
            rx.el.input(default_value=field["value"], key=key, on_change=typed, class_name=BOX, aria_label=label,
                        placeholder=rx.cond(field["input"] == "link", "/s/" + S.shop_slug + "/…", "")),
        ),
        class_name="block", data_field=name,
    )  # a <div>: a picture or a product field holds several controls, each named by `label`


def _picture(field: dict) -> rx.Component:
    return rx.el.div(
        rx.cond(field["value"] != "", rx.el.img(src=field["value"], alt="", class_name="mt-1 h-20 w-full rounded object-cover")),
        rx.cond(
            S.picture_target == field["name"],
            rx.upload.root(
                rx.el.div(tr("design.drop_picture"), class_name="mt-1 cursor-pointer rounded-lg border-2 border-dashed p-3 text-center text-xs"),
                id=UPLOAD_ID, accept=_IMAGES, max_size=media.MAX_UPLOAD_BYTES, multiple=False,
                on_drop=S.upload_picture(rx.upload_files(upload_id=UPLOAD_ID)),
                on_drop_rejected=lambda rejected: S.refuse_picture(refused_files(rejected)),
            ),
            rx.el.button(tr("design.upload_picture"), type="button", on_click=S.aim_picture(field["name"]),
                         class_name=SECONDARY_BUTTON + " mt-1 w-full text-xs", data_testid="upload-picture"),
        ),
    )


def _products(field: dict, typed) -> rx.Component:
    return rx.el.div(
        rx.el.input(default_value=field["value"], key=S.form_key.to_string() + field["name"], on_change=typed, class_name=BOX,
                    placeholder="12,34"),
        rx.el.input(type="search", placeholder=tr("design.find_products"), aria_label=tr("design.find_products"),
                    on_change=lambda q: S.find_products(q).debounce(300), class_name=BOX),
        rx.el.ul(rx.foreach(S.found_products, lambda p: rx.el.li(rx.el.button(
            "+ ", p["title"], type="button", on_click=S.pick_product(field["name"], p["id"]), class_name="text-left text-xs underline",
        ))), class_name="mt-1 space-y-1"),
    )


def _rich_text(key, label, typed) -> rx.Component:
    """Bold, italic, headings, lists, links in the editor's toolbar; a picture uploaded into the text below it."""
    return rx.el.div(
        rx.el.div(formatting_editor(start=S.rich_start, on_change=typed, placeholder=label), key=key, class_name="mt-1 text-sm",
                  data_testid="rich-text"),
        rx.cond(
            S.picture_target == RICH_PICTURE,
            rx.upload.root(
                rx.el.div(tr("design.drop_picture"), class_name="mt-1 cursor-pointer rounded-lg border-2 border-dashed p-3 text-center text-xs"),
                id=UPLOAD_ID, accept=_IMAGES, max_size=media.MAX_UPLOAD_BYTES, multiple=False,
                on_drop=S.upload_picture(rx.upload_files(upload_id=UPLOAD_ID)),
                on_drop_rejected=lambda rejected: S.refuse_picture(refused_files(rejected)),
            ),
            rx.el.button(tr("design.insert_picture"), type="button", on_click=S.aim_picture(RICH_PICTURE),
                         class_name=SECONDARY_BUTTON + " mt-1 w-full text-xs", data_testid="insert-picture"),
        ),
    )


def _video(field: dict, on_save) -> rx.Component:
    """The chosen video (it loads only when played), an upload, and the shop's videos to pick from."""
    return rx.el.div(
        rx.cond(field["value"] != "", rx.el.video(src=field["value"], controls=True, preload="none", muted=True,
                                                  class_name="mt-1 aspect-video w-full rounded bg-black", data_testid="chosen-video")),
        rx.upload.root(
            rx.el.div(tr("design.drop_video"),
                      class_name="mt-1 cursor-pointer rounded-lg border-2 border-dashed p-3 text-center text-xs"),
            id=VIDEO_UPLOAD_ID, accept=_VIDEOS, max_size=design_videos.MAX_VIDEO_BYTES, multiple=False,
            on_drop=S.upload_video(rx.upload_files(upload_id=VIDEO_UPLOAD_ID)),
            on_drop_rejected=lambda rejected: S.refuse_video(refused_files(rejected)),
        ),
        rx.cond(S.videos.length() > 0, rx.el.select(
            rx.el.option(tr("design.pick_video"), value=""),
            rx.foreach(S.videos, lambda v: rx.el.option(v["name"], value=v["url"])),
            value=field["value"], on_change=lambda v: on_save(field["name"], v), aria_label=tr("design.pick_video"), class_name=BOX,
            data_testid="pick-video",
        ), rx.el.p(tr("design.no_videos"), class_name="mt-1 text-xs text-gray-500")),
    )
