"""What the console's 秒杀 page knows and does: the sales, a new one, ending one, and one sale's numbers."""

from datetime import datetime

import reflex as rx

from shopapp.services.core.money import format_money
from shopapp.services.marketing import flash_sales
from shopapp.ui.components.time import shown_time
from shopapp.ui.console.marketing.variant_picker import VariantPickerState
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, ConfirmMixin, FormMixin


class FlashSalesState(FormMixin, ConfirmMixin, ConsoleState):
    items: list[dict[str, str]] = []
    allowed: bool = True
    form_key: int = 0
    saved: str = ""
    selected: str = ""  # the sale whose numbers are open
    report: dict[str, str] = {}

    @rx.event
    def load(self):
        found = self._read(flash_sales.list_flash_sales)
        self.allowed = found is not None
        if found is not None:
            self.items = [_row(item) for item in found]

    @rx.event
    def create(self, form: dict):
        self._start_submit()
        made = self._submit(lambda session: flash_sales.create_from_form(session, self._actor(), form))
        if made is FAILED:
            return
        self.saved = made["name"]
        self.form_key += 1
        return [FlashSalesState.load, VariantPickerState.clear]

    @rx.event
    def end(self):
        sale_id = int(self.confirming)
        self.confirming = ""
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
        "when": f"{shown_time(_moment(item['starts_at']))} – {shown_time(_moment(item['ends_at']))}",
    }


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
