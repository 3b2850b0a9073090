"""/ops/audit: every operator action, newest first, a page at a time."""

import reflex as rx

from shopapp.services.platform import audit
from shopapp.ui import routes
from shopapp.ui.components.pager import pager
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.components.time import shown_time
from shopapp.ui.platform.ops.layout import CARD, ops_page
from shopapp.ui.platform.ops.state import OpsListMixin, OpsState

PER_PAGE = 30


class OpsAuditState(OpsListMixin, OpsState):
    rows: list[dict[str, str]] = []

    def _fill(self, session):
        found = audit.list_entries(session, page=self.page, per_page=PER_PAGE)
        self._counted(found["total"], PER_PAGE)
        self.rows = [{"at": shown_time(e["at"]), "operator": e["operator"], "action": e["action"],
                      "shop_id": str(e["shop_id"] or ""), "reason": e["reason"]} for e in found["items"]]

    @rx.event
    def load(self):
        self.page = 1
        self._load()


def _entry(row) -> rx.Component:
    return rx.el.div(
        rx.el.div(rx.el.span(tr_of("ops.action." + row["action"], "ops.action."), class_name="font-semibold"),
                  rx.el.span(row["at"], class_name="ml-auto text-xs text-gray-500"), class_name="flex gap-2"),
        rx.el.p(row["operator"], rx.cond(row["shop_id"] != "", rx.el.a(" · #", row["shop_id"], href=routes.ops_shop(row["shop_id"]),
                                                                          class_name="text-slate-700 underline")),
                class_name="text-sm text-gray-600"),
        rx.cond(row["reason"] != "", rx.el.p(row["reason"], class_name="text-sm")),
        class_name=CARD, data_testid="ops-audit-entry",
    )


@ops_page(routes.OPS_AUDIT, on_load=OpsAuditState.load)
def ops_audit() -> rx.Component:
    return rx.el.div(
        rx.el.h1(tr("ops.nav.audit"), class_name="mb-4 text-xl font-bold"),
        rx.el.div(rx.foreach(OpsAuditState.rows, _entry), class_name="flex flex-col gap-2"),
        pager(OpsAuditState.page, OpsAuditState.pages, OpsAuditState.total, OpsAuditState.turn_page(-1), OpsAuditState.turn_page(1)),
    )
