"""The shopper's order page (reached by the link with its token): status, items, totals, payment, shipping."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.redis_states import reads_too
from shopapp.services.checkout import place
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.orders import aftersales, fulfillment
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON
from shopapp.ui.components.savings import line_money, line_price, saving_rows, savings_list
from shopapp.ui.components.status import (
    aftersales_kind_label,
    aftersales_status_label,
    order_event_label,
    order_status_label,
)
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import day_text, shown_time
from shopapp.ui.page_events import hydrating
from shopapp.ui.store.chat_widget import ChatState
from shopapp.ui.store.group_card import OrderGroupState, group_card
from shopapp.ui.store.layout import store_page
from shopapp.ui.store.order_reviews import OrderReviewsState, reviews_card
from shopapp.ui.store.state import StoreState


class OrderPageState(StoreState):
    photo_names: list[str] = []
    _photos: list[bytes] = []  # backend only: pictures waiting for the request to be sent

    @rx.event
    async def add_photos(self, files: list[rx.UploadFile]):
        for file in files:
            if len(self._photos) < 3:
                self._photos.append(await file.read())
                self.photo_names.append(file.name or "photo")

    @rx.event
    def request_aftersales(self, form: dict):
        self.aftersales_problem = ""
        try:
            with session_scope() as session:
                aftersales.request_aftersales(session, int(self.shop["id"]), self.order_no, self.order_token,
                                              form.get("kind", ""), form.get("reason", ""), list(self._photos))
        except DomainError as exc:
            self.aftersales_problem = self._problem_text(exc)
            return
        self._photos, self.photo_names = [], []
        return OrderPageState.load

    @rx.event
    def send_return(self, form: dict):
        self.aftersales_problem = ""
        try:
            with session_scope() as session:
                aftersales.submit_return(session, int(self.shop["id"]), self.order_no, self.order_token,
                                         int(form.get("request_id", 0)), form.get("carrier", ""), form.get("tracking_no", ""))
        except DomainError as exc:
            self.aftersales_problem = self._problem_text(exc)
            return
        return OrderPageState.load


    order: dict[str, str] = {}
    items: list[dict[str, str]] = []
    savings: list[dict[str, str]] = []
    parcels: list[dict[str, str]] = []
    requests: list[dict[str, str]] = []
    aftersales_problem: str = ""
    can_request: bool = False
    tracking: list[dict[str, str]] = []
    timeline: list[dict[str, str]] = []
    missing: bool = False
    order_token: str = ""

    @rx.event
    @hydrating  # sets is_hydrated itself: no set_is_hydrated event after it (ui/page_events.py)
    @reads_too(OrderReviewsState, OrderGroupState)  # with Redis, in the event's own read (redis_states)
    async def open_page(self):
        """The page's one on_load: the order, its 评价 card and its 拼团 card in one event (one state lock, one
        delta), not an event each paying Reflex's lock, state load and save."""
        self._load_order()
        (await self.get_state(OrderReviewsState))._load_reviews()
        (await self.get_state(OrderGroupState))._load_group()

    @rx.event
    def load(self):
        """The order again, after an after-sales request or a return was sent."""
        self._load_order()

    def _load_order(self):
        self._load_shop()
        if self.not_found:
            return
        # The link's token, or else the shopper's log-in for an order in their account.
        token = self.router.url.query_parameters.get("token", "") or self._shopper_token()
        self.order_token = token
        try:
            with session_scope() as session:
                page = place.order_page(session, int(self.shop["id"]), self.order_no, token)
        except DomainError:
            self.missing, self.order, self.items = True, {}, []
            return
        currency = page["currency"]
        address = page["address"] or {}
        self.missing = False
        self.order = {
            "order_no": page["order_no"], "status": page["status"], "pay_url": page.get("pay_url") or "",
            "test_payment": "yes" if page.get("test_payment") else "",
            "subtotal": format_money(page["subtotal"], currency), "shipping": format_money(page["shipping_total"], currency),
            "discount": format_money(page["discount_total"], currency), "total": format_money(page["total"], currency),
            "refunded": format_money(page["refunded_total"], currency) if page["refunded_total"] else "",
            "recipient": f"{address.get('name', '')} {address.get('phone', '')}",
            "address": " ".join(address.get(k, "") for k in ("province", "city", "district", "line1")),
            "shipping_method": page["shipping_method"] or "", "email": page["email"],
            "expires_at": shown_time(page["expires_at"]),
        }
        self.items = [
            {"title": i["title"], "options": " / ".join(i["option_values"]), "qty": str(i["qty"]),
             **line_money(i, currency), "ships_at": day_text(i["presale_ships_at"])}
            for i in page["items"]
        ]
        self.savings = saving_rows(page["discounts"], currency, self._catalogue())
        self.timeline = [{"type": e["type"], "at": shown_time(e["at"])} for e in page["timeline"]]
        with session_scope() as session:
            shop_id = int(self.shop["id"])
            self.requests = [_request_view(r, currency) for r in aftersales.shopper_requests(session, shop_id, self.order_no, token)]
            self.can_request = aftersales.can_request(session, shop_id, self.order_no, token)
        self.parcels = [{"carrier": p["carrier_name"], "tracking_no": p["tracking_no"], "status": p["status"]} for p in page["shipments"]]
        self.tracking = [
            {"at": shown_time(e["at"], "%m-%d %H:%M"), "text": " ".join(x for x in (e.get("location") or "", e["description"]) if x)}
            for p in page["shipments"] for e in p["events"]
        ]


