"""The section library as the storefront draws it, phone first, light (no script of its own: carousels
scroll with CSS snap) and accessible (every picture named, every region labelled)."""

from __future__ import annotations

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import countdown_clock
from shopapp.ui.store.section_data import HomeSection
from shopapp.ui.store.state import StoreState

PAD = "px-4 pt-5"


class SearchBoxState(StoreState):
    """The search section's box: to the shop's search page without leaving the app."""

    @rx.event
    def search(self, form: dict):
        return rx.redirect(routes.store_search(self.shop["slug"], q=str(form.get("q", "")).strip()))


def section(s: HomeSection, product_grid, product_row) -> rx.Component:
    """One section by its type; `product_grid(products, columns)` and `product_row(products)` draw cards."""
    return rx.el.div(rx.match(
        s.type,
        ("banner", banner(s)),
        ("notice", rx.el.a(rx.el.span("📢 ", aria_hidden="true"), s.text, href=rx.cond(s.link != "", s.link, "#"),
                           class_name="shop-notice mx-4 mt-3 block truncate rounded-lg px-3 py-2 text-sm")),
        ("search", rx.el.form(
            rx.el.input(name="q", type="search", placeholder=rx.cond(s.subtitle != "", s.subtitle, tr("store.search_placeholder")),
                        aria_label=tr("store.search_placeholder"), class_name="w-full rounded-full bg-gray-100 px-4 py-2"),
            on_submit=SearchBoxState.search, class_name=PAD)),
        ("category_list", categories(s)),
        ("featured_products", _titled(s, "store.featured", product_grid(s.products, s.columns))),
        ("product_grid", _titled(s, "store.products", product_grid(s.products, s.columns), more=True)),
        ("product_carousel", _titled(s, "store.featured", product_row(s.products))),
        ("recommended", _titled(s, "store.rec.for_you", product_grid(s.products, s.columns))),
        ("rich_text", rx.el.section(
            rx.cond(s.title != "", rx.el.h2(s.title, class_name="mb-2 font-semibold")),
            rx.cond(s.html != "", rx.html(s.html, class_name="prose max-w-none"), rx.el.p(s.text, class_name="whitespace-pre-line")),
            class_name=PAD)),
        ("image_text", image_text(s)),
        ("image_grid", _titled(s, "", rx.el.ul(rx.foreach(s.blocks, _grid_picture), class_name=_columns(s.columns)))),
        ("hotzone", hotzone(s)),
        ("video", rx.el.section(
            rx.cond(s.title != "", rx.el.h2(s.title, class_name="mb-2 font-semibold")),
            rx.cond(s.video_url != "", rx.el.video(src=s.video_url, poster=s.poster_url, controls=True, preload="none",
                                                   class_name="aspect-video w-full rounded-xl bg-black")),
            class_name=PAD)),
        ("coupons", rx.cond(s.blocks.length() > 0, _titled(s, "store.section.coupons", rx.el.ul(rx.foreach(s.blocks, lambda c: rx.el.li(
            rx.el.a(c["title"], href=c["link"], class_name="shop-notice block rounded-lg px-3 py-2 text-sm"))), class_name="flex gap-2 px-4")),
            _nothing_running(s, "store.section.coupons"))),
        ("flash_sale", rx.cond(s.blocks.length() > 0, _titled(s, "store.section.flash_sale", rx.el.ul(
            rx.foreach(s.blocks, _flash_card), class_name="flex flex-col gap-2 px-4", data_testid="flash-sales")),
            _nothing_running(s, "store.section.flash_sale"))),
        ("group_buy", _nothing_running(s, "store.section.group_buy")),
        ("store_info", store_info(s)),
        ("divider", rx.el.hr(class_name=rx.cond(s.variant == "dashed", "mx-4 mt-5 border-dashed", "mx-4 mt-5"))),
        ("spacer", rx.el.div(style={"height": s.height}, aria_hidden="true")),
        rx.fragment(),
    ), data_section=s.type, data_testid="store-section")


