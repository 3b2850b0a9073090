"""Segments (/console/segments): the RFM groups with their thresholds, and the saved segments; each opens the list."""

from __future__ import annotations

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import DANGER_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.console.customers.segments_state import SegmentsState
from shopapp.ui.console.layout import console_page

CARD = "rounded-2xl border bg-white p-4"


@console_page(routes.CONSOLE_SEGMENTS, "customers.segments", on_load=SegmentsState.load)
def segments_page() -> rx.Component:
    state = SegmentsState
    t = state.thresholds
    return rx.el.div(
        rx.el.a("← ", tr("console.nav.customers"), href=routes.CONSOLE_CUSTOMERS, class_name="text-sm text-emerald-700"),
        rx.el.h1(tr("customers.segments"), class_name="mt-2 text-2xl font-bold"),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mt-2 text-sm text-red-600")),
        rx.el.h2(tr("customers.saved_segments"), class_name="mt-4 font-semibold"),
        rx.cond(state.saved.length() == 0, rx.el.p(tr("customers.no_segments"), class_name="text-sm text-gray-500")),
        rx.el.ul(rx.foreach(state.saved, _saved), class_name="mt-2 flex flex-col gap-2", data_testid="saved-segments"),
        rx.el.h2(tr("customers.rfm_groups"), class_name="mt-6 font-semibold"),
        rx.el.p(tr("customers.rfm_rule"), " R ≤ ", t["recent_days"], tr("customers.days"), " · F ≥ ", t["frequent_orders"],
                " · M ≥ ¥", t["big_spend"], " · ", tr("rfm.new"), " ≤ ", t["new_days"], tr("customers.days"), " · ",
                tr("rfm.sleeping"), " > ", t["sleeping_days"], tr("customers.days"),
                class_name="text-sm text-gray-600", data_testid="rfm-thresholds"),
        rx.el.div(rx.foreach(state.built_in, _group), class_name="mt-2 grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3"),
    )


def _group(group: dict) -> rx.Component:
    return rx.el.div(
        rx.el.a(tr_of(group["key"], "rfm."), href=group["url"], class_name="font-semibold text-emerald-700 hover:underline"),
        rx.el.div(group["count"], " · ", group["spent"], class_name="text-sm text-gray-600"),
        rx.el.a(tr("campaigns.from_segment"), href=group["mail"], class_name="text-sm text-emerald-700 hover:underline"),
        class_name=CARD + " block",
    )


def _saved(segment: dict) -> rx.Component:
    state = SegmentsState
    return rx.el.li(
        rx.el.div(
            rx.el.a(segment["name"], href=segment["url"], class_name="font-semibold text-emerald-700 hover:underline"),
            rx.el.div(segment["count"], " · ", segment["spent"], class_name="text-sm text-gray-600", data_testid="segment-figures"),
            rx.el.div(segment["filters"], class_name="break-all text-xs text-gray-500"),
            rx.el.a(tr("campaigns.from_segment"), href=segment["mail"], class_name="text-sm text-emerald-700 hover:underline"),
        ),
        rx.cond(
            state.deleting == segment["id"],
            rx.el.span(
                rx.el.button(tr("confirm.yes"), on_click=state.delete, type="button", class_name=DANGER_BUTTON),
                rx.el.button(tr("form.cancel"), on_click=state.cancel_delete, type="button", class_name=SECONDARY_BUTTON),
                class_name="flex gap-2",
            ),
            rx.el.button(tr("customers.delete_segment"), on_click=state.ask_delete(segment["id"]), type="button", class_name=SECONDARY_BUTTON),
        ),
        class_name=CARD + " flex flex-wrap items-center justify-between gap-2",
    )
