"""One e-mail campaign (/console/campaigns/[campaign_id]): the editor while it is a draft, its numbers once it goes."""

from __future__ import annotations

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import DANGER_BUTTON, INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON, form_error, form_field
from shopapp.ui.components.rich_text import rich_text_editor
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.console.customers.campaign_state import FIGURES, CampaignState
from shopapp.ui.console.layout import console_page

CARD = "rounded-2xl border bg-white p-4"


@console_page(routes.CONSOLE_CAMPAIGN, "campaigns.title", on_load=CampaignState.load)
def campaign_page() -> rx.Component:
    state = CampaignState
    return rx.el.div(
        rx.el.a("← ", tr("campaigns.back"), href=routes.CONSOLE_CAMPAIGNS, class_name="text-sm text-emerald-700"),
        rx.el.h1(rx.cond(state.campaign["name"] != "", state.campaign["name"], tr("campaigns.new")), class_name="mt-2 text-2xl font-bold"),
        rx.el.p(tr_of(state.campaign["status_key"], "campaigns.status."), " ", state.campaign["send_at"],
                class_name="text-sm text-gray-600", data_testid="campaign-status"),
        rx.cond(state.notice != "", rx.el.p(state.notice, role="status", class_name="mt-2 text-sm text-emerald-700")),
        rx.cond(state.campaign["id"] != "", _figures()),
        rx.cond(state.campaign["editable"] != "", _editor(), _sent_copy()),
        class_name="max-w-3xl",
    )


def _figures() -> rx.Component:
    state = CampaignState
    return rx.el.dl(
        *[rx.el.div(rx.el.dt(tr(f"campaigns.{name}"), class_name="text-xs text-gray-500"),
                    rx.el.dd(state.figures[name], class_name="text-lg font-semibold"), class_name=CARD + " p-3")
          for name in FIGURES],
        class_name="mt-4 grid grid-cols-2 gap-2 sm:grid-cols-4", data_testid="campaign-figures",
    )


def _editor() -> rx.Component:
    state = CampaignState
    return rx.el.div(
        form_error(state.error),
        rx.el.form(
            form_field("campaigns.name", "name", state.errors, value=state.campaign["name"], max_length=60),
            form_field("campaigns.subject", "subject", state.errors, value=state.campaign["subject"], max_length=150),
            _segment_select(),
            rx.el.label(tr("campaigns.body"), class_name="mb-1 block text-sm font-medium text-gray-800"),
            rich_text_editor(value=state.body_html, on_change=state.set_body),
            rx.cond(state.errors.contains("body_html"), rx.el.p(state.errors["body_html"], role="alert", class_name="text-sm text-red-600")),
            form_field("campaigns.send_at", "send_at", state.errors, type="datetime-local"),
            rx.el.p(tr("campaigns.throttled"), class_name="mb-3 text-xs text-gray-500"),
            _actions(),
            on_submit=state.submit, key=state.form_key.to_string(), class_name="mt-4",
        ),
        _products(),
    )


def _segment_select() -> rx.Component:
    state = CampaignState
    return rx.el.div(
        rx.el.label(tr("campaigns.segment"), html_for="segment", class_name="mb-1 block text-sm font-medium text-gray-800"),
        rx.el.select(
            rx.el.option(tr("campaigns.segment_pick"), value=""),
            rx.foreach(state.segment_options, lambda o: rx.el.option(o["label"], value=o["value"])),
            id="segment", name="segment", value=state.segment, on_change=state.set_segment, class_name=INPUT,
        ),
        rx.cond(state.errors.contains("segment"), rx.el.p(state.errors["segment"], role="alert", class_name="mt-1 text-sm text-red-600")),
        class_name="mb-4",
    )


def _actions() -> rx.Component:
    """Save; send now or at the time above, each after asking. The question's "yes" submits the form, so what is
    typed is saved with it and nothing is lost."""
    state = CampaignState
    asking = state.confirming != ""
    return rx.cond(
        asking,
        rx.el.div(
            rx.el.p(state.question, class_name="text-sm text-red-700", data_testid="send-question"),
            rx.el.button(tr("confirm.yes"), type="submit", disabled=state.busy, class_name=DANGER_BUTTON, data_testid="confirm-send"),
            rx.el.button(tr("form.cancel"), type="button", on_click=state.cancel, class_name=SECONDARY_BUTTON),
            class_name="flex flex-wrap items-center gap-2",
        ),
        rx.el.div(
            rx.el.button(tr("campaigns.save"), type="submit", disabled=state.busy, class_name=PRIMARY_BUTTON),
            rx.cond(state.campaign["id"] != "", rx.el.button(tr("campaigns.test"), type="button", on_click=state.send_test,
                                                            disabled=state.busy, class_name=SECONDARY_BUTTON)),
            rx.el.button(tr("campaigns.send_now"), type="button", on_click=state.ask_to_send("send"), class_name=SECONDARY_BUTTON),
            rx.el.button(tr("campaigns.schedule"), type="button", on_click=state.ask_to_send("schedule"), class_name=SECONDARY_BUTTON),
            class_name="flex flex-wrap gap-2",
        ),
    )


def _products() -> rx.Component:
    state = CampaignState
    return rx.el.section(
        rx.el.h2(tr("campaigns.products"), class_name="font-semibold"),
        rx.el.ul(rx.foreach(state.chosen, lambda p: rx.el.li(
            rx.el.span(p["title"], " · ", p["price"]),
            rx.el.button(tr("campaigns.remove"), type="button", on_click=state.remove_product(p["id"]), class_name="text-sm text-red-700"),
            class_name="flex items-center justify-between gap-2")), class_name="mt-2 flex flex-col gap-1", data_testid="campaign-products"),
        rx.el.form(
            rx.el.input(name="q", placeholder=tr("campaigns.product_search"), class_name=INPUT),
            rx.el.button(tr("campaigns.search"), type="submit", class_name=SECONDARY_BUTTON),
            on_submit=state.search, class_name="mt-2 flex gap-2",
        ),
        rx.el.ul(rx.foreach(state.found, lambda p: rx.el.li(
            rx.el.span(p["title"], " · ", p["price"]),
            rx.el.button(tr("campaigns.add"), type="button", on_click=state.add_product(p["id"]), class_name="text-sm text-emerald-700"),
            class_name="flex items-center justify-between gap-2")), class_name="mt-2 flex flex-col gap-1"),
        class_name=CARD + " mt-6",
    )


def _sent_copy() -> rx.Component:
    """A campaign that went (or is going): what it said, and cancelling what is still to go."""
    state = CampaignState
    can_cancel = (state.campaign["status"] == "scheduled") | (state.campaign["status"] == "sending")
    return rx.el.div(
        rx.el.p(tr("campaigns.subject"), "：", state.campaign["subject"], class_name="mt-4 font-semibold"),
        rx.el.div(rx.html(state.body_html), class_name=CARD + " mt-2 prose max-w-none"),
        rx.cond(can_cancel, rx.cond(
            state.confirming == "cancel",
            rx.el.span(rx.el.span(tr("campaigns.confirm_cancel"), class_name="text-sm text-red-700"),
                       rx.el.button(tr("confirm.yes"), on_click=state.cancel_sending, type="button", class_name=DANGER_BUTTON),
                       rx.el.button(tr("form.cancel"), on_click=state.cancel, type="button", class_name=SECONDARY_BUTTON),
                       class_name="mt-4 flex flex-wrap items-center gap-2"),
            rx.el.button(tr("campaigns.cancel"), on_click=state.ask("cancel"), type="button", class_name=DANGER_BUTTON + " mt-4"),
        )),
    )
