"""套餐与账单's state: the shop's plan and status, the plans to choose, a bill to pay, invoices."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.clock import shop_time
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.platform import billing, plans
from shopapp.settings import get_settings
from shopapp.ui import routes
from shopapp.ui.components.storage_usage import storage_text
from shopapp.ui.console.state import ConsoleState


class BillingState(ConsoleState):
    plan_name: str = ""
    status_key: str = ""  # billing.status.trial, .active, .grace, .free
    period_end: str = ""
    next_plan: str = ""
    downgrade_notes: list[str] = []  # what the next plan's limits leave out: allowed, nothing deleted
    pending_url: str = ""
    pending_amount: str = ""
    plans: list[dict[str, str]] = []
    invoices: list[dict[str, str]] = []
    storage: str = ""  # 已用 x MB / y MB
    problem: str = ""

    @rx.event
    def load(self):
        view = self._read(lambda session, actor: (billing.subscription_view(session, actor), plans.list_plans(session)))
        if view is None:
            return
        sub, offered = view
        english = self.english
        self.plan_name = (sub["plan"]["name_en"] if english else sub["plan"]["name"]) if sub["plan"] else ""
        self.status_key = f"billing.status.{sub['status']}"
        self.period_end = f"{shop_time(sub['period_end']):%Y-%m-%d}" if sub["period_end"] else ""
        self.next_plan = ((sub["next_plan"]["name_en"] if english else sub["next_plan"]["name"]) if sub["next_plan"] else "")
        self.downgrade_notes = [self._text("billing.over_limit").format(
            what=self._text(f"billing.limit.{n['limit']}"), used=n["used"], allowed=n["allowed"]) for n in sub["downgrade_notes"]]
        pending = sub["pending_payment"]
        self.pending_url = pending["pay_url"] if pending else ""
        self.pending_amount = format_money(pending["amount"]) if pending else ""
        self.plans = [{
            "id": str(p["id"]), "code": p["code"], "name": p["name_en"] if english else p["name"],
            "monthly": format_money(p["monthly_price"]), "yearly": format_money(p["yearly_price"]),
            "commission": f"{p['commission_percent']:g}%", "free": "yes" if p["is_free"] else "",
            "current": "yes" if sub["plan"] and p["id"] == sub["plan"]["id"] else "",
        } for p in offered]
        self.invoices = [{"number": i["number"], "total": format_money(i["total"]), "kind": i["kind"],
                          "day": f"{shop_time(i['issued_at']):%Y-%m-%d}", "url": i["pdf_url"]} for i in sub["invoices"]]
        self.storage = storage_text(self._text, sub["storage"])
        self.problem = ""

    @rx.event
    def choose(self, plan_id: str, period: str):
        back = f"{get_settings().public_url}{routes.CONSOLE_BILLING}"
        try:
            answer = self._read_or_raise(lambda session, actor: billing.change_plan(session, actor, plan_id, period, return_url=back))
        except DomainError as exc:
            self.problem = self._problem_text(exc)
            return
        if answer and answer["created"]:
            self._leave(answer["payment"]["pay_url"])
            return
        return BillingState.load

    @rx.event
    def pay_pending(self):
        if self.pending_url:
            self._leave(self.pending_url)

    def _read_or_raise(self, action):
        with session_scope() as session:
            return action(session, self._actor())
