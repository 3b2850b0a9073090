"""The segments page's state: the built-in RFM groups and the saved segments, each with its count and spend."""

from __future__ import annotations

import reflex as rx

from shopapp.services.core.money import format_money, yuan_text
from shopapp.services.customers import segments
from shopapp.ui import routes
from shopapp.ui.console.state import ConsoleState


class SegmentsState(ConsoleState):
    built_in: list[dict[str, str]] = []
    saved: list[dict[str, str]] = []
    thresholds: dict[str, str] = {}
    deleting: str = ""  # the saved segment whose delete is being confirmed
    problem: str = ""

    @rx.event
    def load(self):
        shown = self._read(segments.list_segments)
        if shown is None:
            return
        self.deleting, self.problem = "", ""
        self.built_in = [{"key": f"rfm.{g['key']}", "count": str(g["count"]), "spent": format_money(g["spent"]),
                          "url": routes.console_customers_in(g["key"]), "mail": routes.console_campaign("new", g["key"])} for g in shown["built_in"]]
        self.saved = [{"id": str(s["id"]), "name": s["name"], "count": str(s["count"]), "spent": format_money(s["spent"]),
                       "filters": self._described(s["filters"]), "url": routes.console_customers_in(s["id"]), "mail": routes.console_campaign("new", s["id"])} for s in shown["items"]]
        t = shown["thresholds"]
        self.thresholds = {"recent_days": str(t["recent_days"]), "frequent_orders": str(t["frequent_orders"]),
                           "big_spend": yuan_text(t["big_spend"]), "new_days": str(t["new_days"]), "sleeping_days": str(t["sleeping_days"])}

    @rx.event
    def ask_delete(self, segment_id: str):
        self.deleting = segment_id

    @rx.event
    def cancel_delete(self):
        self.deleting = ""

    @rx.event
    def delete(self):
        segment_id = int(self.deleting)
        self.problem = self._attempt(lambda session, actor: segments.delete_segment(session, actor, segment_id))
        if not self.problem:
            return SegmentsState.load

    def _described(self, filters: dict) -> str:
        words = self._catalogue()
        return "；".join(f"{words.get(f'customers.filter.{k}', k)}: {v}" for k, v in filters.items())
