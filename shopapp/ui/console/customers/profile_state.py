"""One customer in the console: figures, orders, addresses, conversations, after-sales, points, coupons; tags and note."""

from __future__ import annotations

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.core.validation import id_from_text
from shopapp.services.customers import details
from shopapp.services.marketing import coupons
from shopapp.ui import routes
from shopapp.ui.components.time import shown_time
from shopapp.ui.console.state import ConsoleState


def _when(moment) -> str:
    return shown_time(moment) if moment else "—"


class CustomerProfileState(ConsoleState):
    customer: dict[str, str] = {}
    orders: list[dict[str, str]] = []
    addresses: list[str] = []
    conversations: list[dict[str, str]] = []
    aftersales: list[dict[str, str]] = []
    coupons: list[str] = []
    problem: str = ""
    notice: str = ""
    form_key: int = 0  # the tags and note inputs show the saved values again after a save

    @rx.event
    def load(self):
        if self._signed_in() is None:
            return
        self.problem, self.notice = "", ""
        try:
            self._reload()
        except DomainError:
            return rx.redirect(routes.CONSOLE_CUSTOMERS)

    @rx.event
    def save(self, form: dict):
        """Tags (separated by commas or spaces) and the note, saved together or not at all."""
        tags = [t for t in str(form.get("tags", "")).replace("，", ",").replace(",", " ").split() if t]
        self.problem = self._attempt(lambda session, actor: details.update_customer(
            session, actor, int(self.customer["id"]), tags=tags, note=form.get("note", "")))
        if not self.problem:
            self.notice = self._text("customers.saved")
            self._reload()

    def _reload(self):
        with session_scope() as session:
            actor = self._actor()
            shown = details.get_customer(session, actor, id_from_text(self.customer_id))
            wallet = coupons.wallet_of(session, actor.shop_id, shown["account_id"])
        self.customer = {
            "id": str(shown["id"]), "name": shown["name"] or shown["email"], "email": shown["email"], "phone": shown["phone_masked"],
            "region": shown["region"], "orders": str(shown["orders_count"]), "spent": format_money(shown["total_spent"]),
            "average": format_money(shown["average_order"]), "first": _when(shown["first_order_at"]),
            "last": _when(shown["last_order_at"]), "level": shown["level"] or "—", "points": str(shown["points"]),
            "account": "1" if shown["account_id"] else "", "tags": " ".join(shown["tags"]), "note": shown["note"],
        }
        self.orders = [{"no": o["order_no"], "status": o["status"], "total": format_money(o["total"]), "at": _when(o["created_at"]),
                        "url": routes.console_order(o["id"])} for o in shown["orders"]]
        self.addresses = [" ".join(str(a[k]) for k in ("name", "phone", "province", "city", "district", "line1") if a[k])
                          for a in shown["addresses"]]
        self.conversations = [{"status": f"support.{c['status']}", "at": _when(c["last_message_at"])} for c in shown["conversations"]]
        self.aftersales = [{"order_no": r["order_no"], "kind": f"aftersales.{r['kind']}", "status": f"aftersales.status.{r['status']}", "at": _when(r["created_at"])}
                           for r in shown["aftersales"]]
        self.coupons = [f"{c['name']} · {c['description']} · {self._text('store.coupons.status.' + c['status'])}" for c in wallet]
        self.form_key += 1
