"""What the 拼团 page knows and does: the group (or the activity a new group opens), its members, and the order
that opens or joins it. Rules and money are the services'; this only shows them and hands the form over."""

import uuid

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.checkout import group_orders
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.marketing import group_buys
from shopapp.settings import get_settings
from shopapp.ui import routes
from shopapp.ui.components.time import server_clock
from shopapp.ui.state import FormMixin, LeaveMixin
from shopapp.ui.store.state import StoreState


class GroupState(LeaveMixin, FormMixin, StoreState):
    group: dict[str, str] = {}  # status, size, paid, missing, expires_at, share link; empty when opening a new group
    members: list[dict[str, str]] = []
    variants: list[dict[str, str]] = []  # {id, label}: the activity's variants at their group price
    title: str = ""
    joinable: bool = False
    missing_page: bool = False
    attempt: str = ""  # one Idempotency-Key per visit: a double tap never places two orders

    @rx.event
    def load(self):
        self._load_shop()
        if self.not_found:
            return
        self.errors, self.error, self.busy, self.attempt = {}, "", False, uuid.uuid4().hex
        try:
            with session_scope() as session:  # /s/<slug>/groups/<group_id>, or /s/<slug>/group-buys/<group_buy_id> to open one
                page = group_buys.shopper_page(session, int(self.shop["id"]), group_id=self.group_id or None,
                                               group_buy_id=self.group_buy_id or None)
        except DomainError:
            self.missing_page, self.group, self.members, self.joinable = True, {}, [], False
            return
        self.missing_page, self.title, view = False, page["name"], page["group"]
        self.variants = [{"id": str(v["id"]), "label": " / ".join(v["options"]) + " " + format_money(v["price"])} for v in page["variants"]]
        if view is None:
            self.group, self.members, self.joinable = {}, [], True
            return
        slug = self.shop["slug"]
        self.group = {
            "id": str(view["group_id"]), "status": view["status"], "size": str(view["group_size"]),
            "paid": str(view["paid_members"]), "missing": str(view["places_left"]), "expires_at": view["expires_at"] or "",
            "now": server_clock(), "share": get_settings().public_url + routes.store_group(slug, str(view["group_id"])),
            "product": routes.product_page(slug, view["product_id"]) if view["product_id"] else "",
        }
        self.members = [{"name": m["name_masked"], "paid": "yes" if m["paid"] else "", "opener": "yes" if m["opener"] else ""}
                        for m in view["members"]]
        self.joinable = view["joinable"]

    @rx.event
    def submit(self, form: dict):
        self._start_submit()
        yield
        token = self._shopper_token()
        if not token:
            self.busy, self.error = False, self._text("group.login_first")
            return
        body = {
            "variant_id": form.get("variant_id", ""), "qty": form.get("qty", "1") or "1",
            "address": {k: form.get(k, "") for k in ("name", "phone", "province", "city", "district", "line1", "postcode")},
        }
        try:
            with session_scope() as session:
                shop_id = int(self.shop["id"])
                if self.group:
                    placed = group_orders.join_group(session, shop_id, self.group["id"], token, body, idempotency_key=self.attempt)
                else:
                    placed = group_orders.open_group(session, shop_id, self.group_buy_id, token, body,
                                                     idempotency_key=self.attempt)
        except DomainError as exc:
            self._show_error(exc)
            self.errors = {key.removeprefix("address."): message for key, message in self.errors.items()}
            return
        self.busy = False
        if placed["payment"]:
            self._leave(placed["payment"]["pay_url"])  # the gateway's pay page, then back to the order page
        else:
            yield rx.redirect(routes.store_order(self.shop["slug"], placed["order_no"], placed["token"]))