def _flash_card(sale: dict) -> rx.Component:
    """A current or coming 秒杀: its price against the usual one, the sold bar of a running one ("已抢 80%"),
    and the countdown to its start or its end on the server's clock (countdown_clock)."""
    running = sale["status"] == "active"
    return rx.el.li(rx.el.a(
        rx.el.p(rx.el.span("⚡ ", aria_hidden="true"), sale["title"], class_name="truncate text-sm font-medium"),
        rx.el.p(rx.el.span(sale["price"], class_name="font-bold text-red-600"), rx.el.s(sale["regular"], class_name="ml-2 text-xs text-gray-500"),
                rx.el.span(rx.cond(sale["gone"] != "", tr("flash.gone"), rx.cond(running, tr("flash.ends_in"), tr("flash.starts_in"))), " ",
                           rx.cond(sale["gone"] != "", "", countdown_clock(sale["counts_to"], sale["now"], tr("store.days"), class_name="font-mono font-bold",
                                                                           data_testid="flash-card-countdown")),
                           class_name="ml-auto text-xs text-red-600"),
                class_name="mt-1 flex items-baseline"),
        rx.cond(running, rx.el.div(
            rx.el.div(rx.el.div(class_name="h-1.5 rounded-full bg-red-500", style={"width": sale["sold_percent"] + "%"}),
                      class_name="h-1.5 flex-1 rounded-full bg-red-100"),
            rx.el.span(tr("flash.sold"), " ", sale["sold_percent"], "%", class_name="ml-2 whitespace-nowrap text-xs text-red-600",
                       data_testid="flash-card-sold"),
            class_name="mt-1 flex items-center",
        ), rx.el.p(tr("flash.coming"), class_name="mt-1 text-xs text-gray-500")),
        href=sale["link"], class_name="block rounded-lg border border-red-100 bg-white px-3 py-2",
    ), data_testid="flash-card", data_status=sale["status"])


def banner(s: HomeSection) -> rx.Component:
    shop = StoreState.shop
    return rx.el.section(
        rx.foreach(s.blocks, lambda slide: rx.el.a(
            rx.cond(
                slide["image_url"] != "",
                rx.el.img(src=slide["image_url"], alt=rx.cond(slide["alt"] != "", slide["alt"], rx.cond(slide["title"] != "", slide["title"], shop["name"])),
                          width="960", height="400", loading=rx.cond(slide["first"] != "", "eager", "lazy"),
                          fetchpriority=rx.cond(slide["first"] != "", "high", "auto"),
                          class_name="aspect-[12/5] w-full object-cover"),
                rx.el.div(
                    rx.el.h1(rx.cond(slide["title"] != "", slide["title"], shop["name"]), class_name="text-2xl font-bold"),
                    rx.el.p(rx.cond(slide["subtitle"] != "", slide["subtitle"], shop["description"]), class_name="mt-1 text-sm"),
                    class_name="shop-notice px-5 py-8",
                ),
            ),
            href=rx.cond(slide["link"] != "", slide["link"], routes.store_home(shop["slug"])),
            class_name="block w-full shrink-0 snap-center overflow-hidden rounded-2xl",
        )),
        aria_label=tr("store.section.banner"), data_testid="banner",
        class_name="mx-4 mt-3 flex snap-x snap-mandatory gap-2 overflow-x-auto",
    )


def categories(s: HomeSection) -> rx.Component:
    chip = "whitespace-nowrap rounded-full bg-white px-3 py-1.5 text-sm text-gray-800 shadow-sm"
    icon = "flex flex-col items-center gap-1 text-xs text-gray-800"
    return rx.cond(s.categories.length() > 0, rx.el.nav(
        rx.foreach(s.categories, lambda c: rx.el.a(
            rx.cond(s.variant == "icons", rx.el.span(c["name"][:1], aria_hidden="true",
                                                     class_name="shop-notice flex h-11 w-11 items-center justify-center rounded-full")),
            c["name"], href=c["url"], class_name=rx.cond(s.variant == "icons", icon, chip),
        )),
        aria_label=tr("store.categories"),
        class_name=rx.cond(s.variant == "icons", "grid grid-cols-5 gap-2 px-4 pt-4", "flex gap-2 overflow-x-auto px-4 pt-4"),
    ))


