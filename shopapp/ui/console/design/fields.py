"""One input per setting of the chosen section or the theme, saved as the owner types (autosave)."""

from __future__ import annotations

import reflex as rx

from shopapp.services.catalog import media
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.components.uploads import refused_files
from shopapp.ui.console.design.theme_state import ThemeState as S

UPLOAD_ID = "design_picture"
BOX = "mt-1 w-full rounded-lg border px-2 py-1.5 text-sm"
_IMAGES = {"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"], "image/gif": [".gif"]}


def field_input(field: dict, on_save) -> rx.Component:
    """`on_save(name, value)` makes the event that saves it."""
    name, key = field["name"], S.form_key.to_string() + field["name"]
    label = tr_of("design.field." + field["key"], "design.field.")
    typed = lambda value: on_save(name, value).debounce(250)  # noqa: E731 - a save per pause, not per key
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
