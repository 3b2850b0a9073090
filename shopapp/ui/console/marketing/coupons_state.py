"""What the console's coupon page knows and does: the list, the new coupon's form, and per coupon its
one-time codes (downloaded as CSV), issuing to chosen shoppers, its numbers, and ending it."""

import reflex as rx

from shopapp.i18n import field_message, pick_lang
from shopapp.services.core.money import format_money
from shopapp.services.marketing import coupon_forms, coupons
from shopapp.ui.components.time import shown_time
from shopapp.ui.console.marketing.scope_picker import ScopePickerState
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, ConfirmMixin, FormMixin


class CouponsState(FormMixin, ConfirmMixin, ConsoleState):
    items: list[dict[str, str]] = []
    allowed: bool = True  # the role may see coupons (owners, admins, operations)
    kind: str = "amount"  # the form shows the fields of this kind
    dates: str = "fixed"  # fixed dates, or N days after claiming
    form_key: int = 0  # bumped so the emptied form remounts after a save
    saved: str = ""
    selected: str = ""  # the coupon whose panel is open
    panel: str = ""  # codes, issue or report
    notice: str = ""  # what the last panel action did
    report: dict[str, str] = {}
    report_orders: list[dict[str, str]] = []

    @rx.event
    def load(self):
        found = self._read(coupons.list_coupons)
        self.allowed = found is not None
        if found is not None:
            self.items = [_row(item) for item in found]

    @rx.event
    def set_kind(self, kind: str):
        self.kind = kind

    @rx.event
    def set_dates(self, dates: str):
        self.dates = dates

    @rx.event
    def create(self, form: dict):
        self._start_submit()
        made = self._submit(lambda session: coupon_forms.create_from_form(session, self._actor(), form))
        if made is FAILED:
            return
        self.saved, self.kind, self.dates = made["name"], "amount", "fixed"
        self.form_key += 1
        return [CouponsState.load, ScopePickerState.clear]

    @rx.event
    def open_panel(self, coupon_id: str, panel: str):
        self.selected, self.panel, self.notice, self.errors, self.error = coupon_id, panel, "", {}, ""
        if panel == "report":
            found = self._read(lambda session, actor: coupons.coupon_report(session, actor, int(coupon_id)))
            if found is not None:
                self.report = {k: str(found[k]) for k in ("orders", "paid_orders", "units", "customers", "new_customers")}
                self.report |= {"revenue": format_money(found["revenue"]), "discount_total": format_money(found["discount_total"])}
                self.report_orders = [_order_row(order) for order in found["order_list"]]

    @rx.event
    def close_panel(self):
        self.selected, self.panel, self.notice = "", "", ""

    @rx.event
    def make_codes(self, form: dict):
        self._start_submit()
        coupon_id = int(self.selected)
        made = self._submit(lambda session: coupons.generate_codes(session, self._actor(), coupon_id, {"count": form.get("count", "")}))
        if made is FAILED:
            return
        self.notice = str(len(made["codes"]))
        return CouponsState.download_codes

    @rx.event
    def download_codes(self):
        """Every one-time code of the open coupon as a CSV file (used ones marked)."""
        coupon_id = int(self.selected)
        found = self._read(lambda session, actor: coupons.list_codes(session, actor, coupon_id))
        if found is not None:
            return rx.download(data=coupon_forms.codes_csv(found).encode("utf-8"), filename=f"coupon-{coupon_id}-codes.csv")

    @rx.event
    def issue(self, form: dict):
        self._start_submit()
        coupon_id = int(self.selected)
        emails = [e for e in str(form.get("emails", "")).replace("，", ",").replace("\n", ",").split(",") if e.strip()]
        answer = self._submit(lambda session: coupons.issue(session, self._actor(), coupon_id, {"emails": emails}))
        if answer is FAILED:
            return
        skipped = "；".join(f"{s['who']}（{self._reason(s['reason'])}）" for s in answer["skipped"])
        self.notice = f"{answer['issued']}" + (f" · {skipped}" if skipped else "")
        return CouponsState.load

    @rx.event
    def end(self):
        coupon_id = int(self.confirming)
        self.confirming = ""
        self.error = self._attempt(lambda session, actor: coupons.end_coupon(session, actor, coupon_id))
        return CouponsState.load

    def _reason(self, code: str) -> str:
        return field_message(code, pick_lang(self.lang))


def _row(item: dict) -> dict[str, str]:
    when = (f"{shown_time(item['starts_at'])} – {shown_time(item['ends_at'])}" if item["valid_days"] is None
            else str(item["valid_days"]))
    return {
        "id": str(item["id"]), "name": item["name"], "description": item["description"],
        "status": item["status"], "issued": str(item["issued"]), "used": str(item["used"]),
        "left": "∞" if item["left"] is None else str(item["left"]), "code": item["code"] or "",
        "when": when, "days": "" if item["valid_days"] is None else "yes", "claimable": "yes" if item["claimable"] else "",
        "scope": "coupons.scope_some" if item["product_ids"] or item["category_ids"] else "coupons.scope_all",
    }


def _order_row(order: dict) -> dict[str, str]:
    return {"order_no": order["order_no"], "total": format_money(order["total"]), "discount": format_money(order["discount"]),
            "status": order["status"], "at": shown_time(order["created_at"])}
