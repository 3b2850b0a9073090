"""What the console's bargain page knows and does: the list with each bargain's numbers, the new bargain's
form (a variant chosen from the shop's), ending one, and its report."""

import reflex as rx

from shopapp.services.core.money import format_money
from shopapp.services.marketing import bargain_forms, bargains
from shopapp.ui.console.marketing.activity_list import ActivityListMixin, shown_iso
from shopapp.ui.console.marketing.variant_picker import VariantPickerState
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, ConfirmMixin, FormMixin

REPORT_NUMBERS = ("orders", "paid_orders", "units", "customers", "new_customers", "runs_started", "runs_finished")


class BargainsState(ActivityListMixin, FormMixin, ConfirmMixin, ConsoleState):
    @rx.event
    def load(self):
        self._listed(self._read(bargains.list_bargains), _row)

    @rx.event
    def create(self, form: dict):
        self._start_submit()
        made = self._submit(lambda session: bargain_forms.create_from_form(session, self._actor(), form))
        if made is FAILED:
            return
        self._created(made)
        return [BargainsState.load, VariantPickerState.clear]

    @rx.event
    def open_report(self, bargain_id: str):
        self.selected, self.error = bargain_id, ""
        found = self._read(lambda session, actor: bargains.bargain_report(session, actor, int(bargain_id)))
        if found is not None:
            self.report = {name: str(found[name]) for name in REPORT_NUMBERS}
            self.report |= {"revenue": format_money(found["revenue"]), "discount_total": format_money(found["discount_total"])}

    @rx.event
    def end(self):
        bargain_id = self._ending()
        self.error = self._attempt(lambda session, actor: bargains.end_bargain(session, actor, bargain_id))
        return BargainsState.load


def _row(item: dict) -> dict[str, str]:
    return {
        "id": str(item["id"]), "name": item["name"], "status": item["status"],
        "floor": format_money(item["floor_price"]), "helpers": str(item["helpers_needed"]), "hours": str(item["hours"]),
        "sold": str(item["sold"]), "quantity": str(item["quantity"]), "started": str(item["runs_started"]),
        "finished": str(item["runs_finished"]), "before_floor": "yes" if item["buy_before_floor"] else "",
        "when": f"{shown_iso(item['starts_at'])} – {shown_iso(item['ends_at'])}",
    }
