"""营销中心 → 限时折扣 / 满减 / 第二件 / 打包一口价: the kind's promotions by status, end now, and its form."""

import reflex as rx

from shopapp.services.marketing import promotions
from shopapp.ui import routes
from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.marketing.promotion_form import promotion_form
from shopapp.ui.console.marketing.promotions_state import PromotionsState

STATUS_TABS = (("", "marketing.all"), *((status, f"marketing.status.{status}") for status in promotions.STATUSES))


@console_page(routes.CONSOLE_PROMOTIONS, "console.nav.marketing", on_load=PromotionsState.load)
def promotions_page() -> rx.Component:
    state = PromotionsState
    return rx.el.div(
        rx.el.a("← ", tr("console.nav.marketing"), href=routes.CONSOLE_MARKETING, class_name="text-sm text-emerald-700"),
        rx.el.h1(kind_title(state.promotion_kind), class_name="mt-1 text-2xl font-bold"),
        rx.cond(~state.allowed, rx.el.p(tr("error.role_not_allowed"), role="alert", class_name="mt-4 text-sm text-amber-700")),
        rx.cond(state.saved != "", rx.el.p(tr("marketing.saved"), " ", state.saved, role="status", data_testid="promotion-saved",
                                            class_name="mt-4 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800")),
        rx.el.nav(*[_tab(status, key) for status, key in STATUS_TABS], class_name="mt-4 flex gap-2", aria_label=tr("marketing.status_filter")),
        rx.el.ul(
            rx.foreach(state.rows, _row),
            rx.cond(state.rows.length() == 0, rx.el.li(tr("marketing.none_yet"), class_name="p-4 text-sm text-gray-500")),
            class_name="mt-3 divide-y rounded-2xl border bg-white", data_testid="promotion-list",
        ),
        rx.cond(state.allowed & (state.promotion_kind != ""), promotion_form()),
        class_name="max-w-3xl",
    )


def kind_title(kind) -> rx.Component:
    return rx.match(
        kind,
        *[(k, tr(f"marketing.{k}")) for k in promotions.KINDS],
        tr("console.nav.marketing"),
    )


def _tab(status: str, key: str) -> rx.Component:
    chosen = PromotionsState.status_filter == status
    return rx.el.button(
        tr(key), on_click=PromotionsState.show(status), type="button", aria_pressed=rx.cond(chosen, "true", "false"),
        class_name=rx.cond(chosen, "rounded-full bg-emerald-700 px-3 py-1 text-sm text-white",
                           "rounded-full border px-3 py-1 text-sm text-gray-700"),
    )


def status_badge(status) -> rx.Component:
    return rx.el.span(
        rx.match(status, *[(s, tr(f"marketing.status.{s}")) for s in promotions.STATUSES], status),
        class_name=rx.match(status, ("active", "ml-2 rounded bg-emerald-100 px-2 text-xs text-emerald-800"),
                            ("scheduled", "ml-2 rounded bg-sky-100 px-2 text-xs text-sky-800"),
                            "ml-2 rounded bg-gray-100 px-2 text-xs text-gray-600"),
    )


def _row(row: dict) -> rx.Component:
    state = PromotionsState
    asking = state.confirming == row["id"]
    return rx.el.li(
        rx.el.div(
            rx.el.p(row["name"], status_badge(row["status"]), class_name="font-medium"),
            rx.el.p(row["label"], " · ", row["starts_at"], " – ", row["ends_at"], class_name="text-sm text-gray-600"),
            class_name="min-w-0 flex-1",
        ),
        rx.el.a(tr("marketing.report"), href=routes.console_promotion_report(row["id"]), class_name=SECONDARY_BUTTON),
        rx.cond(row["status"] != "ended", rx.fragment(
            rx.el.button(tr("marketing.edit"), on_click=state.edit(row["id"]), type="button", class_name=SECONDARY_BUTTON),
            confirm_button(asking, state.ask(row["id"]), state.end_now(row["id"]), state.cancel, "marketing.end_now", "marketing.end_now_question"),
        )),
        class_name="flex flex-wrap items-center gap-2 p-3", data_testid="promotion-row",
    )
