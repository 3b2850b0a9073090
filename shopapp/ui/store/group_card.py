"""The order page's 拼团 card: the group this order was bought in, who has joined (masked), how many are
missing and till when, and the way to the group's page to share it."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.checkout import group_orders
from shopapp.services.core.errors import DomainError
from shopapp.ui import routes
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import countdown_clock, server_clock
from shopapp.ui.store.state import StoreState


class OrderGroupState(StoreState):
    order_group: dict[str, str] = {}  # empty when the order is not a group buy's
    order_members: list[str] = []

    def _load_group(self):
        """Filled by the order page's one on_load (OrderPageState.open_page), after the order."""
        self.order_group, self.order_members = {}, []
        if self.not_found or not self.shop.get("id"):  # the order page's own load read the shop first
            return
        token = self.router.url.query_parameters.get("token", "") or self._shopper_token()
        try:
            with session_scope() as session:
                found = group_orders.group_of_order(session, int(self.shop["id"]), self.order_no, token)
        except DomainError:
            return
        if found:
            self.order_group = {"status": found["status"], "missing": str(found["places_left"]), "ends": found["expires_at"] or "", "now": server_clock(),
                                "href": routes.store_group(self.shop["slug"], str(found["group_id"]))}
            self.order_members = [m["name_masked"] for m in found["members"]]


def group_card() -> rx.Component:
    group = OrderGroupState.order_group
    return rx.cond(group.contains("status"), rx.el.section(
        rx.el.h2(tr("group.badge"), class_name="mb-1 font-semibold"),
        rx.match(
            group["status"],
            ("formed", rx.el.p(tr("group.formed"), class_name="text-sm font-semibold text-emerald-700", data_testid="order-group-status")),
            ("failed", rx.el.p(tr("group.failed_refunded"), class_name="text-sm font-semibold text-gray-600", data_testid="order-group-status")),
            rx.el.p(tr("group.forming"), " · ", tr("group.missing_prefix"), " ", group["missing"], " ", tr("group.people"), " · ",
                    tr("group.left"), " ", countdown_clock(group["ends"], group["now"], class_name="font-mono"),
                    class_name="text-sm font-semibold text-red-600", data_testid="order-group-status"),
        ),
        rx.el.p(rx.foreach(OrderGroupState.order_members, lambda name: rx.el.span(name, class_name="mr-2")), class_name="mt-1 text-sm text-gray-700"),
        rx.el.a(tr("group.see_group"), href=group["href"], class_name="mt-2 inline-block text-sm text-emerald-700 underline", data_testid="order-group-link"),
        class_name="rounded-2xl bg-white p-4", data_testid="order-group",
    ))