def image_text(s: HomeSection) -> rx.Component:
    picture = rx.cond(s.image_url != "", rx.el.img(src=s.image_url, alt=s.title, loading="lazy", width="480", height="320",
                                                   class_name="w-full rounded-xl object-cover"))
    words = rx.el.div(rx.el.h2(s.title, class_name="mt-2 font-semibold"), rx.el.p(s.text, class_name="whitespace-pre-line"))
    body = rx.el.div(picture, words, class_name=rx.cond(s.variant == "left", "grid grid-cols-2 gap-3",
                                                         rx.cond(s.variant == "right", "grid grid-cols-2 gap-3 [direction:rtl]", "")))
    return rx.el.section(rx.cond(s.link != "", rx.el.a(body, href=s.link), body), class_name=PAD)


def hotzone(s: HomeSection) -> rx.Component:
    return rx.cond(s.image_url != "", rx.el.section(rx.el.div(
        rx.el.img(src=s.image_url, alt=s.alt, loading="lazy", class_name="w-full rounded-xl"),
        rx.foreach(s.blocks, lambda area: rx.el.a(
            rx.el.span(area["label"], class_name="sr-only"), href=area["link"],
            class_name="absolute", style={"left": area["left"], "top": area["top"], "width": area["width"], "height": area["height"]},
        )),
        class_name="relative",
    ), class_name=PAD))


def store_info(s: HomeSection) -> rx.Component:
    shop = StoreState.shop
    return rx.el.section(
        rx.el.h2(rx.cond(s.title != "", s.title, tr("store.section.store_info")), class_name="mb-2 font-semibold"),
        rx.cond(s.subtitle != "", rx.el.p(s.subtitle)),
        rx.cond(s.alt != "", rx.el.p(tr("store.section.hours"), ": ", s.alt)),
        rx.cond(shop["contact_phone"] != "", rx.el.p(tr("store.contact"), ": ", rx.el.a(shop["contact_phone"], href="tel:" + shop["contact_phone"]))),
        class_name=PAD + " text-sm", data_testid="store-info",
    )


def _titled(s: HomeSection, default_key: str, body: rx.Component, more: bool = False) -> rx.Component:
    heading = rx.cond(s.title != "", s.title, tr(default_key)) if default_key else s.title
    return rx.el.section(
        rx.cond((s.title != "") | (default_key != ""), rx.el.h2(heading, class_name="px-4 pb-2 pt-6 text-base font-semibold")),
        rx.cond((s.type != "image_grid") & (s.type != "coupons") & (s.type != "flash_sale") & (s.products.length() == 0), rx.el.p(tr("store.empty"), class_name="px-4 py-12 text-center text-gray-500"), body),
        rx.cond(more, rx.el.a(tr("store.all_products"), " →", href=routes.store_search(StoreState.shop["slug"]),
                              class_name="block px-4 py-4 text-center text-sm text-emerald-700")),
    )


def _grid_picture(block: dict) -> rx.Component:
    return rx.el.li(rx.el.a(
        rx.el.img(src=block["image_url"], alt=block["alt"], loading="lazy", class_name="aspect-square w-full rounded-xl object-cover"),
        href=rx.cond(block["link"] != "", block["link"], "#"),
    ))


def _nothing_running(s: HomeSection, title_key: str) -> rx.Component:
    return rx.el.section(
        rx.el.h2(rx.cond(s.title != "", s.title, tr(title_key)), class_name="font-semibold"),
        rx.el.p(tr("store.section.nothing_running"), class_name="mt-1 text-sm text-gray-600"),
        class_name="mx-4 mt-5 rounded-xl border border-dashed px-4 py-4",
    )


def _columns(columns) -> rx.Var:
    return rx.match(columns, ("1", "grid grid-cols-1 gap-2 px-4"), ("3", "grid grid-cols-3 gap-2 px-4"),
                    ("4", "grid grid-cols-2 gap-2 px-4 sm:grid-cols-4"), "grid grid-cols-2 gap-2 px-4")
