"""拼团 pages on a phone: a group (who has joined, how many are missing, time left, the share link, join in one
form) and the page that opens a new group of an activity. Both pay at the group price through the usual pay page."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, form_error, form_field
from shopapp.ui.components.navigation import leave_to
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import countdown_clock
from shopapp.ui.store.group_state import GroupState
from shopapp.ui.store.layout import store_page

CARD = "rounded-2xl bg-white p-4"


@store_page(routes.STORE_GROUP, title="拼团", on_load=GroupState.load)
def group_page() -> rx.Component:
    return _page()


@store_page(routes.STORE_GROUP_OPEN, title="发起拼团", on_load=GroupState.load)
def open_group_page() -> rx.Component:
    return _page()


def _page() -> rx.Component:
    state = GroupState
    return rx.cond(
        state.missing_page,
        rx.el.p(tr("group.missing"), class_name="px-6 py-16 text-center text-gray-600", data_testid="group-missing"),
        rx.el.div(
            leave_to(state),
            rx.el.h1(state.title, class_name="text-xl font-bold"),
            rx.cond(state.group.contains("id"), _group_card(), rx.el.p(tr("group.open_intro"), class_name="text-sm text-gray-600")),
            rx.cond(state.joinable, _order_form()),
            class_name="space-y-3 px-4 pb-10 pt-4",
        ),
    )


def _group_card() -> rx.Component:
    group = GroupState.group
    return rx.el.section(
        rx.match(
            group["status"],
            ("formed", rx.el.p(tr("group.formed"), class_name="text-lg font-bold text-emerald-700", data_testid="group-status")),
            ("failed", rx.el.p(tr("group.failed"), class_name="text-lg font-bold text-gray-600", data_testid="group-status")),
            rx.el.div(
                rx.el.p(tr("group.forming"), class_name="text-lg font-bold text-red-600", data_testid="group-status"),
                rx.el.p(tr("group.missing_prefix"), " ", rx.el.b(group["missing"], data_testid="group-missing-count"), " ", tr("group.people"),
                        " · ", tr("group.left"), " ", countdown_clock(group["expires_at"], group["now"], class_name="font-mono"),
                        class_name="text-sm text-gray-700"),
            ),
        ),
        rx.el.p(tr("group.paid"), " ", group["paid"], " / ", group["size"], class_name="mt-1 text-sm text-gray-600"),
        rx.el.ul(rx.foreach(GroupState.members, lambda m: rx.el.li(
            rx.el.span(m["name"], class_name="block text-sm font-medium"),
            rx.el.span(rx.cond(m["opener"] != "", tr("group.opener"), rx.cond(m["paid"] != "", tr("group.member_paid"), tr("group.member_waiting"))),
                       class_name="block text-xs text-gray-500"),
            class_name="rounded-xl bg-gray-50 px-3 py-2 text-center", data_testid="group-member",
        )), class_name="mt-3 grid grid-cols-3 gap-2"),
        rx.cond(group["status"] == "forming", rx.el.div(
            rx.el.label(tr("group.share"), html_for="share-link", class_name="mb-1 mt-3 block text-sm font-medium"),
            rx.el.input(id="share-link", value=group["share"], read_only=True, class_name=INPUT + " text-xs", data_testid="group-share"),
        )),
        rx.cond(group["product"] != "", rx.el.a(tr("group.see_product"), href=group["product"], class_name="mt-3 inline-block text-sm text-emerald-700 underline")),
        class_name=CARD, data_testid="group-card",
    )


def _order_form() -> rx.Component:
    state = GroupState
    errors = state.errors
    return rx.el.form(
        form_error(state.error),
        rx.cond(~state.shopper.contains("email"), rx.el.p(
            tr("group.login_first"), " ", rx.el.a(tr("nav.login"), href=routes.store_account(state.shop["slug"]), class_name="text-emerald-700 underline"),
            class_name="mb-3 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-800")),
        rx.el.div(
            rx.el.label(tr("group.variant"), html_for="variant_id", class_name="mb-1 block text-sm font-medium text-gray-800"),
            rx.el.select(rx.foreach(state.variants, lambda v: rx.el.option(v["label"], value=v["id"])), id="variant_id", name="variant_id",
                         class_name=INPUT + " px-2"),
            class_name="mb-4",
        ),
        form_field("address.name", "name", errors, autocomplete="name"),
        form_field("address.phone", "phone", errors, type="tel", autocomplete="tel", inputmode="numeric"),
        rx.el.div(form_field("address.province", "province", errors), form_field("address.city", "city", errors),
                  form_field("address.district", "district", errors), class_name="grid grid-cols-3 gap-2"),
        form_field("address.line1", "line1", errors, autocomplete="street-address"),
        form_field("address.postcode", "postcode", errors, inputmode="numeric", autocomplete="postal-code"),
        rx.el.button(rx.cond(state.busy, tr("form.saving"), rx.cond(state.group.contains("id"), tr("group.join_pay"), tr("group.open_pay"))),
                     type="submit", disabled=state.busy, class_name=PRIMARY_BUTTON + " w-full bg-red-600 hover:bg-red-700", data_testid="group-submit"),
        on_submit=state.submit, reset_on_submit=False, no_validate=True, class_name=CARD + " flex flex-col", data_testid="group-form",
    )
