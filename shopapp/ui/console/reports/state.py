"""The reports page's state: one range, every report read for it at once, shown as words and numbers."""

from __future__ import annotations

import reflex as rx

from shopapp.services.analytics import ranges, reports
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.shops import shops
from shopapp.ui.console.state import ConsoleState

CARDS = ("visitors", "page_views", "orders", "paid_orders", "buyers", "gmv", "refunds", "net_sales", "aov", "conversion_rate")
MONEY = {"gmv", "refunds", "net_sales", "aov"}
ESTIMATED = {"visitors", "buyers", "conversion_rate"}  # what a long range estimates (reports: approximate)
FUNNEL = ("visitors", "product_viewers", "cart_adders", "checkout_starters", "buyers")


class ReportsState(ConsoleState):
    range_key: str = "7d"
    from_text: str = ""
    to_text: str = ""
    shown_range: str = ""
    problem: str = ""
    approximate: bool = False  # some distinct counts of the range are estimates: "≈" / "约" beside them
    cards: list[dict[str, str]] = []
    funnel_steps: list[dict[str, str]] = []
    sources: list[dict[str, str]] = []
    products: list[dict[str, str]] = []
    product_sort: str = "views"
    regions: list[dict[str, str | int]] = []
    hours: list[dict[str, int]] = []
    weekdays: list[dict[str, str | int]] = []

    @rx.event
    def load(self):
        self.problem = ""
        try:
            period = ranges.period(self.range_key, self.from_text if self.range_key == "custom" else None,
                                   self.to_text if self.range_key == "custom" else None)
        except DomainError as exc:
            self.problem = self._problem_text(exc)
            return
        read = self._read(lambda session, actor: self._reports(session, actor, period))
        if read is None:
            self.problem = self._text("reports.not_allowed")
            return
        currency, answers = read
        self._show(answers, lambda amount: format_money(amount, currency))
        self.shown_range = period.first.isoformat() + (" – " + period.last.isoformat() if period.days > 1 else "")

    @rx.event
    def choose_range(self, key: str):
        self.range_key = key
        if key != "custom":
            return ReportsState.load

    @rx.event
    def apply_custom(self, form: dict):
        self.range_key, self.from_text, self.to_text = "custom", form.get("from", ""), form.get("to", "")
        return ReportsState.load

    @rx.event
    def sort_products(self, key: str):
        self.product_sort = key
        return ReportsState.load

    def _reports(self, session, actor, period) -> tuple[str, dict]:
        answers = {
            "overview": reports.overview(session, actor, period), "funnel": reports.funnel(session, actor, period),
            "sources": reports.sources(session, actor, period), "regions": reports.regions(session, actor, period),
            "products": reports.products(session, actor, period, sort=self.product_sort, limit=50),
            "hours": reports.hours(session, actor, period),
        }
        return shops.get_shop(session, actor.shop_id).currency, answers

    def _show(self, answers: dict, money) -> None:
        now, before = answers["overview"], answers["overview"]["previous"]
        self.approximate = any(answers[name]["approximate"] for name in ("overview", "funnel", "sources", "products", "regions"))
        shown = lambda key, value: money(value) if key in MONEY else f"{value:.1%}" if key == "conversion_rate" else str(value)  # noqa: E731
        about = lambda answer, key, value: (self._text("sketches.about") + " " if answer["approximate"] and key in ESTIMATED  # noqa: E731
                                            else "") + shown(key, value)
        self.cards = [{"key": "reports.figure." + key, "value": about(now, key, now[key]), "previous": about(before, key, before[key]),
                       "trend": _trend(now[key], before[key])} for key in CARDS]
        steps = answers["funnel"]
        top = steps["visitors"] or 1
        self.funnel_steps = [{"key": "reports.funnel." + key, "count": about(steps, "visitors", steps[key]), "width": f"{max(steps[key] * 100 // top, 1)}%",
                              "share": f"{steps[key] / top:.0%}",
                              "drop": f"-{1 - steps[key] / steps[FUNNEL[n - 1]]:.0%}" if n and steps[FUNNEL[n - 1]] else ""}
                             for n, key in enumerate(FUNNEL)]
        self.sources = [{"source": row["source"], "medium": row["medium"] or "—", "campaign": row["campaign"] or "—",
                         "visitors": about(answers["sources"], "visitors", row["visitors"]),
                         "buyers": about(answers["sources"], "buyers", row["buyers"]), "gmv": money(row["gmv"])}
                        for row in answers["sources"]["items"]]
        self.products = [{"id": str(row["product_id"]), "title": row["title"] or f"#{row['product_id']}", "views": str(row["views"]),
                          "viewers": about(answers["products"], "visitors", row["viewers"]), "add_to_cart_rate": f"{row['add_to_cart_rate']:.0%}", "units": str(row["units"]),
                          "gmv": money(row["gmv"]), "conversion_rate": f"{row['conversion_rate']:.0%}"}
                         for row in answers["products"]["items"]]
        self.regions = [{"province": row["province"], "gmv": row["gmv"] / 100, "orders": row["orders"], "buyers": about(answers["regions"], "buyers", row["buyers"]),
                         "gmv_text": money(row["gmv"])} for row in answers["regions"]["items"]]
        self.hours = [{"hour": row["hour"], "page_views": row["page_views"], "orders": row["orders"]} for row in answers["hours"]["hours"]]
        self.weekdays = [{"weekday": self._text(f"reports.weekday.{row['weekday']}"), "page_views": row["page_views"], "orders": row["orders"]}
                         for row in answers["hours"]["weekdays"]]


def _trend(now: int | float, before: int | float) -> str:
    """"up" / "down" / "" (the same, or nothing to compare with)."""
    return "" if now == before else "up" if now > before else "down"
