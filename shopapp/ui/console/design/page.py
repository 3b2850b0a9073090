"""/console/design (店铺装修): the page's sections on the left (drag by mouse or finger, or ↑ ↓ with the keyboard), the
live preview of the real storefront in the middle (phone 390 px or desktop), the chosen section's or
the theme's settings on the right. Every change is saved as the draft at once; 发布 shows it to shoppers."""

from __future__ import annotations

import reflex as rx

from shopapp.services.shops import design_rules
from shopapp.ui import routes
from shopapp.ui.components.forms import DANGER_BUTTON, PRIMARY_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.console.design.drag import sortable_list
from shopapp.ui.console.design.fields import BOX, field_input
from shopapp.ui.console.design.preview import preview, preview_address
from shopapp.ui.console.design.theme_state import ThemeState as S
from shopapp.ui.console.layout import console_page

SMALL = SECONDARY_BUTTON + " px-2 py-1 text-xs"


@console_page(routes.CONSOLE_DESIGN, "console.nav.design", on_load=[S.load, S.load_versions, S.load_videos])
def design_page() -> rx.Component:
    return rx.el.div(
        _top_bar(),
        rx.cond(S.problem != "", rx.el.p(S.problem, role="alert", class_name="mt-2 rounded bg-red-50 px-3 py-2 text-sm text-red-700",
                                         data_testid="design-problem")),
        rx.cond(S.warnings.length() > 0, rx.el.p(tr("design.contrast_warning"), class_name="mt-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-800")),
        rx.el.div(
            rx.el.div(_section_list(), class_name="lg:w-72 lg:shrink-0"),
            rx.el.div(preview(), class_name="min-w-0 flex-1"),
            rx.el.div(_panel(), class_name="lg:w-80 lg:shrink-0"),
            class_name="mt-4 flex flex-col gap-4 lg:flex-row",
        ),
    )


def _top_bar() -> rx.Component:
    return rx.el.div(
        rx.el.h1(tr("console.nav.design"), class_name="text-xl font-bold"),
        rx.el.nav(rx.foreach(S.handles, lambda h: rx.el.button(
            rx.cond(h == "home", tr("design.home_page"), h), type="button", on_click=S.show_page(h),
            class_name=rx.cond(h == S.handle, SMALL + " border-emerald-600 font-semibold", SMALL),
        )), class_name="flex flex-wrap gap-1", aria_label=tr("design.pages")),
        rx.el.span(rx.cond(S.saved_rev > 0, tr("design.saved"), ""), class_name="text-xs text-gray-500", data_testid="design-saved",
                   data_saves=S.saved_rev),
        rx.el.div(
            rx.el.button(tr("design.phone"), type="button", on_click=S.set_phone(True), aria_pressed=S.phone, class_name=SMALL),
            rx.el.button(tr("design.desktop"), type="button", on_click=S.set_phone(False), aria_pressed=~S.phone, class_name=SMALL),
            rx.el.a(tr("design.preview_link"), href=preview_address(), target="_blank", rel="noopener", class_name=SMALL, data_testid="preview-link"),
            rx.el.button(tr("design.publish"), type="button", on_click=S.publish, class_name=PRIMARY_BUTTON, data_testid="publish"),
            class_name="ml-auto flex flex-wrap items-center gap-2",
        ),
        rx.cond(S.published_note != "", rx.el.p(tr("design.published"), " v", S.published_note, class_name="w-full text-sm text-emerald-700",
                                                data_testid="published-note")),
        class_name="flex flex-wrap items-center gap-3",
    )


def _section_list() -> rx.Component:
    return rx.el.div(
        sortable_list(rx.foreach(S.rows, _row), handle="[data-drag-handle]", on_reorder=S.reorder,
                      class_name="space-y-2", data_testid="section-list", aria_label=tr("design.sections")),
        rx.el.button("+ ", tr("design.add_section"), type="button", on_click=S.toggle_library, aria_expanded=S.library_open,
                     class_name=SECONDARY_BUTTON + " mt-3 w-full", data_testid="add-section"),
        rx.cond(S.library_open, rx.el.div(
            *[rx.el.button(tr(f"design.type.{kind}"), type="button", on_click=S.add(kind), class_name=SMALL, data_testid=f"library-{kind}")
              for kind in design_rules.SECTION_TYPES],
            class_name="mt-2 grid grid-cols-2 gap-2 rounded-xl border bg-white p-2", data_testid="section-library",
        )),
    )


def _row(row: dict, index) -> rx.Component:
    section_id = row["id"]
    return rx.el.li(
        rx.el.div(
            # The drag handle: a finger-sized target; touch-action none so a drag on it never scrolls the page.
            rx.el.span("⠿", title=tr("design.drag_handle"), data_drag_handle="", data_testid="drag-handle",
                       class_name="flex h-9 w-9 shrink-0 cursor-grab touch-none select-none items-center justify-center rounded text-lg text-gray-500"),
            rx.el.button(tr_of("design.type." + row["type"], "design.type."), rx.el.span(" ", row["label"], class_name="text-xs text-gray-500"),
                         type="button", on_click=S.choose(section_id), class_name="min-w-0 flex-1 truncate text-left text-sm",
                         data_testid="choose-section"),
            rx.cond(row["hidden"] != "", rx.el.span(tr("design.hidden"), class_name="rounded bg-gray-200 px-1 text-xs")),
            class_name="flex items-center gap-2",
        ),
        rx.el.div(
            rx.el.button("↑", type="button", on_click=S.move(section_id, -1), aria_label=tr("design.move_up"), class_name=SMALL, data_testid="move-up"),
            rx.el.button("↓", type="button", on_click=S.move(section_id, 1), aria_label=tr("design.move_down"), class_name=SMALL, data_testid="move-down"),
            rx.el.button(tr("design.duplicate"), type="button", on_click=S.duplicate(section_id), class_name=SMALL),
            rx.el.button(rx.cond(row["hidden"] != "", tr("design.show"), tr("design.hide")), type="button",
                         on_click=S.toggle_hidden(section_id), class_name=SMALL),
            rx.cond(S.confirming == section_id,
                    rx.el.span(rx.el.button(tr("confirm.yes"), type="button", on_click=S.delete(section_id), class_name=DANGER_BUTTON + " px-2 py-1 text-xs"),
                               rx.el.button(tr("form.cancel"), type="button", on_click=S.ask_delete(""), class_name=SMALL), class_name="flex gap-1"),
                    rx.el.button(tr("design.delete"), type="button", on_click=S.ask_delete(section_id), class_name=SMALL)),
            class_name="mt-1 flex flex-wrap gap-1",
        ),
        data_testid="section-row", data_type=row["type"], data_index=index, data_selected=row["selected"],
        class_name=rx.cond(row["selected"] != "", "rounded-xl border-2 border-emerald-600 bg-white p-2", "rounded-xl border bg-white p-2"),
    )