def _request_view(request: dict, currency: str) -> dict[str, str]:
    return {
        "id": str(request["id"]), "kind": request["kind"], "status": request["status"], "reason": request["reason"],
        "message": request["message"] or "", "amount": format_money(request["amount"], currency) if request["amount"] else "",
        "return_tracking_no": request["return_tracking_no"] or "",
    }


@store_page(routes.STORE_ORDER, title="订单详情", on_load=OrderPageState.open_page)
def order_page() -> rx.Component:
    state = OrderPageState
    order = state.order
    return rx.cond(
        state.missing,
        rx.el.div(
            rx.el.p(tr("order.missing"), class_name="text-gray-600", data_testid="order-missing"),
            rx.el.a(tr("order.see_account"), href=routes.store_account(state.shop["slug"]), class_name="mt-4 inline-block text-emerald-700 underline"),
            class_name="px-6 py-16 text-center",
        ),
        rx.el.div(
            rx.el.section(
                rx.el.p(tr("order.number"), " ", order["order_no"], class_name="text-sm text-gray-500"),
                rx.el.h1(order_status_label(order["status"]), class_name="mt-1 text-2xl font-bold", data_testid="order-status"),
                rx.cond(order["test_payment"] != "", rx.el.p(
                    tr("payment.test_badge"), " · ", tr("payment.test_note"),
                    class_name="mt-2 inline-block rounded bg-amber-100 px-2 py-1 text-xs font-semibold text-amber-800", data_testid="test-payment",
                )),
                rx.cond(order["status"] == "pending_payment", rx.el.div(
                    rx.el.p(tr("order.pay_before"), " ", order["expires_at"], class_name="mt-1 text-sm text-amber-700"),
                    rx.el.a(tr("order.pay_now"), href=order["pay_url"], class_name=PRIMARY_BUTTON + " mt-3 bg-red-600 hover:bg-red-700"),
                )),
                rx.el.button(tr("chat.about_order"), on_click=ChatState.open_for_order(order["order_no"], state.order_token),
                             type="button", class_name="mt-3 text-sm text-emerald-700 underline"),
                class_name="rounded-2xl bg-white p-4",
            ),
            group_card(),
            rx.el.section(
                rx.el.ul(rx.foreach(state.items, lambda i: rx.el.li(
                    rx.el.span(i["title"], rx.cond(i["options"] != "", rx.el.span(" · ", i["options"], class_name="text-gray-500")),
                               rx.cond(i["ships_at"] != "", rx.el.span(tr("store.presale"), " · ", tr("order.ships_on"), " ", i["ships_at"],
                                                                       class_name="block text-xs text-amber-700", data_testid="item-ships-at")),
                               class_name="flex-1"),
                    rx.el.span(i["unit_price"], " ×", i["qty"], class_name="shrink-0 text-gray-500"),
                    rx.el.span(line_price(i), class_name="shrink-0 text-right"),
                    class_name="flex gap-2 py-1 text-sm", data_testid="order-item",
                ))),
                rx.el.div(
                    _row("store.subtotal", order["subtotal"]), savings_list(state.savings, "order-savings"),
                    rx.cond(state.savings.length() > 0, _row("saving.total", "-" + order["discount"])),
                    _row("store.shipping_fee", order["shipping"]),
                    _row("store.total", order["total"]),
                    rx.cond(order["refunded"] != "", _row("order.refunded", order["refunded"])),
                    class_name="mt-2 space-y-1 border-t pt-2 text-sm",
                ),
                class_name="rounded-2xl bg-white p-4",
            ),
            rx.el.section(
                rx.el.h2(tr("store.address_section"), class_name="mb-1 font-semibold"),
                rx.cond(
                    order["shipping_method"] != "",
                    rx.fragment(
                        rx.el.p(order["recipient"], class_name="text-sm"),
                        rx.el.p(order["address"], class_name="text-sm text-gray-600"),
                        rx.el.p(order["shipping_method"], class_name="text-sm text-gray-600"),
                    ),
                    rx.el.p(tr("store.no_shipping_needed"), class_name="text-sm text-gray-600"),  # virtual goods only
                ),
                class_name="rounded-2xl bg-white p-4",
            ),
            rx.cond(state.parcels.length() > 0, rx.el.section(
                rx.el.h2(tr("order.tracking"), class_name="mb-1 font-semibold"),
                rx.foreach(state.parcels, lambda p: rx.el.p(p["carrier"], " ", rx.el.span(p["tracking_no"], class_name="font-mono"),
                                                             class_name="text-sm", data_testid="parcel")),
                rx.el.ol(rx.foreach(state.tracking, lambda e: rx.el.li(
                    rx.el.span(e["at"], class_name="mr-2 text-gray-500"), e["text"], class_name="text-sm",
                )), class_name="mt-2 space-y-1 border-l-2 border-emerald-200 pl-3"),
                class_name="rounded-2xl bg-white p-4",
            )),
            reviews_card(),
            _aftersales(),
            rx.el.section(
                rx.el.h2(tr("order.timeline"), class_name="mb-1 font-semibold"),
                rx.el.ol(rx.foreach(state.timeline, lambda e: rx.el.li(
                    rx.el.span(e["at"], class_name="mr-2 text-gray-500"), order_event_label(e["type"]),
                    class_name="text-sm",
                ))),
                class_name="rounded-2xl bg-white p-4",
            ),
            class_name="space-y-3 p-4",
        ),
    )


