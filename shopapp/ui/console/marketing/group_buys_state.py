"""What the console's 拼团 page knows and does: the activities with their group numbers, a new one, its report, ending it."""

import reflex as rx

from shopapp.services.checkout import group_orders
from shopapp.services.core.money import format_money
from shopapp.services.marketing import group_buy_forms, group_buys
from shopapp.ui.console.marketing.activity_list import ActivityListMixin, shown_iso
from shopapp.ui.console.marketing.variant_picker import VariantPickerState
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, ConfirmMixin, FormMixin

NUMBERS = ("orders", "paid_orders", "units", "customers", "new_customers", "groups_formed", "groups_failed", "groups_forming")


class GroupBuysState(ActivityListMixin, FormMixin, ConfirmMixin, ConsoleState):
    report_orders: list[dict[str, str]] = []
    problem: str = ""  # what ending one refused

    @rx.event
    def load(self):
        self._listed(self._read(group_buys.list_group_buys), _row)

    @rx.event
    def create(self, form: dict):
        self._start_submit()
        made = self._submit(lambda session: group_buy_forms.create_from_form(session, self._actor(), form))
        if made is FAILED:
            return
        self._created(made)
        return [GroupBuysState.load, VariantPickerState.clear]

    @rx.event
    def open_report(self, group_buy_id: str):
        self.selected = group_buy_id
        found = self._read(lambda session, actor: group_buys.group_buy_report(session, actor, int(group_buy_id)))
        if found is not None:
            self.report = {k: str(found[k]) for k in NUMBERS}
            self.report |= {"revenue": format_money(found["revenue"]), "discount_total": format_money(found["discount_total"])}
            self.report_orders = [{"order_no": o["order_no"], "status": self._text(f"order.status.{o['status']}"), "total": format_money(o["total"]),
                                   "at": shown_iso(o["created_at"])} for o in found["order_list"]]

    @rx.event
    def end(self):
        """End it now: its forming groups fail and their paid members are refunded in full."""
        group_buy_id = self._ending()
        self.problem = self._attempt(lambda session, actor: group_orders.end_group_buy(session, actor, group_buy_id))
        return GroupBuysState.load


def _row(item: dict) -> dict[str, str]:
    prices = sorted(set(item["prices"].values()))
    return {
        "id": str(item["id"]), "name": item["name"], "status": item["status"], "product_id": str(item["product_id"]),
        "size": str(item["group_size"]), "hours": str(item["hours_to_form"]),
        "price": " / ".join(format_money(p) for p in prices), "virtual": "yes" if item["fill_with_virtual"] else "",
        "when": f"{shown_iso(item['starts_at'])} – {shown_iso(item['ends_at'])}",
        "forming": str(item["groups_forming"]), "formed": str(item["groups_formed"]), "failed": str(item["groups_failed"]),
    }