def _panel() -> rx.Component:
    tabs = [("section", "design.panel.section"), ("theme", "design.panel.theme"), ("menu", "design.panel.menu"), ("versions", "design.panel.versions")]
    return rx.el.div(
        rx.el.div(*[rx.el.button(tr(key), type="button", on_click=S.show_panel(name), aria_pressed=S.panel == name,
                                 class_name=rx.cond(S.panel == name, SMALL + " font-semibold border-emerald-600", SMALL), data_testid=f"panel-{name}")
                    for name, key in tabs], class_name="flex flex-wrap gap-1"),
        rx.match(S.panel, ("theme", _theme()), ("menu", _menus()), ("versions", _versions()), _settings()),
        class_name="rounded-xl border bg-white p-3",
    )


def _settings() -> rx.Component:
    return rx.cond(S.selected == "", rx.el.p(tr("design.choose_section"), class_name="mt-3 text-sm text-gray-500"), rx.el.div(
        rx.foreach(S.fields, lambda f: field_input(f, S.set_field, S.live_field)),
        rx.cond(S.rows.length() > 0, rx.el.div(
            rx.el.button("+ ", tr("design.add_block"), type="button", on_click=S.add_block, class_name=SMALL),
            rx.el.button(tr("design.remove_block"), type="button", on_click=S.remove_block(-1), class_name=SMALL),
            class_name="flex gap-2",
        )),
        class_name="mt-3 space-y-3", data_testid="section-settings",
    ))


def _theme() -> rx.Component:
    return rx.el.div(
        rx.el.div(*[rx.el.button(name, type="button", on_click=S.use_preset(name), class_name=SMALL, data_testid=f"preset-{name}")
                    for name in design_rules.PRESETS], class_name="flex gap-2"),
        rx.foreach(S.theme_fields, lambda f: field_input(f, S.set_theme, S.live_theme)),
        class_name="mt-3 space-y-3", data_testid="theme-settings",
    )


def _menus() -> rx.Component:
    return rx.el.div(
        *[_link_list(name) for name in ("menu", "tab_bar", "footer_links")],
        rx.el.form(
            rx.el.h3(tr("design.new_page"), class_name="text-sm font-semibold"),
            rx.el.input(name="title", placeholder=tr("design.page_title"), aria_label=tr("design.page_title"), class_name=BOX),
            rx.el.input(name="handle", placeholder="spring-sale", aria_label=tr("design.page_handle"), class_name=BOX),
            rx.el.button(tr("design.add_page"), type="submit", class_name=SMALL + " mt-1"),
            on_submit=S.add_page, reset_on_submit=True, data_testid="new-page",
        ),
        class_name="mt-3 space-y-4",
    )


def _link_list(menu: str) -> rx.Component:
    return rx.el.div(
        rx.el.h3(tr(f"design.menu.{menu}"), class_name="text-sm font-semibold"),
        rx.foreach(S.links[menu], lambda item: rx.el.div(
            rx.el.input(default_value=item["label"], key=S.form_key.to_string() + menu + item["index"], aria_label=tr("design.link_label"),
                        on_change=lambda v: S.set_link(menu, item["index"].to(int), "label", v).debounce(400), class_name=BOX),
            rx.el.input(default_value=item["link"], key=S.form_key.to_string() + menu + item["index"] + "l", aria_label=tr("design.link"),
                        on_change=lambda v: S.set_link(menu, item["index"].to(int), "link", v).debounce(400), class_name=BOX),
            rx.el.button("×", type="button", on_click=S.remove_link(menu, item["index"].to(int)), aria_label=tr("design.delete"), class_name=SMALL),
            class_name="flex gap-1",
        )),
        rx.el.button("+ ", tr("design.add_link"), type="button", on_click=S.add_link(menu), class_name=SMALL),
        data_testid=f"links-{menu}",
    )


def _versions() -> rx.Component:
    return rx.el.ul(rx.foreach(S.versions, lambda v: rx.el.li(
        rx.el.span("v", v["version"], " · ", v["at"], " · ", v["by"], class_name="text-sm"),
        rx.cond(S.restoring == v["version"],
                rx.el.button(tr("design.restore_confirm"), type="button", on_click=S.restore(v["version"]), class_name=DANGER_BUTTON + " px-2 py-1 text-xs"),
                rx.el.button(tr("design.restore"), type="button", on_click=S.ask_restore(v["version"]), class_name=SMALL, data_testid="restore")),
        class_name="flex flex-wrap items-center justify-between gap-2 border-b py-2",
    )), class_name="mt-3", data_testid="versions")