def _row(key: str, value) -> rx.Component:
    return rx.el.div(rx.el.span(tr(key), class_name="text-gray-600"), rx.el.span(value), class_name="flex justify-between")


def _aftersales() -> rx.Component:
    state = OrderPageState
    return rx.cond(
        (state.requests.length() > 0) | state.can_request,
        rx.el.section(
            rx.el.h2(tr("aftersales.title"), class_name="mb-1 font-semibold"),
            rx.foreach(state.requests, _request_card),
            rx.cond(state.aftersales_problem != "", rx.el.p(state.aftersales_problem, role="alert", class_name="text-sm text-red-600")),
            rx.cond(state.can_request, rx.el.form(
                rx.el.fieldset(
                    rx.el.legend(tr("aftersales.kind"), class_name="text-sm text-gray-600"),
                    rx.el.label(rx.el.input(type="radio", name="kind", value="refund_only", default_checked=True, class_name="mr-1"),
                                tr("aftersales.refund_only"), class_name="mr-4 text-sm"),
                    rx.el.label(rx.el.input(type="radio", name="kind", value="return_and_refund", class_name="mr-1"),
                                tr("aftersales.return_and_refund"), class_name="text-sm"),
                ),
                rx.el.textarea(name="reason", rows=3, placeholder=tr("aftersales.reason"), aria_label=tr("aftersales.reason"), class_name=INPUT + " mt-2"),
                rx.upload.root(
                    rx.el.div(tr("aftersales.photos"), class_name="mt-2 cursor-pointer rounded-lg border border-dashed p-3 text-center text-sm text-gray-600"),
                    id="aftersales_photos", multiple=True, max_files=3,
                    accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]},
                    on_drop=state.add_photos(rx.upload_files(upload_id="aftersales_photos")),
                ),
                rx.foreach(state.photo_names, lambda name: rx.el.p(name, class_name="text-xs text-gray-500")),
                rx.el.button(tr("aftersales.submit"), type="submit", class_name=SECONDARY_BUTTON + " mt-2"),
                on_submit=state.request_aftersales,
                reset_on_submit=True,
                class_name="mt-2",
            )),
            class_name="rounded-2xl bg-white p-4",
        ),
    )


def _request_card(request: dict) -> rx.Component:
    state = OrderPageState
    return rx.el.div(
        rx.el.p(aftersales_kind_label(request["kind"]), " · ", aftersales_status_label(request["status"]),
                class_name="text-sm font-medium", data_testid="aftersales-status"),
        rx.el.p(request["reason"], class_name="text-sm text-gray-600"),
        rx.cond(request["message"] != "", rx.el.p(tr("aftersales.shop_says"), ": ", request["message"], class_name="text-sm text-amber-800")),
        rx.cond(request["status"] == "awaiting_return", rx.el.form(
            rx.el.input(type="hidden", name="request_id", value=request["id"]),
            rx.el.select(*[rx.el.option(c["name"], value=c["code"]) for c in fulfillment.carriers()], name="carrier",
                         aria_label=tr("orders.carrier"), class_name="rounded border px-2 py-1 text-sm"),
            rx.el.input(name="tracking_no", placeholder=tr("orders.tracking_no"), aria_label=tr("aftersales.return_tracking"),
                        class_name="min-w-0 flex-1 rounded border px-2 py-1 text-sm"),
            rx.el.button(tr("aftersales.send_return"), type="submit", class_name=SECONDARY_BUTTON + " py-1"),
            on_submit=state.send_return, reset_on_submit=False, class_name="mt-2 flex flex-wrap gap-2",
        )),
        class_name="border-t py-2 first:border-0",
    )
