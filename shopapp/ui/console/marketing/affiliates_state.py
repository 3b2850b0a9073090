"""The console's 分销 page state: the programme's settings, the figures, promoters, commissions and the
withdrawals waiting for the owner (each list holds its newest page only)."""

import reflex as rx

from shopapp.services.core.money import format_money
from shopapp.services.marketing import affiliate_money, affiliates
from shopapp.ui.components.time import shown_time
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, FormMixin

SETTINGS = (
    ("level1_percent", "affiliates.level1_percent", "affiliates.level1_percent_hint"),
    ("level2_percent", "affiliates.level2_percent", "affiliates.level2_percent_hint"),
    ("binding_days", "affiliates.binding_days", "affiliates.binding_days_hint"),
    ("settle_days", "affiliates.settle_days", "affiliates.settle_days_hint"),
)
PER_PAGE = 20


class AffiliatesState(FormMixin, ConsoleState):
    form: dict[str, str] = {}  # the settings as typed, and "enabled": "yes" or ""
    form_key: int = 0
    saved: bool = False
    allowed: bool = True
    numbers: dict[str, str] = {}  # promoters, commission, withdrawn, requested
    promoters: list[dict[str, str]] = []
    commissions: list[dict[str, str]] = []
    withdrawals: list[dict[str, str]] = []
    decided: str = ""  # the message after approving or rejecting

    @rx.event
    def load(self):
        found = self._read(affiliates.read_program)
        self.allowed = found is not None
        self.saved, self.decided, self.errors, self.error = False, "", {}, ""
        if found is not None:
            self._show(found)
            self._load_lists()

    @rx.event
    def save(self, form: dict):
        self._start_submit()
        self.saved = False
        values = {"enabled": form.get("enabled") == "on", **{name: (form.get(name) or "").strip() for name, _, _ in SETTINGS}}
        saved = self._submit(lambda session: affiliates.save_program(session, self._actor(), values))
        if saved is FAILED:
            return
        self._show(saved)
        self.saved = True

    @rx.event
    def decide(self, withdrawal_id: str, approve: bool):
        self._start_submit()
        done = self._submit(lambda session: affiliate_money.decide_withdrawal(session, self._actor(), int(withdrawal_id), approve))
        if done is FAILED:
            return
        self.decided = self._text("affiliates.approved" if approve else "affiliates.rejected")
        self._load_lists()

    def _show(self, program: dict):
        self.form = {name: str(program[name]) for name, _, _ in SETTINGS} | {"enabled": "yes" if program["enabled"] else ""}
        self.form_key += 1

    def _load_lists(self):
        def read(session, actor):
            return (affiliate_money.figures(session, actor.shop_id),
                    affiliate_money.list_promoters(session, actor, per_page=PER_PAGE),
                    affiliate_money.list_commissions(session, actor, per_page=PER_PAGE),
                    affiliate_money.list_withdrawals(session, actor, per_page=PER_PAGE))

        found = self._read(read)
        if found is None:
            return
        numbers, promoters, commissions, withdrawals = found
        self.numbers = {"promoters": str(numbers["promoters"]),
                        **{name: format_money(numbers[name]) for name in ("commission", "withdrawn", "requested")}}
        self.promoters = [{
            "code": row["code"], "name": row["name"], "inviter": row["inviter_code"] or "—",
            "team": f'{row["team"]["level1"]} / {row["team"]["level2"]}', "frozen": format_money(row["frozen"]),
            "available": format_money(row["available"]), "withdrawn": format_money(row["withdrawn"]),
        } for row in promoters["items"]]
        self.commissions = [{
            "order_no": row["order_no"], "code": row["promoter_code"], "level": str(row["level"]),
            "amount": format_money(row["amount"]), "status_key": "promoter.status." + row["status"],
        } for row in commissions["items"]]
        self.withdrawals = [{
            "id": str(row["id"]), "code": row["promoter_code"], "amount": format_money(row["amount"]),
            "status": row["status"], "status_key": "promoter.withdrawal." + row["status"], "at": shown_time(row["requested_at"]),
        } for row in withdrawals["items"]]
