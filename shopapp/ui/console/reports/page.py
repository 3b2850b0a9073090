"""数据报表 (/console/reports): the shop's visits, funnel, sources, products, regions and hours for a range.

A tab bar heads the page so the reports' other pages (财务) sit beside this one: add an entry to TABS."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.reports.state import ReportsState

# (route, words): the reports' pages, each a tab.
TABS = [(routes.CONSOLE_REPORTS, "reports.tab.overview")]
RANGES = (("today", "reports.range.today"), ("yesterday", "reports.range.yesterday"), ("7d", "reports.range.7d"),
          ("30d", "reports.range.30d"), ("custom", "reports.range.custom"))
PRODUCT_COLUMNS = (("views", "reports.product.views"), ("viewers", "reports.product.viewers"),
                   ("add_to_cart_rate", "reports.product.add_to_cart_rate"), ("units", "reports.product.units"),
                   ("gmv", "reports.product.gmv"), ("conversion_rate", "reports.product.conversion_rate"))
CARD = "rounded-2xl border bg-white p-4"
GREEN = "#047857"


@console_page(routes.CONSOLE_REPORTS, "console.nav.reports", on_load=ReportsState.load)
def reports_page() -> rx.Component:
    state = ReportsState
    return rx.el.div(
        report_tabs(routes.CONSOLE_REPORTS),
        rx.el.h1(tr("console.nav.reports"), class_name="mt-4 text-2xl font-bold"),
        _range_bar(),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mt-3 text-sm text-red-700", data_testid="reports-problem")),
        rx.cond(state.approximate, rx.el.p(tr("sketches.note"), class_name="mt-2 text-sm text-gray-500", data_testid="reports-approximate")),
        rx.el.div(rx.foreach(state.cards, _card), class_name="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-5", data_testid="report-cards"),
        _section("reports.funnel", rx.el.ol(rx.foreach(state.funnel_steps, _funnel_step), class_name="space-y-2", data_testid="report-funnel")),
        _section("reports.sources", _sources()),
        _section("reports.products", _products()),
        _section("reports.regions", _regions()),
        _section("reports.hours", _hours()),
    )


def report_tabs(current: str) -> rx.Component:
    """The reports' tab bar, the `current` route's tab marked: every reports page (财务 too) heads with it."""
    return rx.el.nav(*[rx.el.a(tr(key), href=href, aria_current="page" if href == current else None,
                               class_name="rounded-lg px-3 py-1.5 text-sm font-medium " + (
                                   "bg-emerald-50 text-emerald-800" if href == current else "text-gray-600"))
                       for href, key in TABS], class_name="flex gap-1 overflow-x-auto border-b pb-2", data_testid="reports-tabs")


def _range_bar() -> rx.Component:
    state = ReportsState
    return rx.el.div(
        rx.el.div(*[rx.el.button(tr(key), on_click=state.choose_range(value), type="button", role="tab", data_testid=f"range-{value}",
                                 aria_selected=rx.cond(state.range_key == value, "true", "false"),
                                 class_name=rx.cond(state.range_key == value, "rounded-lg bg-emerald-700 px-3 py-1 text-sm text-white",
                                                    "rounded-lg px-3 py-1 text-sm text-gray-700"))
                    for value, key in RANGES], role="tablist", class_name="flex flex-wrap gap-1"),
        rx.cond(state.range_key == "custom", rx.el.form(
            rx.el.input(type="date", name="from", default_value=state.from_text, aria_label=tr("reports.from"), class_name=INPUT + " w-40"),
            rx.el.input(type="date", name="to", default_value=state.to_text, aria_label=tr("reports.to"), class_name=INPUT + " w-40"),
            rx.el.button(tr("reports.apply"), type="submit", class_name=PRIMARY_BUTTON),
            on_submit=state.apply_custom, class_name="flex flex-wrap items-center gap-2",
        )),
        rx.el.span(state.shown_range, class_name="text-sm text-gray-500", data_testid="report-range"),
        class_name="mt-3 flex flex-wrap items-center gap-3",
    )


def _section(title_key: str, body: rx.Component) -> rx.Component:
    return rx.el.section(rx.el.h2(tr(title_key), class_name="mb-3 text-lg font-semibold"), body, class_name="mt-6 " + CARD)


def _card(card: dict) -> rx.Component:
    arrow = rx.match(card["trend"], ("up", rx.el.span("▲", class_name="text-emerald-700")),
                     ("down", rx.el.span("▼", class_name="text-red-600")), rx.fragment())
    return rx.el.div(
        rx.el.div(tr_of(card["key"], "reports.figure."), class_name="text-sm text-gray-600"),
        rx.el.div(card["value"], class_name="text-2xl font-bold"),
        rx.el.div(arrow, " ", tr("reports.previous"), " ", card["previous"], class_name="text-xs text-gray-500"),
        class_name=CARD, data_testid="report-card",
    )


def _funnel_step(step: dict) -> rx.Component:
    return rx.el.li(
        rx.el.div(rx.el.span(tr_of(step["key"], "reports.funnel.")),
                  rx.el.span(step["count"], " · ", step["share"], rx.el.span(" ", step["drop"], class_name="text-red-600"),
                             class_name="font-medium"),
                  class_name="flex justify-between gap-2 text-sm"),
        rx.el.div(rx.el.div(class_name="h-3 rounded bg-emerald-600", style={"width": step["width"]}), class_name="h-3 w-full rounded bg-gray-100"),
    )


def _table(heads: list[rx.Component], body: rx.Component, test_id: str) -> rx.Component:
    return rx.el.div(rx.el.table(rx.el.thead(rx.el.tr(*heads, class_name="text-left text-gray-500")), rx.el.tbody(body),
                                 class_name="w-full text-sm", data_testid=test_id),
                     class_name="overflow-x-auto")


def _th(key: str) -> rx.Component:
    return rx.el.th(tr(key), class_name="whitespace-nowrap px-2 py-1 font-normal")


def _td(value, extra: str = "") -> rx.Component:
    return rx.el.td(value, class_name="whitespace-nowrap px-2 py-1 " + extra)


def _sources() -> rx.Component:
    heads = [_th(key) for key in ("reports.source", "reports.medium", "reports.campaign", "reports.figure.visitors",
                                  "reports.figure.buyers", "reports.figure.gmv")]
    row = lambda r: rx.el.tr(_td(r["source"], "font-medium"), _td(r["medium"]), _td(r["campaign"]), _td(r["visitors"]),  # noqa: E731
                             _td(r["buyers"]), _td(r["gmv"]), class_name="border-t", data_testid="source-row")
    return rx.cond(ReportsState.sources.length() == 0, _empty(), _table(heads, rx.foreach(ReportsState.sources, row), "report-sources"))


def _products() -> rx.Component:
    state = ReportsState
    heads = [_th("reports.product")] + [rx.el.th(rx.el.button(
        tr(key), rx.cond(state.product_sort == value, " ↓", ""), on_click=state.sort_products(value), type="button",
        class_name=rx.cond(state.product_sort == value, "font-semibold text-emerald-700", "text-gray-500")),
        class_name="whitespace-nowrap px-2 py-1 font-normal") for value, key in PRODUCT_COLUMNS]
    row = lambda r: rx.el.tr(_td(r["title"], "max-w-[12rem] truncate font-medium"), *[_td(r[v]) for v, _ in PRODUCT_COLUMNS],  # noqa: E731
                             class_name="border-t", data_testid="product-row")
    return rx.cond(state.products.length() == 0, _empty(), _table(heads, rx.foreach(state.products, row), "report-products"))


def _regions() -> rx.Component:
    """A bar per province, most sales first (no map of China: no kept package ships its outline offline),
    with the table of buyers, orders and sales under it."""
    state = ReportsState
    heads = [_th(key) for key in ("reports.province", "reports.figure.buyers", "reports.figure.paid_orders", "reports.figure.gmv")]
    row = lambda r: rx.el.tr(_td(r["province"], "font-medium"), _td(r["buyers"]), _td(r["orders"]), _td(r["gmv_text"]),  # noqa: E731
                             class_name="border-t", data_testid="region-row")
    chart = rx.el.div(rx.recharts.bar_chart(
        rx.recharts.bar(data_key="gmv", fill=GREEN, name=tr("reports.gmv_yuan")),
        rx.recharts.x_axis(type_="number"), rx.recharts.y_axis(data_key="province", type_="category", width=70),
        rx.recharts.graphing_tooltip(cursor={"fill": "#ecfdf5"}),
        data=state.regions, layout="vertical", width="100%", height=260,
    ), class_name="h-64 w-full")
    return rx.cond(state.regions.length() == 0, _empty(), rx.fragment(chart, _table(heads, rx.foreach(state.regions, row), "report-regions")))


def _hours() -> rx.Component:
    state = ReportsState
    return rx.el.div(_bars(state.hours, "hour", "reports.by_hour"), _bars(state.weekdays, "weekday", "reports.by_weekday"),
                     class_name="grid gap-4 md:grid-cols-2")


def _bars(data, x_key: str, title_key: str) -> rx.Component:
    return rx.el.div(
        rx.el.h3(tr(title_key), class_name="text-sm text-gray-600"),
        rx.el.div(rx.recharts.bar_chart(
            rx.recharts.bar(data_key="page_views", fill="#6ee7b7", name=tr("reports.figure.page_views")),
            rx.recharts.bar(data_key="orders", fill=GREEN, name=tr("reports.figure.paid_orders")),
            rx.recharts.x_axis(data_key=x_key), rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.graphing_tooltip(cursor={"fill": "#ecfdf5"}), rx.recharts.legend(),
            data=data, width="100%", height=200,
        ), class_name="h-52 w-full"),
    )


def _empty() -> rx.Component:
    return rx.el.p(tr("reports.empty"), class_name="text-sm text-gray-500")
