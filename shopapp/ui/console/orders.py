"""Console orders: status tabs, search, date range, one page at a time, live; and one order in full."""

from __future__ import annotations

import dataclasses
import math
import uuid

import reflex as rx

from shopapp.db import session_scope
from shopapp.services import aftersales, fulfillment, order_export, orders, refunds
from shopapp.services.errors import DomainError
from shopapp.services.pricing import format_money, parse_money, yuan_text
from shopapp.ui import routes
from shopapp.ui.components.forms import DANGER_BUTTON, INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.pager import pager, shown_total
from shopapp.ui.components.status import (
    aftersales_kind_label, aftersales_status_label, order_status_label, order_status_text, tracking_status_options,
)
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import china_time, day_text
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.live import refresh_while_open

PER_PAGE = 20
TABS = ("", "pending_payment", "paid", "shipped", "completed", "cancelled")
LIVE_SECONDS = 5
LIVE_FOR_MINUTES = 30


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
        events=[{"at": china_time(e["at"]), "status": e["status"], "description": e["description"]} for e in shipment["events"]],
    )


class OrderListState(ConsoleState):
    status: str = ""
    q: str = ""
    created_from: str = ""
    created_to: str = ""
    page: int = 1
    total: int = 0
    total_text: str = "0"
    rows: list[dict[str, str]] = []
    selected: list[str] = []
    labels_url: str = ""
    notice: str = ""
    problem: str = ""
    watching: bool = False

    @rx.var
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))

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
            self.notice, self.selected = self.tr["orders.merged_notice"], []
            self._load()

    @rx.event
    def prepare_labels(self):
        """Every parcel of the chosen orders in one PDF, for printing in one go."""
        actor, shipment_ids = self._actor(), []
        with session_scope() as session:
            for order_id in self.selected:
                order = orders.get_order(session, actor, int(order_id))
                shipment_ids += [s["id"] for s in fulfillment.order_shipments(session, order) if s["id"] not in shipment_ids]
        self.labels_url = routes.shipment_labels(shipment_ids) if shipment_ids else ""
        self.problem = "" if shipment_ids else self.tr["orders.no_parcels"]

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
                items, self.total = orders.list_orders(
                    session, actor, status=self.status or None, q=self.q or None, created_from=self.created_from or None,
                    created_to=self.created_to or None, page=self.page, per_page=PER_PAGE,
                )
        except DomainError as exc:
            self.problem = next(iter(self._field_messages(exc).values()), self._message(exc))
            return
        self.total_text = shown_total(self.total, self.q, orders.MAX_COUNTED)
        self.rows = [
            {"id": str(o["id"]), "order_no": o["order_no"], "status": o["status"], "email": o["email"],
             "recipient": o["recipient_name"], "total": format_money(o["total"], o["currency"]),
             "items": str(o["item_count"]), "created": china_time(o["created_at"]), "url": routes.console_order(o["id"])}
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

    @rx.event
    def next_page(self):
        self.page = min(self.page + 1, self.pages)
        self._load()

    @rx.event
    def prev_page(self):
        self.page = max(1, self.page - 1)
        self._load()


@console_page(routes.CONSOLE_ORDERS, "console.nav.orders", on_load=OrderListState.load)
def order_list() -> rx.Component:
    state = OrderListState
    return rx.el.div(
        rx.el.div(
            rx.el.h1(tr("console.nav.orders"), class_name="text-2xl font-bold"),
            rx.el.button(tr("orders.export"), on_click=state.export, type="button", class_name=SECONDARY_BUTTON),
            class_name="flex items-center justify-between",
        ),
        rx.el.div(*[_tab(s) for s in TABS], role="tablist", class_name="mt-4 flex gap-1 overflow-x-auto"),
        rx.el.form(
            rx.el.input(name="q", type="search", placeholder=tr("orders.search"), aria_label=tr("orders.search"), class_name=INPUT + " sm:w-64"),
            rx.el.label(tr("orders.from"), rx.el.input(name="from", type="date", class_name=INPUT), class_name="text-sm"),
            rx.el.label(tr("orders.to"), rx.el.input(name="to", type="date", class_name=INPUT), class_name="text-sm"),
            rx.el.button(tr("products.search_button"), type="submit", class_name=SECONDARY_BUTTON),
            on_submit=state.filter,
            reset_on_submit=False,
            class_name="mt-3 flex flex-col gap-2 sm:flex-row sm:items-end",
        ),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mt-2 text-sm text-red-600")),
        rx.cond(state.notice != "", rx.el.p(state.notice, role="status", class_name="mt-2 text-sm text-emerald-700")),
        rx.cond(state.selected.length() > 0, _batch_bar()),
        rx.cond(
            state.total == 0,
            rx.el.p(tr("orders.empty"), class_name="mt-8 rounded-2xl border border-dashed bg-white p-8 text-center text-gray-500"),
            rx.el.div(
                rx.el.table(
                    rx.el.thead(rx.el.tr(
                        rx.el.th(class_name="w-8 p-2"),
                        *[rx.el.th(tr(k), class_name="p-2 text-left") for k in ("orders.col.number", "orders.col.status", "orders.col.customer")],
                        rx.el.th(tr("orders.col.total"), class_name="p-2 text-right"),
                        rx.el.th(tr("orders.col.created"), class_name="hidden p-2 text-left sm:table-cell"),
                        class_name="border-b text-sm text-gray-600",
                    )),
                    rx.el.tbody(rx.foreach(state.rows, _order_row), data_testid="order-rows"),
                    class_name="w-full",
                ),
                class_name="mt-4 overflow-x-auto rounded-2xl border bg-white",
            ),
        ),
        pager(state.page, state.pages, state.total_text, state.prev_page, state.next_page),
    )


def _tab(status: str) -> rx.Component:
    active = OrderListState.status == status
    return rx.el.button(
        order_status_text(status) if status else tr("products.tab.all"),
        on_click=OrderListState.show_status(status), type="button", role="tab", aria_selected=rx.cond(active, "true", "false"),
        class_name=rx.cond(active, "whitespace-nowrap rounded-lg bg-emerald-700 px-3 py-1.5 text-sm text-white",
                           "whitespace-nowrap rounded-lg px-3 py-1.5 text-sm text-gray-700 hover:bg-gray-100"),
    )


def _batch_bar() -> rx.Component:
    state = OrderListState
    return rx.el.div(
        rx.el.form(
            rx.el.span(tr("products.bulk.selected"), ": ", state.selected.length(), class_name="text-sm font-semibold"),
            rx.el.select(*[rx.el.option(c["name"], value=c["code"]) for c in fulfillment.carriers()], name="carrier",
                         aria_label=tr("orders.carrier"), class_name=INPUT + " sm:w-36"),
            rx.el.input(name="tracking_no", placeholder=tr("orders.tracking_no"), aria_label=tr("orders.tracking_no"), class_name=INPUT + " sm:w-52"),
            rx.el.button(tr("orders.merge_ship"), type="submit", class_name=PRIMARY_BUTTON + " py-2 text-sm"),
            on_submit=state.merge_ship, reset_on_submit=False,
            class_name="flex flex-col gap-2 sm:flex-row sm:items-center",
        ),
        rx.el.div(
            rx.el.button(tr("orders.batch_labels"), on_click=state.prepare_labels, type="button", class_name=SECONDARY_BUTTON),
            rx.cond(state.labels_url != "", rx.el.a(tr("orders.open_labels"), href=state.labels_url, target="_blank",
                                                    class_name="text-sm text-emerald-700 underline", data_testid="labels-link")),
            class_name="mt-2 flex items-center gap-3",
        ),
        class_name="mt-3 rounded-2xl border border-emerald-200 bg-emerald-50 p-3",
    )


def _order_row(row: dict) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.input(type="checkbox", checked=OrderListState.selected.contains(row["id"]), on_change=OrderListState.toggle(row["id"]),
                             aria_label=row["order_no"]), class_name="p-2"),
        rx.el.td(rx.el.a(row["order_no"], href=row["url"], class_name="font-mono text-emerald-700 hover:underline"), class_name="p-2"),
        rx.el.td(order_status_label(row["status"]), class_name="p-2 text-sm"),
        rx.el.td(row["recipient"], rx.el.div(row["email"], class_name="text-xs text-gray-500"), class_name="p-2 text-sm"),
        rx.el.td(row["total"], class_name="whitespace-nowrap p-2 text-right"),
        rx.el.td(row["created"], class_name="hidden whitespace-nowrap p-2 text-sm text-gray-600 sm:table-cell"),
        class_name="border-b last:border-0",
    )


