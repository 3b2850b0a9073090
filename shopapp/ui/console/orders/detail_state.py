"""One order in the console: its lines, money, parcels, after-sales and timeline; cancel, ship, track, refund, note."""

from __future__ import annotations

import dataclasses

import reflex as rx

from shopapp.db import session_scope
from shopapp.i18n import pick_lang
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money, yuan_text
from shopapp.services.core.validation import id_from_text
from shopapp.services.orders import aftersales, fulfillment, refunds, state, views
from shopapp.services.orders import cancel as order_cancel
from shopapp.ui import routes
from shopapp.ui.components.savings import line_money, saving_rows
from shopapp.ui.components.time import day_text, shown_time
from shopapp.ui.console.orders.refund_form import RefundMixin
from shopapp.ui.console.orders.ticket_button import TicketMixin
from shopapp.ui.console.orders.timeline import event_rows, payment_rows
from shopapp.ui.console.state import ConsoleState


@dataclasses.dataclass
class ShipmentView:
    id: str = ""
    carrier: str = ""
    tracking_no: str = ""
    status: str = ""
    contents: str = ""  # "items" would clash with the dict-like var's own items()
    label_url: str = ""
    events: list[dict[str, str]] = dataclasses.field(default_factory=list)


def _shipment_view(shipment: dict) -> ShipmentView:
    return ShipmentView(
        id=str(shipment["id"]), carrier=shipment["carrier_name"], tracking_no=shipment["tracking_no"], status=shipment["status"],
        contents="，".join(f"{i['title']} ×{i['qty']}" for i in shipment["items"]),
        label_url=routes.shipment_label(shipment["id"]),
        events=[{"at": shown_time(e["at"]), "status": e["status"], "description": e["description"]} for e in shipment["events"]],
    )


