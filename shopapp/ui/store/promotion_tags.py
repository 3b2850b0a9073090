"""A product page's running promotions: badges ("限时 8 折", "满 300 减 40") and a limited discount's end
(the guest's price itself replaces the variant's price, the usual one struck through)."""

from __future__ import annotations

import reflex as rx

from shopapp.services.core.money import format_money
from shopapp.services.marketing import promotion_badges
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import countdown_clock, iso_moment, server_clock, shown_time
from shopapp.ui.store.home import BADGE


def priced_variants(session, shop: dict, shown: dict) -> tuple[dict[int, str], list[str], dict[str, str]]:
    """({variant id: the guest's limited price, shown}, badges, the end {at, days, hours, minutes} or {})."""
    offer, sale = promotion_badges.for_variants(
        session, int(shop["id"]), shown["id"], [(v["id"], v["price"]) for v in shown["variants"]],
    )
    ends: dict[str, str] = {}
    if offer.ends_at is not None:
        ends = {"at": shown_time(offer.ends_at), "ends": iso_moment(offer.ends_at), "now": server_clock()}
    return {v: format_money(p, shop["currency"]) for v, p in sale.items()}, list(offer.badges), ends


def promotion_tags(badges, ends) -> rx.Component:
    """Badges, then "限时折扣截止 2026-12-08 20:00 · 还剩 2天 03:05:10" when a limited price ends, ticking each
    second from the server's clock (countdown_clock, as every storefront countdown)."""
    return rx.el.div(
        rx.foreach(badges, lambda badge: rx.el.span(badge, class_name=BADGE, data_testid="promotion-badge")),
        rx.cond(ends.contains("at"), rx.el.p(
            tr("store.sale_ends"), " ", ends["at"], " · ", tr("store.time_left"), " ",
            countdown_clock(ends["ends"], ends["now"], tr("store.days"), class_name="font-mono", data_testid="sale-clock"),
            class_name="mt-1 text-xs text-red-600", data_testid="sale-countdown",
        )),
        class_name="mt-1",
    )