class OrderDetailState(ConsoleState):
    order: dict[str, str] = {}
    items: list[dict[str, str]] = []
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
        self.notice = ""
        self.carriers = [{"code": c["code"], "name": c["name"]} for c in fulfillment.carriers()]
        try:
            self._reload(actor)
        except (DomainError, ValueError):
            return rx.redirect(routes.CONSOLE_ORDERS)

    def _reload(self, actor=None):
        actor = actor or self._actor()
        with session_scope() as session:
            order = orders.get_order(session, actor, int(self.order_id))
            shown = orders.order_dict(session, order)
            remaining = fulfillment.remaining_to_ship(session, order)
            refundable = refunds.refundable(session, order)
            requests = aftersales.order_requests(session, actor, order.id)
        self._show(shown)
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
            "created": china_time(shown["created_at"]),
        }
        self.items = [
            {"id": str(i["id"]), "title": i["title"], "options": " / ".join(i["option_values"]), "sku": i["sku"] or "",
             "qty": str(i["qty"]), "unit_price": money(i["unit_price"]), "total": money(i["total"]), "to_ship": "0",
             "ships_at": day_text(i["presale_ships_at"])}
            for i in shown["items"]
        ]
        self.payments = [{"provider": p["provider"], "status": p["status"], "amount": money(p["amount"]),
                          "reference": p["provider_reference"] or ""} for p in shown["payments"]]
        self.events = [
            {"type": e["type"], "at": china_time(e["at"]), "actor": e["actor"], "text": (e["data"] or {}).get("text", "") if e["type"] == "note" else ""}
            for e in shown["events"]
        ]

    @rx.event
    def ask_cancel(self):
        self.confirming_cancel = True

    @rx.event
    def keep(self):
        self.confirming_cancel = False

    @rx.event
    def cancel(self):
        self.confirming_cancel = False
        self._act(lambda session, actor: orders.cancel_order(session, actor, int(self.order["id"]), "cancelled by the shop"))

    @rx.event
    def ship(self, form: dict):
        items = [
            {"order_item_id": int(item["id"]), "qty": int(form.get(f"ship_{item['id']}") or 0)}
            for item in self.items if (form.get(f"ship_{item['id']}") or "0").strip() not in ("", "0")
        ]
        if not all(str(form.get(f"ship_{i['id']}") or "0").strip().isdigit() for i in self.items):
            self.problem = self.tr["field.must_be_whole_number"]
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
        self._act(lambda session, actor: orders.add_note(session, actor, int(self.order["id"]), form.get("note", "")))

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

    @rx.event
    def refund(self, form: dict):
        try:
            amount = parse_money(form.get("amount", ""), field="amount")
        except DomainError as exc:
            self.problem = next(iter(self._field_messages(exc).values()))
            return
        self._act(lambda session, actor: refunds.refund(
            session, actor, int(self.order["id"]), amount, form.get("reason", ""), idempotency_key=form.get("attempt") or None),
            notice_key="orders.refunded_notice")

    def _act(self, action, notice_key: str = ""):
        self.notice, self.problem = "", self._attempt(action)
        if not self.problem:
            self._reload()
            self.notice = self.tr[notice_key] if notice_key else ""


