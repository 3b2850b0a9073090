"""What the console's 秒杀 page knows and does: the sales, a new one, ending one, and one sale's numbers."""

import reflex as rx

from shopapp.services.core.money import format_money
from shopapp.services.marketing import flash_sales
from shopapp.ui.console.marketing.activity_list import ActivityListMixin, shown_iso
from shopapp.ui.console.marketing.variant_picker import VariantPickerState
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, ConfirmMixin, FormMixin


class FlashSalesState(ActivityListMixin, FormMixin, ConfirmMixin, ConsoleState):
    @rx.event
    def load(self):
        self._listed(self._read(flash_sales.list_flash_sales), _row)

    @rx.event
    def create(self, form: dict):
        self._start_submit()
        made = self._submit(lambda session: flash_sales.create_from_form(session, self._actor(), form))
        if made is FAILED:
            return
        self._created(made)
        return [FlashSalesState.load, VariantPickerState.clear]

    @rx.event
    def end(self):
        sale_id = self._ending()
        self.error = self._attempt(lambda session, actor: flash_sales.end_flash_sale(session, actor, sale_id))
        return FlashSalesState.load

    @rx.event
    def open_report(self, sale_id: str):
        self.selected = sale_id
        found = self._read(lambda session, actor: flash_sales.flash_sale_report(session, actor, int(sale_id)))
        if found is not None:
            self.report = {k: str(found[k]) for k in ("orders", "paid_orders", "units", "customers")}
            self.report["revenue"] = format_money(found["revenue"])


def _row(item: dict) -> dict[str, str]:
    return {
        "id": str(item["id"]), "name": item["name"], "title": item["title"], "status": item["status"],
        "price": format_money(item["price"]), "sold": str(item["sold"]), "quantity": str(item["quantity"]),
        "when": f"{shown_iso(item['starts_at'])} – {shown_iso(item['ends_at'])}",
    }