class OrderDetailState(RefundMixin, TicketMixin, ConsoleState):
    order: dict[str, str] = {}
    items: list[dict[str, str]] = []
    savings: list[dict[str, str]] = []  # the order's savings, one per row, as the pipeline gave them
    events: list[dict[str, str]] = []
    payments: list[dict[str, str]] = []
    shipments: list[ShipmentView] = []
    requests: list[dict[str, str]] = []
    request_notes: dict[str, str] = {}
    carriers: list[dict[str, str]] = []
    problem: str = ""
    notice: str = ""
    confirming_cancel: bool = False
    form_key: int = 0

    @rx.event
    def load(self):
        actor = self._signed_in()
        if actor is None:
            return
        self.problem, self.confirming_cancel = "", False
        self.notice, self.refund_units, self.refund_amount = "", {}, ""
        self.carriers = [{"code": c["code"], "name": c["name"]} for c in fulfillment.carriers()]
        try:
            self._reload(actor)
        except (DomainError, ValueError):
            return rx.redirect(routes.CONSOLE_ORDERS)

    def _reload(self, actor=None):
        actor = actor or self._actor()
        with session_scope() as session:
            order = state.get_order(session, actor, id_from_text(self.order_id))
            shown = views.order_dict(session, order)
            remaining = fulfillment.remaining_to_ship(session, order)
            refundable = refunds.refundable(session, order)
            requests = aftersales.order_requests(session, actor, order.id)
            actors = views.describe_actors(session, actor.shop_id, [e["actor"] for e in shown["events"]])
        self._show(shown)
        self.events = event_rows(shown["events"], actors, pick_lang(self.lang))
        for item in self.items:
            item["to_ship"] = str(remaining.get(int(item["id"]), 0))
        self.order["refundable"] = yuan_text(refundable)
        self.shipments = [_shipment_view(s) for s in shown["shipments"]]
        self.requests = [
            {"id": str(r["id"]), "kind": r["kind"], "status": r["status"], "reason": r["reason"], "message": r["message"] or "",
             "return": f"{r['return_carrier'] or ''} {r['return_tracking_no'] or ''}".strip(),
             "photos": ",".join(p["thumb_url"] for p in r["photos"])}
            for r in requests
        ]
        self.form_key += 1

    def _show(self, shown: dict):
        money = lambda amount: format_money(amount, shown["currency"])  # noqa: E731 - one currency per order
        address = shown["address"] or {}
        self.order = {
            "id": str(shown["id"]), "order_no": shown["order_no"], "status": shown["status"], "email": shown["email"],
            "financial": shown["financial_status"], "fulfillment": shown["fulfillment_status"],
            "subtotal": money(shown["subtotal"]), "shipping": money(shown["shipping_total"]),
            "discount": money(shown["discount_total"]), "total": money(shown["total"]), "refunded": money(shown["refunded_total"]),
            "recipient": f"{address.get('name', '')} {address.get('phone', '')}",
            "address": " ".join(address.get(k, "") for k in ("province", "city", "district", "line1", "postcode")),
            "shipping_method": shown["shipping_method"] or "", "note": shown["note"] or "",
            "created": shown_time(shown["created_at"]),
        }
        self.items = [
            {"id": str(i["id"]), "title": i["title"], "options": " / ".join(i["option_values"]), "sku": i["sku"] or "",
             "qty": str(i["qty"]), **line_money(i, shown["currency"]), "to_ship": "0",
             "ships_at": day_text(i["presale_ships_at"])}
            for i in shown["items"]
        ]
        self.savings = saving_rows(shown["discounts"], shown["currency"], self._catalogue())
        self.payments = payment_rows(shown["payments"], money)

    @rx.event
    def ask_cancel(self):
        self.confirming_cancel = True

    @rx.event
    def keep(self):
        self.confirming_cancel = False

    @rx.event
    def cancel(self):
        self.confirming_cancel = False
        self._act(lambda session, actor: order_cancel.cancel_order(session, actor, int(self.order["id"]), "cancelled by the shop"))

    @rx.event
    def ship(self, form: dict):
        items = [
            {"order_item_id": int(item["id"]), "qty": int(form.get(f"ship_{item['id']}") or 0)}
            for item in self.items if (form.get(f"ship_{item['id']}") or "0").strip() not in ("", "0")
        ]
        if not all(str(form.get(f"ship_{i['id']}") or "0").strip().isdigit() for i in self.items):
            self.problem = self._text("field.must_be_whole_number")
            return
        self._act(lambda session, actor: fulfillment.ship(
            session, actor, int(self.order["id"]), items, form.get("carrier", ""), form.get("tracking_no", "")),
            notice_key="orders.shipped_notice")

    @rx.event
    def add_event(self, form: dict):
        self._act(lambda session, actor: fulfillment.add_tracking_event(
            session, actor, int(form.get("shipment_id", 0)), form.get("status", ""), form.get("description", "")))

    @rx.event
    def add_note(self, form: dict):
        self._act(lambda session, actor: state.add_note(session, actor, int(self.order["id"]), form.get("note", "")))

    @rx.event
    def set_request_note(self, request_id: str, text: str):
        self.request_notes = {**self.request_notes, request_id: text}

    @rx.event
    def decide(self, request_id_text: str, decision: str):
        request_id, message = int(request_id_text), self.request_notes.get(request_id_text, "")
        if decision == "approve":
            self._act(lambda session, actor: aftersales.approve(session, actor, request_id, message=message), notice_key="aftersales.decided")
        elif decision == "refuse":
            self._act(lambda session, actor: aftersales.refuse(session, actor, request_id, message), notice_key="aftersales.decided")
        else:
            self._act(lambda session, actor: aftersales.received(session, actor, request_id), notice_key="aftersales.decided")

    def _act(self, action, notice_key: str = ""):
        self.notice, self.problem = "", self._attempt(action)
        if not self.problem:
            self._reload()
            self.notice = self._text(notice_key) if notice_key else ""