@console_page(routes.CONSOLE_ORDER, "console.nav.orders", on_load=OrderDetailState.load)
def order_detail() -> rx.Component:
    state = OrderDetailState
    order = state.order
    return rx.el.div(
        rx.el.a("← ", tr("console.nav.orders"), href=routes.CONSOLE_ORDERS, class_name="text-sm text-emerald-700"),
        rx.el.div(
            rx.el.h1(tr("order.number"), " ", order["order_no"], class_name="font-mono text-xl font-bold"),
            rx.el.span(order_status_label(order["status"]), class_name="rounded-full bg-gray-100 px-3 py-1 text-sm", data_testid="console-order-status"),
            class_name="mt-1 flex flex-wrap items-center gap-3",
        ),
        rx.el.p(order["created"], class_name="text-sm text-gray-500"),
        rx.cond(state.problem != "", rx.el.p(state.problem, role="alert", class_name="mt-2 text-sm text-red-600")),
        rx.cond(order["status"] == "pending_payment", rx.el.div(
            rx.cond(
                state.confirming_cancel,
                rx.el.div(
                    rx.el.span(tr("orders.cancel_confirm"), class_name="text-sm text-red-700"),
                    rx.el.button(tr("confirm.yes"), on_click=state.cancel, type="button", class_name=DANGER_BUTTON),
                    rx.el.button(tr("form.cancel"), on_click=state.keep, type="button", class_name=SECONDARY_BUTTON),
                    class_name="flex flex-wrap items-center gap-2",
                ),
                rx.el.button(tr("orders.cancel"), on_click=state.ask_cancel, type="button", class_name=DANGER_BUTTON),
            ),
            class_name="mt-3",
        )),
        rx.cond(state.notice != "", rx.el.p(state.notice, role="status", class_name="mt-2 text-sm text-emerald-700")),
        rx.el.div(
            rx.cond((order["status"] == "paid") | (order["status"] == "partially_shipped"), _card("orders.ship", _ship_form())),
            rx.cond(state.shipments.length() > 0, _card("orders.shipments", rx.foreach(state.shipments, _shipment))),
            rx.cond(state.requests.length() > 0, _card("aftersales.title", rx.foreach(state.requests, _request_card))),
            rx.cond(order["refundable"] != "0", _card("orders.refund", _refund_form())),
            key=state.form_key.to_string(),
            class_name="mt-4 grid gap-4 lg:grid-cols-2",
        ),
        rx.el.div(
            _card("orders.items", rx.el.ul(rx.foreach(state.items, lambda i: rx.el.li(
                rx.el.div(i["title"], rx.cond(i["options"] != "", rx.el.span(" · ", i["options"], class_name="text-gray-500")),
                          rx.el.div(i["sku"], class_name="text-xs text-gray-500"),
                          rx.cond(i["ships_at"] != "", rx.el.div(tr("store.presale"), " · ", tr("order.ships_on"), " ", i["ships_at"],
                                                                 class_name="text-xs text-amber-700", data_testid="item-ships-at")),
                          class_name="flex-1"),
                rx.el.span(i["unit_price"], " × ", i["qty"], class_name="text-sm text-gray-600"),
                rx.el.span(i["total"], class_name="w-24 text-right"),
                class_name="flex items-start gap-3 py-2",
            )), class_name="divide-y"),
                rx.el.div(
                    _line("store.subtotal", order["subtotal"]), _line("store.shipping_fee", order["shipping"]),
                    _line("store.total", order["total"]), _line("order.refunded", order["refunded"]),
                    class_name="mt-2 space-y-1 border-t pt-2 text-sm",
                )),
            _card("store.address_section",
                  rx.cond(order["shipping_method"] != "", rx.fragment(rx.el.p(order["recipient"]), rx.el.p(order["address"], class_name="text-gray-600")),
                          rx.el.p(tr("store.no_shipping_needed"), class_name="text-gray-600")),  # virtual goods only
                  rx.el.p(order["shipping_method"], class_name="text-gray-600"), rx.el.p(order["email"], class_name="text-gray-600"),
                  rx.cond(order["note"] != "", rx.el.p(tr("store.note_section"), ": ", order["note"], class_name="mt-2 text-amber-800"))),
            _card("orders.payments", rx.el.ul(rx.foreach(state.payments, lambda p: rx.el.li(
                p["provider"], " · ", p["status"], " · ", p["amount"], " ", rx.el.span(p["reference"], class_name="font-mono text-xs text-gray-500"),
                class_name="text-sm",
            )))),
            _card("order.timeline", rx.el.ol(rx.foreach(state.events, lambda e: rx.el.li(
                rx.el.span(e["at"], class_name="mr-2 text-gray-500"), e["type"], rx.el.span(" · ", e["actor"], class_name="text-gray-400"),
                rx.cond(e["text"] != "", rx.el.span(" — ", e["text"], class_name="text-amber-800")),
                class_name="text-sm",
            )), data_testid="order-timeline"),
                rx.el.form(
                    rx.el.input(name="note", placeholder=tr("orders.note"), aria_label=tr("orders.note"), class_name="min-w-0 flex-1 rounded border px-2 py-1 text-sm"),
                    rx.el.button(tr("orders.add_note"), type="submit", class_name=SECONDARY_BUTTON + " py-1"),
                    on_submit=state.add_note, reset_on_submit=True, class_name="mt-2 flex gap-2",
                )),
            class_name="mt-4 grid gap-4 lg:grid-cols-2",
        ),
    )


