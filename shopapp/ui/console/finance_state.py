"""财务 page state: the chosen days, the figures per day or month and per provider, and reconciliation."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import reflex as rx

from shopapp.db import session_scope
from shopapp.i18n import pick_lang
from shopapp.services.analytics import finance, finance_export, reconciliation
from shopapp.services.core.errors import DomainError, Forbidden
from shopapp.services.core.money import format_money
from shopapp.services.shops import shops
from shopapp.ui.console.state import ConsoleState


class FinanceState(ConsoleState):
    period: str = "7d"  # today, 7d, 30d, month; "" for the days typed in
    group: str = "day"
    first: str = ""
    last: str = ""
    rows: list[dict[str, str]] = []
    totals: dict[str, str] = {}
    providers: list[dict[str, str]] = []
    range_error: str = ""
    allowed: bool = True
    form_key: int = 0  # the date inputs show the range shown: a new key whenever it changes

    @rx.event
    def load(self):
        self.period, self.group = "7d", "day"
        self._show(self.period, "", "")

    @rx.event
    def choose_period(self, period: str):
        self._show(period, "", "")
        return ReconciliationState.refresh

    @rx.event
    def choose_group(self, group: str):
        self.group = group if group in finance.GROUPS else "day"
        self._show("", self.first, self.last)

    @rx.event
    def apply_range(self, form: dict):
        self._show("", form.get("from", ""), form.get("to", ""))
        return ReconciliationState.refresh

    @rx.event
    def download(self, kind: str):
        report = self._report()
        if report is None:
            return
        lang = pick_lang(self.lang)
        data = finance_export.to_xlsx(report, lang) if kind == "xlsx" else finance_export.to_csv(report, lang)
        return rx.download(data=data, filename=finance_export.file_name(report, "xlsx" if kind == "xlsx" else "csv"))

    def _days(self) -> finance.Range:
        return finance.date_range(self.first, self.last)

    def _report(self) -> dict | None:
        return self._read(lambda session, actor: finance.finance_report(session, actor, self._days(), self.group))

    def _show(self, period: str, start: str, end: str) -> None:
        try:
            days = finance.date_range(start, end, period or None)
        except DomainError as exc:
            self.range_error = "；".join(self._field_messages(exc).values())
            return
        self.period, self.first, self.last, self.range_error = period, days.first.isoformat(), days.last.isoformat(), ""
        self.form_key += 1
        found = self._read(lambda session, actor: (
            finance.finance_report(session, actor, days, self.group), shops.get_shop(session, actor.shop_id).currency,
        ))
        self.allowed = found is not None
        if found is None:
            return
        report, currency = found
        self.rows = [_shown(row, "date", currency) for row in report["days"]]
        self.totals = _shown(report["totals"], "", currency)
        # tr_of takes whole catalogue keys.
        self.providers = [{**_shown(row, "", currency), "name": f"finance.provider.{row['provider']}"} for row in report["providers"]]


class ReconciliationState(FinanceState):
    mismatches: list[dict[str, str]] = []
    summary: list[dict[str, str]] = []
    checked: str = ""  # the days compared, "2026-12-01 – 2026-12-06"
    statement_name: str = ""
    statement_error: str = ""
    checking: bool = False

    @rx.event(background=True)
    async def refresh(self):
        """Our records and the sandbox's over the days the table shows, compared outside the state's lock: a month
        of a big shop's payments takes seconds (bench/README.md, "Rollups at the issue's scale"), longer than a
        handler may hold the lock with Redis, and the figures above show meanwhile."""
        async with self:
            self.statement_name, self.statement_error, self.checking = "", "", True
            actor, days = self._signed_in(), self._days()
        found = await asyncio.to_thread(_reconciled, actor, days) if actor else None
        async with self:
            self.checking = False
            self._show_answer(found)

    @rx.event
    async def check_statement(self, files: list[rx.UploadFile]):
        """An Alipay 账务明细 against our records over the statement's own days."""
        if not files:
            return
        self.statement_name, self.statement_error = files[0].name or "statement.csv", ""
        data = await files[0].read()
        try:
            found = self._read(lambda session, actor: (
                reconciliation.reconcile_statement(session, actor, data), shops.get_shop(session, actor.shop_id).currency,
            ))
        except DomainError as exc:
            self.statement_error = "；".join(self._field_messages(exc).values()) or self._message(exc)
            return
        self._show_answer(found)

    def _show_answer(self, found) -> None:
        if found is None:
            return
        answer, currency = found
        money = lambda amount: format_money(amount, currency)  # noqa: E731 - one currency per shop
        self.checked = f"{answer['from'].isoformat()} – {answer['to'].isoformat()}"
        self.mismatches = [{
            "kind": f"finance.kind.{m['kind']}", "provider": f"finance.provider.{m['provider'] or finance.NO_PAYMENT}",
            "what": m["what"],
            "order_no": m["order_no"] or "—", "reference": m["reference"] or "—", "ours": money(m["ours"]),
            "theirs": money(m["theirs"]), "row": str(m["row"] or ""),
        } for m in answer["mismatches"]]
        self.summary = [{
            "provider": f"finance.provider.{p['provider']}", "payments": str(p["payments"]), "amount": money(p["amount"]),
            "refunds": money(p["refunds"]),
            "statement": "—" if p["statement"] is None else f"{p['statement']['payments']} · {money(p['statement']['amount'])}",
        } for p in answer["providers"]]


def _reconciled(actor, days: finance.Range) -> tuple[dict, str] | None:
    """Our records against the sandbox's over `days`, and the shop's currency; None when the role may not see it.
    A read writes nothing, so a suspended shop's owner still sees it (as ConsoleState._read)."""
    try:
        with session_scope() as session:
            return (reconciliation.reconcile(session, replace(actor, suspended=False), days, None),
                    shops.get_shop(session, actor.shop_id).currency)
    except Forbidden:
        return None


def _shown(row: dict, name: str, currency: str) -> dict[str, str]:
    """A row's figures as the page shows them (money as ¥, the count as it is)."""
    shown = {key: str(row[key]) if key == "paid_orders" else format_money(row[key], currency) for key in finance.FIGURES}
    return {"name": str(row[name]) if name else "", **shown}
