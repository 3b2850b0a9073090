"""The operator console's frame: a top bar with the sections, the operator's address and log-out; phone-first."""

from collections.abc import Callable

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.navigation import leave_to
from shopapp.ui.components.text import lang_switch, tr
from shopapp.ui.platform.ops.state import OpsState

NAV = [
    (routes.OPS, "ops.nav.shops"),
    (routes.OPS_FIGURES, "ops.nav.figures"),
    (routes.OPS_REPORTS, "ops.nav.reports"),
    (routes.OPS_PAYOUTS, "ops.nav.payouts"),
    (routes.OPS_INVOICES, "ops.nav.invoices"),
    (routes.OPS_PLANS, "ops.nav.plans"),
    (routes.OPS_AUDIT, "ops.nav.audit"),
]
CARD = "rounded-xl border border-gray-200 bg-white p-4"


def ops_page(route: str, on_load: Callable | list[Callable] | None = None):
    """Register an operator page: the operator check first, then the page's own loading."""

    def decorator(content: Callable[[], rx.Component]):
        extra = on_load if isinstance(on_load, list) else [on_load] if on_load else []

        def page() -> rx.Component:
            return ops_frame(route, content())

        page.__name__ = "ops_" + content.__name__
        return rx.page(route=route, title="开店宝 · 平台运营", on_load=[OpsState.check_operator, *extra])(page)

    return decorator


def ops_frame(route: str, content: rx.Component) -> rx.Component:
    links = [
        rx.el.a(tr(key), href=href, aria_current="page" if href == route else None,
                class_name="whitespace-nowrap rounded-lg px-3 py-1.5 text-sm "
                + ("bg-slate-800 text-white" if href == route else "text-slate-700 hover:bg-slate-100"))
        for href, key in NAV
    ]
    return rx.el.div(
        leave_to(OpsState),
        rx.el.header(
            rx.el.div(
                rx.el.span(tr("ops.title"), class_name="font-bold text-slate-900"),
                rx.el.div(
                    rx.el.span(OpsState.operator_email, class_name="hidden text-sm text-gray-500 sm:inline"),
                    lang_switch(),
                    rx.el.button(tr("nav.logout"), on_click=OpsState.logout, type="button",
                                 class_name="text-sm text-gray-700 hover:text-red-700"),
                    class_name="flex items-center gap-3",
                ),
                class_name="flex items-center justify-between gap-2",
            ),
            rx.el.nav(*links, class_name="mt-3 flex gap-1 overflow-x-auto"),
            class_name="border-b bg-white px-4 py-3",
        ),
        rx.el.main(
            rx.cond(OpsState.operator_email != "", content, rx.el.p(tr("console.loading"), class_name="text-gray-500")),
            class_name="mx-auto max-w-6xl p-4",
        ),
        class_name="min-h-screen bg-gray-50 text-gray-900",
    )