def _card(title_key: str, *children) -> rx.Component:
    return rx.el.section(rx.el.h2(tr(title_key), class_name="mb-2 font-semibold"), *children, class_name="rounded-2xl border bg-white p-4")


def _line(key: str, value) -> rx.Component:
    return rx.el.div(rx.el.span(tr(key), class_name="text-gray-600"), rx.el.span(value), class_name="flex justify-between")


def _ship_form() -> rx.Component:
    state = OrderDetailState
    return rx.el.form(
        rx.el.p(tr("orders.ship_hint"), class_name="mb-2 text-sm text-gray-600"),
        rx.foreach(state.items, lambda i: rx.cond(i["to_ship"] != "0", rx.el.label(
            rx.el.span(i["title"], rx.cond(i["options"] != "", " · " + i["options"], ""), class_name="flex-1 text-sm"),
            rx.el.input(name="ship_" + i["id"], default_value=i["to_ship"], inputmode="numeric", aria_label=tr("orders.ship_qty") + " " + i["title"],
                        class_name="w-16 rounded border px-2 py-1 text-right"),
            class_name="mb-2 flex items-center gap-2",
        ))),
        rx.el.div(
            rx.el.select(rx.foreach(state.carriers, lambda c: rx.el.option(c["name"], value=c["code"])),
                         name="carrier", aria_label=tr("orders.carrier"), class_name=INPUT + " sm:w-40"),
            rx.el.input(name="tracking_no", placeholder=tr("orders.tracking_no"), aria_label=tr("orders.tracking_no"), class_name=INPUT),
            class_name="flex flex-col gap-2 sm:flex-row",
        ),
        rx.el.button(tr("orders.ship_button"), type="submit", class_name=PRIMARY_BUTTON + " mt-3"),
        on_submit=state.ship, reset_on_submit=False,
    )


