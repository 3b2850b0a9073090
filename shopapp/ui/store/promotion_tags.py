"""A product page's running promotions: badges ("限时 8 折", "满 300 减 40") and a limited discount's end
(the guest's price itself replaces the variant's price, the usual one struck through)."""

from __future__ import annotations

import reflex as rx

from shopapp.services.core.money import format_money
from shopapp.services.marketing import promotion_badges
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import shown_time
from shopapp.ui.store.home import BADGE


def priced_variants(session, shop: dict, shown: dict) -> tuple[dict[int, str], list[str], dict[str, str]]:
    """({variant id: the guest's limited price, shown}, badges, the end {at, days, hours, minutes} or {})."""
    offer, sale = promotion_badges.for_variants(
        session, int(shop["id"]), shown["id"], [(v["id"], v["price"]) for v in shown["variants"]],
    )
    ends: dict[str, str] = {}
    if offer.ends_at is not None:
        days, hours, minutes = promotion_badges.time_left(offer.ends_at)
        ends = {"at": shown_time(offer.ends_at), "days": str(days), "hours": str(hours), "minutes": str(minutes)}
    return {v: format_money(p, shop["currency"]) for v, p in sale.items()}, list(offer.badges), ends


def promotion_tags(badges, ends) -> rx.Component:
    """Badges, then "限时折扣 2026-12-08 20:00 结束 · 还剩 2 天 3 小时 5 分" when a limited price ends."""
    return rx.el.div(
        rx.foreach(badges, lambda badge: rx.el.span(badge, class_name=BADGE, data_testid="promotion-badge")),
        rx.cond(ends.contains("at"), rx.el.p(
            tr("store.sale_ends"), " ", ends["at"], " · ", tr("store.time_left"), " ",
            ends["days"], tr("store.days"), " ", ends["hours"], tr("store.hours"), " ", ends["minutes"], tr("store.minutes"),
            class_name="mt-1 text-xs text-red-600", data_testid="sale-countdown",
        )),
        class_name="mt-1",
    )
