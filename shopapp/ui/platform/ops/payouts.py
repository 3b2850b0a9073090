"""/ops/payouts: the shops with a balance the platform holds for them, making a batch of those payouts (with a
confirmation), then marking a batch paid with the bank's reference once the transfers are done; the ledger of
batches below, a page at a time. Both actions are audited by the service."""

import dataclasses

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError
from shopapp.services.core.money import format_money
from shopapp.services.core.validation import id_from_text
from shopapp.services.platform import payouts
from shopapp.ui import routes
from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import INPUT, form_error
from shopapp.ui.components.pager import pager
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.components.time import shown_time
from shopapp.ui.platform.ops.layout import CARD, ops_page
from shopapp.ui.platform.ops.state import OpsListMixin, OpsState
from shopapp.ui.state import ConfirmMixin

PER_PAGE = 10


@dataclasses.dataclass
class BatchView:
    id: str = ""
    at: str = ""
    by: str = ""
    shops: str = ""
    total: str = ""
    status: str = ""
    paid_at: str = ""
    paid_by: str = ""
    reference: str = ""
    payouts: list[dict[str, str]] = dataclasses.field(default_factory=list)


class OpsPayoutsState(ConfirmMixin, OpsListMixin, OpsState):
    due: list[dict[str, str]] = []
    due_total: str = ""
    batches: list[BatchView] = []
    references: dict[str, str] = {}
    error: str = ""

    def _fill(self, session):
        owed = payouts.due(session)
        ledger = payouts.list_batches(session, page=self.page, per_page=PER_PAGE)
        self.due = [{"shop_id": str(i["shop_id"]), "name": i["name"], "slug": i["slug"], "balance": format_money(i["balance"])}
                    for i in owed["items"]]
        self.due_total = format_money(owed["total"])
        self._counted(ledger["total"], PER_PAGE)
        self.batches = [BatchView(
            id=str(b["id"]), at=shown_time(b["created_at"]), by=b["created_by"].removeprefix("operator:"),
            shops=str(b["shops"]), total=format_money(b["total"]), status=b["status"],
            paid_at=shown_time(b["paid_at"]), paid_by=b["paid_by"], reference=b["paid_reference"],
            payouts=[{"shop_id": str(p["shop_id"]), "name": p["name"], "amount": format_money(p["amount"])} for p in b["payouts"]],
        ) for b in ledger["items"]]

    @rx.event
    def load(self):
        self.page, self.error, self.confirming, self.references = 1, "", "", {}
        self._load()

    @rx.event
    def make_batch(self):
        self._act(lambda session, operator: payouts.run_batch(session, operator))

    @rx.event
    def set_reference(self, batch_id: str, value: str):
        self.references = {**self.references, batch_id: value[:100]}

    @rx.event
    def mark_paid(self, batch_id: str):
        reference = self.references.get(batch_id, "")
        self._act(lambda session, operator: payouts.mark_paid(session, operator, id_from_text(batch_id), reference))

    def _act(self, action):
        self.confirming, self.error = "", ""
        try:
            operator = self._operator()
            with session_scope() as session:
                action(session, operator)
        except DomainError as exc:
            self.error = self._problem_text(exc)
            return
        self.page = 1
        self._load()


def _due_row(row) -> rx.Component:
    return rx.el.li(
        rx.el.a(row["name"], href=routes.ops_shop(row["shop_id"]), class_name="text-slate-800 underline"),
        rx.el.span(row["balance"], class_name="font-medium"),
        class_name="flex items-center justify-between gap-2 py-2", data_testid="ops-payout-due",
    )


def _mark_paid(batch) -> rx.Component:
    return rx.el.div(
        rx.el.label(tr("ops.payouts.reference"), html_for="reference-" + batch.id, class_name="mb-1 block text-sm font-medium"),
        rx.el.input(id="reference-" + batch.id, on_change=lambda value: OpsPayoutsState.set_reference(batch.id, value),
                    class_name=INPUT + " mb-2"),
        confirm_button(OpsPayoutsState.confirming == "paid-" + batch.id, OpsPayoutsState.ask("paid-" + batch.id),
                       OpsPayoutsState.mark_paid(batch.id), OpsPayoutsState.cancel,
                       "ops.payouts.mark_paid", "ops.payouts.mark_paid_confirm"),
        class_name="mt-3",
    )


def _batch(batch) -> rx.Component:
    return rx.el.article(
        rx.el.div(
            rx.el.span(tr("ops.payouts.batch"), " #", batch.id, class_name="font-semibold"),
            rx.el.span(tr_of("ops.payouts.status." + batch.status, "ops.payouts.status."), data_testid="ops-payout-status",
                       class_name=rx.cond(batch.status == "paid", "rounded bg-emerald-50 px-2 text-xs text-emerald-800",
                                          "rounded bg-amber-100 px-2 text-xs text-amber-900")),
            rx.el.span(batch.at, class_name="ml-auto text-xs text-gray-500"),
            class_name="flex flex-wrap items-center gap-2",
        ),
        rx.el.p(tr("ops.payouts.total"), " ", batch.total, " · ", batch.shops, " · ", batch.by, class_name="text-sm text-gray-600"),
        rx.el.ul(rx.foreach(batch.payouts, lambda p: rx.el.li(
            rx.el.span(p["name"]), rx.el.span(p["amount"]), class_name="flex justify-between text-sm")), class_name="mt-2"),
        rx.cond(batch.status == "paid",
                rx.el.p(tr("ops.payouts.status.paid"), " ", batch.paid_at, " · ", batch.reference, " · ", batch.paid_by,
                        class_name="mt-2 text-sm text-emerald-800"),
                _mark_paid(batch)),
        class_name=CARD, data_testid="ops-payout-batch",
    )


@ops_page(routes.OPS_PAYOUTS, on_load=OpsPayoutsState.load)
def ops_payouts() -> rx.Component:
    return rx.el.div(
        rx.el.h1(tr("ops.payouts.title"), class_name="mb-4 text-xl font-bold"),
        form_error(OpsPayoutsState.error),
        rx.el.section(
            rx.el.h2(tr("ops.payouts.due"), class_name="mb-2 font-semibold"),
            rx.cond(
                OpsPayoutsState.due.length() == 0,
                rx.el.p(tr("ops.payouts.none_due"), class_name="text-sm text-gray-500"),
                rx.el.div(
                    rx.el.ul(rx.foreach(OpsPayoutsState.due, _due_row), class_name="divide-y"),
                    rx.el.p(tr("ops.payouts.total"), " ", OpsPayoutsState.due_total, class_name="my-3 font-semibold"),
                    confirm_button(OpsPayoutsState.confirming == "batch", OpsPayoutsState.ask("batch"), OpsPayoutsState.make_batch,
                                   OpsPayoutsState.cancel, "ops.payouts.make", "ops.payouts.make_confirm"),
                ),
            ),
            class_name=CARD + " mb-6",
        ),
        rx.el.h2(tr("ops.payouts.batches"), class_name="mb-2 font-semibold"),
        rx.cond(OpsPayoutsState.batches.length() == 0, rx.el.p(tr("ops.payouts.empty"), class_name="text-sm text-gray-500")),
        rx.el.div(rx.foreach(OpsPayoutsState.batches, _batch), class_name="flex flex-col gap-3"),
        pager(OpsPayoutsState.page, OpsPayoutsState.pages, OpsPayoutsState.total, OpsPayoutsState.turn_page(-1), OpsPayoutsState.turn_page(1)),
    )