def _shipment(shipment: ShipmentView) -> rx.Component:
    state = OrderDetailState
    return rx.el.div(
        rx.el.div(
            rx.el.span(shipment.carrier, " ", rx.el.span(shipment.tracking_no, class_name="font-mono")),
            rx.el.a(tr("orders.print_label"), href=shipment.label_url, target="_blank", class_name="text-sm text-emerald-700 underline"),
            class_name="flex items-center justify-between",
        ),
        rx.el.p(shipment.contents, class_name="text-sm text-gray-600"),
        rx.el.ol(rx.foreach(shipment.events, lambda e: rx.el.li(
            rx.el.span(e["at"], class_name="mr-2 text-gray-500"), e["description"], class_name="text-xs",
        )), class_name="mt-1 space-y-0.5"),
        rx.el.form(
            rx.el.input(type="hidden", name="shipment_id", value=shipment.id),
            rx.el.select(*tracking_status_options(),
                         name="status", aria_label=tr("orders.tracking_status"), class_name="rounded border px-2 py-1 text-sm"),
            rx.el.input(name="description", placeholder=tr("orders.tracking_description"), aria_label=tr("orders.tracking_description"),
                        class_name="min-w-0 flex-1 rounded border px-2 py-1 text-sm"),
            rx.el.button(tr("orders.add_event"), type="submit", class_name=SECONDARY_BUTTON + " py-1"),
            on_submit=state.add_event, reset_on_submit=True,
            class_name="mt-2 flex flex-wrap gap-2",
        ),
        class_name="border-b py-2 last:border-0",
    )


