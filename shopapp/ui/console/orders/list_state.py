"""The console's order list state: status tab, search, date range, one page at a time, live; batch shipping and labels."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.orders import export as order_export
from shopapp.services.orders import fulfillment, listing, state
from shopapp.services.shops import shops
from shopapp.ui import routes
from shopapp.ui.components.pager import PagesMixin, shown_total
from shopapp.ui.components.time import shown_time
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.live import refresh_while_open

PER_PAGE = 20
LIVE_SECONDS = 5
LIVE_FOR_MINUTES = 30


class OrderListState(PagesMixin, ConsoleState):
    status: str = ""
    q: str = ""
    created_from: str = ""
    created_to: str = ""
    total_text: str = "0"
    rows: list[dict[str, str]] = []
    selected: list[str] = []
    labels_url: str = ""
    notice: str = ""
    problem: str = ""
    watching: bool = False

    @rx.event
    def toggle(self, order_id: str):
        self.selected = [i for i in self.selected if i != order_id] if order_id in self.selected else [*self.selected, order_id]
        self.labels_url = ""

    @rx.event
    def merge_ship(self, form: dict):
        """One parcel for the chosen paid orders of one customer to one address (合并发货)."""
        ids = [int(i) for i in self.selected]
        self.notice, self.problem = "", self._attempt(
            lambda session, actor: fulfillment.merge_ship(session, actor, ids, form.get("carrier", ""), form.get("tracking_no", "")))
        if not self.problem:
            self.notice, self.selected = self._text("orders.merged_notice"), []
            self._load()

    @rx.event
    def prepare_labels(self):
        """Every parcel of the chosen orders in one PDF, for printing in one go."""
        actor, shipment_ids = self._actor(), []
        with session_scope() as session:
            if not shops.has_sender_address(shops.get_shop(session, actor.shop_id)):
                self.labels_url, self.problem = "", self._text("error.sender_address_missing")
                return
            for order_id in self.selected:
                order = state.get_order(session, actor, int(order_id))
                shipment_ids += [s["id"] for s in fulfillment.order_shipments(session, order) if s["id"] not in shipment_ids]
        self.labels_url = routes.shipment_labels(shipment_ids) if shipment_ids else ""
        self.problem = "" if shipment_ids else self._text("orders.no_parcels")

    @rx.event
    def load(self):
        self._load()
        if not self.watching:
            return OrderListState.watch

    def _load(self):
        actor = self._signed_in()
        if actor is None:
            return
        self.problem = ""
        try:
            with session_scope() as session:
                items, total = listing.list_orders(
                    session, actor, status=self.status or None, q=self.q or None, created_from=self.created_from or None,
                    created_to=self.created_to or None, page=self.page, per_page=PER_PAGE,
                )
        except DomainError as exc:
            self.problem = next(iter(self._field_messages(exc).values()), self._message(exc))
            return
        self._counted(total, PER_PAGE)
        self.total_text = shown_total(total, self.q, listing.MAX_COUNTED)
        self.rows = [
            {"id": str(o["id"]), "order_no": o["order_no"], "status": o["status"], "email": o["email"],
             "recipient": o["recipient_name"], "total": format_money(o["total"], o["currency"]),
             "items": str(o["item_count"]), "created": shown_time(o["created_at"]), "url": routes.console_order(o["id"])}
            for o in items
        ]

    @rx.event(background=True)
    async def watch(self):
        """Refresh the list every few seconds while it is open, so a new paid order shows up by itself."""
        await refresh_while_open(self, routes.CONSOLE_ORDERS, LIVE_SECONDS, LIVE_FOR_MINUTES, self._load)

    @rx.event
    def filter(self, form: dict):
        self.q, self.created_from, self.created_to = form.get("q", "").strip(), form.get("from", ""), form.get("to", "")
        self.page = 1
        self._load()

    @rx.event
    def show_status(self, status: str):
        self.status, self.page = status, 1
        self._load()

    @rx.event
    def export(self):
        """The orders the list shows (all pages), as a CSV file Excel opens."""
        try:
            with session_scope() as session:
                text = order_export.export_orders(
                    session, self._actor(), status=self.status or None, q=self.q or None,
                    created_from=self.created_from or None, created_to=self.created_to or None,
                )
        except DomainError as exc:
            self.problem = self._message(exc)
            return
        return rx.download(data=text.encode("utf-8"), filename="orders.csv")

    def _load_page(self):
        self._load()
