"""A product page's 拼团 block: the group price and size, 发起拼团, and the groups open now
("林** 还差 1 人 · 剩余 02:13:45 · 去参团", one tap to the group's page)."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.core.validation import id_from_text
from shopapp.services.marketing import group_buys
from shopapp.ui import routes
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import countdown_clock, server_clock
from shopapp.ui.store.state import StoreState


class GroupOfferState(StoreState):
    offer: dict[str, str] = {}  # {id, price, size}; empty when no group buy runs for the product
    open_groups: list[dict[str, str]] = []

    def _show_for_product(self, view: dict):
        """Shown by the product page's one on_load (ProductPageState.load) from what it read for every shopper
        (product_views), with the server's clock now for the groups' countdowns."""
        now = server_clock()
        self.offer = view.get("offer", {})
        self.open_groups = [{**group, "now": now} for group in view.get("open_groups", [])]


def group_offer_view(shop: dict, product_id: str) -> dict:
    """The product's group buy and the groups open now, the same for every shopper ({} when none runs)."""
    try:
        with session_scope() as session:
            found = group_buys.storefront_offer(session, int(shop["id"]), id_from_text(product_id))
    except DomainError:  # no such product (an id no row could have): the product page says so itself
        return {}
    if not found:
        return {}
    slug = shop["slug"]
    return {
        "offer": {"id": str(found["id"]), "price": format_money(min(found["prices"].values())), "size": str(found["group_size"]),
                  "open": routes.store_group_open(slug, str(found["id"]))},
        "open_groups": [{"id": str(g["group_id"]), "opener": g["opener_masked"], "missing": str(g["missing"]),
                         "ends": g["expires_at"], "href": routes.store_group(slug, str(g["group_id"]))} for g in found["groups"]],
    }


def group_offer() -> rx.Component:
    state = GroupOfferState
    return rx.cond(state.offer.contains("id"), rx.el.section(
        rx.el.div(
            rx.el.p(rx.el.span(tr("group.badge"), class_name="mr-2 rounded bg-red-600 px-2 py-0.5 text-xs text-white"),
                    rx.el.b(state.offer["price"], class_name="text-red-600"), " · ", state.offer["size"], tr("group.size_suffix"),
                    class_name="text-sm"),
            rx.el.a(tr("group.open"), href=state.offer["open"], class_name="rounded-full bg-red-600 px-4 py-1.5 text-sm font-semibold text-white",
                    data_testid="group-open"),
            class_name="flex items-center justify-between gap-2",
        ),
        rx.el.ul(rx.foreach(state.open_groups, lambda g: rx.el.li(
            rx.el.span(g["opener"], class_name="font-medium"),
            rx.el.span(tr("group.missing_prefix"), " ", g["missing"], " ", tr("group.people"), " · ", tr("group.left"), " ",
                       countdown_clock(g["ends"], g["now"], class_name="font-mono"), class_name="flex-1 text-xs text-gray-600"),
            rx.el.a(tr("group.join"), href=g["href"], class_name="rounded-full border border-red-600 px-3 py-1 text-xs font-semibold text-red-600",
                    data_testid="group-join"),
            class_name="flex items-center gap-2 py-2", data_testid="open-group",
        )), class_name="mt-2 divide-y"),
        class_name="mt-3 rounded-xl border border-red-100 bg-red-50/50 p-3", data_testid="group-offer",
    ))