def _refund_form() -> rx.Component:
    state = OrderDetailState
    return rx.el.form(
        rx.el.p(tr("orders.refundable"), ": ¥", state.order["refundable"], class_name="mb-2 text-sm text-gray-600"),
        rx.el.input(type="hidden", name="attempt", value=state.form_key.to_string() + "-" + state.order["id"]),
        rx.el.div(
            rx.el.input(name="amount", inputmode="decimal", placeholder=tr("orders.refund_amount"), aria_label=tr("orders.refund_amount"), class_name=INPUT + " sm:w-32"),
            rx.el.input(name="reason", placeholder=tr("orders.refund_reason"), aria_label=tr("orders.refund_reason"), class_name=INPUT),
            class_name="flex flex-col gap-2 sm:flex-row",
        ),
        rx.el.button(tr("orders.refund_button"), type="submit", class_name=DANGER_BUTTON + " mt-3"),
        on_submit=state.refund, reset_on_submit=False,
    )


def _request_card(request: dict) -> rx.Component:
    state = OrderDetailState
    return rx.el.div(
        rx.el.p(aftersales_kind_label(request["kind"]), " · ", aftersales_status_label(request["status"]),
                class_name="text-sm font-medium", data_testid="console-aftersales-status"),
        rx.el.p(request["reason"], class_name="text-sm text-gray-600"),
        rx.cond(request["return"] != "", rx.el.p(tr("aftersales.return_tracking"), ": ", request["return"], class_name="text-sm")),
        rx.cond(
            (request["status"] == "requested") | (request["status"] == "returning") | (request["status"] == "awaiting_return"),
            rx.el.div(
                rx.el.input(placeholder=tr("aftersales.message"), aria_label=tr("aftersales.message"), class_name=INPUT,
                            on_blur=lambda text: state.set_request_note(request["id"], text)),
                rx.el.div(
                    rx.cond(request["status"] == "requested",
                            rx.el.button(tr("aftersales.approve"), on_click=state.decide(request["id"], "approve"), type="button",
                                         class_name=PRIMARY_BUTTON + " py-1 text-sm")),
                    rx.cond(request["status"] == "returning",
                            rx.el.button(tr("aftersales.received"), on_click=state.decide(request["id"], "received"), type="button",
                                         class_name=PRIMARY_BUTTON + " py-1 text-sm")),
                    rx.el.button(tr("aftersales.refuse"), on_click=state.decide(request["id"], "refuse"), type="button", class_name=DANGER_BUTTON),
                    class_name="mt-2 flex gap-2",
                ),
                class_name="mt-2",
            ),
        ),
        class_name="border-b py-2 last:border-0",
    )
