"""营销中心: one card per kind of activity. Adding an activity is one line in CARDS."""

import reflex as rx

from shopapp.ui import routes
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.marketing.overview import ActivityNumbersState, activity_numbers_table

# (title key, one-line hint key, where it leads; "" for an activity not built yet).
CARDS = (
    ("marketing.limited_discount", "marketing.limited_discount_hint", routes.console_promotions("limited_discount")),
    ("marketing.tiered", "marketing.tiered_hint", routes.console_promotions("tiered")),
    ("marketing.second_half", "marketing.second_half_hint", routes.console_promotions("second_half")),
    ("marketing.bundle", "marketing.bundle_hint", routes.console_promotions("bundle")),
    ("marketing.coupons", "marketing.coupons_hint", routes.CONSOLE_COUPONS),
    ("marketing.points", "marketing.points_hint", routes.CONSOLE_POINTS),
    ("campaigns.title", "campaigns.hint", routes.CONSOLE_CAMPAIGNS),
    ("marketing.bargains", "marketing.bargains_hint", routes.CONSOLE_BARGAINS),
    ("marketing.affiliates", "marketing.affiliates_hint", routes.CONSOLE_AFFILIATES),
    ("marketing.flash_sales", "marketing.flash_sales_hint", routes.CONSOLE_FLASH_SALES),
    ("gb.title", "gb.hint", routes.CONSOLE_GROUP_BUYS),
)


@console_page(routes.CONSOLE_MARKETING, "console.nav.marketing", on_load=ActivityNumbersState.load)
def marketing_hub() -> rx.Component:
    return rx.el.div(
        rx.el.h1(tr("console.nav.marketing"), class_name="text-2xl font-bold"),
        rx.el.p(tr("marketing.intro"), class_name="mt-1 text-sm text-gray-600"),
        rx.el.ul(*[_card(*card) for card in CARDS], class_name="mt-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-3", data_testid="marketing-cards"),
        activity_numbers_table(),
        class_name="max-w-4xl",
    )


def _card(title_key: str, hint_key: str, href: str) -> rx.Component:
    inside = (
        rx.el.p(tr(title_key), class_name="font-semibold text-gray-900"),
        rx.el.p(tr(hint_key), class_name="mt-1 text-sm text-gray-600"),
    )
    if not href:
        return rx.el.li(*inside, rx.el.p(tr("marketing.coming_soon"), class_name="mt-2 text-xs text-gray-400"),
                        class_name="rounded-2xl border border-dashed bg-white p-4 opacity-70")
    return rx.el.li(rx.el.a(*inside, href=href, class_name="block rounded-2xl border bg-white p-4 hover:border-emerald-600"))
