"""Console home: the shop at a glance and what to do next."""


import reflex as rx

from shopapp.db import session_scope
from shopapp.services.analytics import dashboard, sales
from shopapp.services.core.clock import shop_today
from shopapp.services.core.money import format_money
from shopapp.services.core.permissions import can
from shopapp.services.shops import shops
from shopapp.ui import routes
from shopapp.ui.components.roles import role_label
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.onboarding import OnboardingState, checklist, greeting
from shopapp.ui.console.state import ConsoleState


class ConsoleHomeState(ConsoleState):
    numbers: dict[str, int] = {}
    period: str = "today"
    figures: dict[str, dict[str, str]] = {}
    queues: dict[str, int] = {}
    daily: list[dict[str, str | int]] = []
    can_see_sales: bool = False

    @rx.event
    def load(self):
        actor = self._signed_in()
        if actor is None:
            return
        with session_scope() as session:
            self.numbers = dashboard.overview(session, actor)
            currency = shops.get_shop(session, actor.shop_id).currency
            self.can_see_sales = can(actor, "view_reports")
            if self.can_see_sales:
                board = sales.dashboard(session, actor, shop_today())
        if not self.can_see_sales:
            return
        money = lambda amount: format_money(amount, currency)  # noqa: E731 - one currency per shop
        self.figures = {
            period: {"gmv": money(f["gmv"]), "paid_orders": str(f["paid_orders"]), "average_order_value": money(f["average_order_value"]),
                     "refunds": money(f["refunds"]), "net_sales": money(f["net_sales"])}
            for period, f in ((p, board[p]) for p in ("today", "last_7_days", "last_30_days"))
        }
        self.queues = {"ship": board["orders_waiting_to_ship"], "aftersales": board["aftersales_waiting"]}
        self.daily = [{"day": d["date"].strftime("%m-%d"), "gmv": d["gmv"] // 100, "orders": d["paid_orders"]} for d in board["daily"]]

    @rx.event
    def show_period(self, period: str):
        self.period = period


@console_page(routes.CONSOLE, "console.nav.home", on_load=[OnboardingState.load, ConsoleHomeState.load])
def console_home() -> rx.Component:
    return rx.el.div(
        rx.el.h1(greeting(), ", ", ConsoleState.shop_name, class_name="text-2xl font-bold", data_testid="console-welcome"),
        rx.el.div(
            rx.el.span(tr("console.home.storefront_link"), ": ", class_name="text-gray-600"),
            rx.el.a(
                routes.store_home(ConsoleState.shop_slug), href=routes.store_home(ConsoleState.shop_slug),
                class_name="font-mono text-emerald-700 hover:underline", data_testid="storefront-link",
            ),
            rx.el.span(" · ", tr("console.home.role"), ": ", role_label(ConsoleState.role), class_name="text-gray-600"),
            class_name="mt-2 break-all text-sm",
        ),
        checklist(),
        rx.el.div(
            _number("console.home.products", ConsoleHomeState.numbers["products_active"]),
            _number("console.home.variants", ConsoleHomeState.numbers["variants"]),
            _number("console.home.staff", ConsoleHomeState.numbers["staff"]),
            class_name="mt-6 grid grid-cols-3 gap-3",
        ),
        _review_flags(),
        rx.cond(ConsoleHomeState.can_see_sales, _sales()),
        rx.cond(OnboardingState.all_done, rx.el.section(
            rx.el.h2(tr("console.home.next"), class_name="text-lg font-semibold"),
            rx.el.ul(
                _next_step(routes.CONSOLE_SETTINGS, "console.home.next.profile"),
                _next_step(routes.CONSOLE_SETTINGS, "console.home.next.staff"),
                class_name="mt-3 space-y-2",
            ),
            class_name="mt-8 rounded-2xl border bg-white p-5",
        )),
    )


def _review_flags() -> rx.Component:
    """Low ratings in red, and reviews waiting for moderation, each a link to the inbox filtered so."""
    numbers = ConsoleHomeState.numbers
    return rx.el.div(
        rx.cond(numbers["low_reviews"] > 0, rx.el.a(
            "⚠ ", tr("reviews.low_flag"), ": ", numbers["low_reviews"], " (", tr("reviews.low_unanswered"), " ", numbers["low_reviews_unanswered"], ")",
            href=routes.CONSOLE_REVIEWS + "?rating=bad", class_name="rounded-lg bg-red-50 px-3 py-2 text-red-700 hover:underline",
            data_testid="low-reviews-flag",
        )),
        rx.cond(numbers["reviews_pending"] > 0, rx.el.a(
            tr("reviews.pending"), ": ", numbers["reviews_pending"], href=routes.CONSOLE_REVIEWS + "?status=pending",
            class_name="rounded-lg bg-amber-50 px-3 py-2 text-amber-800 hover:underline", data_testid="pending-reviews-flag",
        )),
        class_name="mt-4 flex flex-wrap gap-3 text-sm",
    )


def _number(label_key: str, value) -> rx.Component:
    return rx.el.div(
        rx.el.div(value, class_name="text-2xl font-bold"),
        rx.el.div(tr(label_key), class_name="text-sm text-gray-600"),
        class_name="rounded-2xl border bg-white p-4",
    )


def _next_step(href, key: str) -> rx.Component:
    return rx.el.li(rx.el.a("→ ", tr(key), href=href, class_name="text-emerald-700 hover:underline"))


PERIODS = (("today", "dashboard.today"), ("last_7_days", "dashboard.7_days"), ("last_30_days", "dashboard.30_days"))
FIGURES = ("gmv", "paid_orders", "average_order_value", "refunds", "net_sales")


def _sales() -> rx.Component:
    state = ConsoleHomeState
    shown = state.figures[state.period]
    return rx.el.section(
        rx.el.div(
            rx.el.h2(tr("dashboard.title"), class_name="text-lg font-semibold"),
            rx.el.div(*[rx.el.button(tr(key), on_click=state.show_period(period), type="button", role="tab",
                                     aria_selected=rx.cond(state.period == period, "true", "false"),
                                     class_name=rx.cond(state.period == period, "rounded-lg bg-emerald-700 px-3 py-1 text-sm text-white",
                                                        "rounded-lg px-3 py-1 text-sm text-gray-700"))
                        for period, key in PERIODS], role="tablist", class_name="flex gap-1"),
            class_name="flex flex-wrap items-center justify-between gap-2",
        ),
        rx.el.div(*[_number(f"dashboard.{key}", shown[key]) for key in FIGURES], class_name="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-5",
                  data_testid="sales-figures"),
        rx.el.div(
            rx.el.a(tr("dashboard.waiting_to_ship"), ": ", state.queues["ship"], href=routes.CONSOLE_ORDERS, class_name="text-emerald-700 hover:underline"),
            rx.el.span(tr("dashboard.aftersales_waiting"), ": ", state.queues["aftersales"]),
            class_name="mt-3 flex gap-6 text-sm",
        ),
        rx.el.div(
            rx.recharts.bar_chart(
                rx.recharts.bar(data_key="gmv", fill="#047857", name=tr("dashboard.gmv_yuan")),
                rx.recharts.x_axis(data_key="day"),
                rx.recharts.y_axis(),
                # Recharts' default cursor paints var(--gray-3), a Radix colour the console does not load: a black bar.
                rx.recharts.graphing_tooltip(cursor={"fill": "#ecfdf5", "stroke": "#a7f3d0"}),
                data=state.daily,
                width="100%",
                height=220,
            ),
            class_name="mt-4 h-56 w-full",
            data_testid="sales-chart",
        ),
        class_name="mt-8 rounded-2xl border bg-white p-5",
    )
