"""/ops/shops/<id>: one shop as the operator sees it, and suspending or restoring it (a reason, then a confirmation)."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.i18n import pick_lang
from shopapp.services.core.errors import DomainError, NotFound
from shopapp.services.core.money import format_money
from shopapp.services.core.validation import id_from_text
from shopapp.services.platform import plans, shop_directory, suspension
from shopapp.ui import routes
from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import INPUT, SECONDARY_BUTTON, form_error
from shopapp.ui.components.storage_usage import storage_text
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.components.time import shown_time
from shopapp.ui.platform.ops.layout import CARD, ops_page
from shopapp.ui.platform.ops.state import OpsState
from shopapp.ui.state import ConfirmMixin


class OpsShopState(ConfirmMixin, OpsState):
    found: bool = False
    shop: dict[str, str] = {}
    staff: list[dict[str, str]] = []
    history: list[dict[str, str]] = []
    entries: list[dict[str, str]] = []
    reports: list[dict[str, str]] = []
    reason: str = ""
    error: str = ""
    plan_options: list[dict[str, str]] = []
    grant_error: str = ""

    def _shop_id(self) -> int:
        return id_from_text(self.router.page.params.get("shop_id", ""))

    @rx.event
    def load(self):
        self.reason, self.error, self.confirming = "", "", ""
        self._load()

    def _load(self):
        try:
            self._operator()
            with session_scope() as session:
                page = shop_directory.shop_page(session, self._shop_id())
                options = plans.list_plans(session)
        except NotFound:
            self.found = False
            return
        english = pick_lang(self.lang) == "en"
        held = page["suspension"] or {}
        plan = page["plan"]
        self.found = True
        self.shop = {
            "id": str(page["id"]), "name": page["name"], "slug": page["slug"], "status": page["status"],
            "owner": page["owner"]["email"], "created_at": shown_time(page["created_at"]),
            "plan": plan["plan"]["name_en" if english else "name"], "plan_kind": plan["kind"],
            "plan_ends": shown_time(plan["ends_at"]), "gmv": format_money(page["gmv_30d"]),
            "orders_today": str(page["orders"]["today"]), "orders_7d": str(page["orders"]["7d"]),
            "orders_30d": str(page["orders"]["30d"]), "orders_all": str(page["orders"]["all"]),
            "products": str(page["products"]), "last_activity": shown_time(page["last_activity"]),
            "suspended_reason": held.get("reason", ""), "suspended_at": shown_time(held.get("suspended_at")),
        }
        self.staff = [{"email": member["email"], "role": member["role"]} for member in page["staff"]]
        self.history = [{"plan": row["plan_en" if english else "plan"], "kind": row["kind"],
                         "starts": shown_time(row["starts_at"]), "ends": shown_time(row["ends_at"])} for row in page["plan_history"]]
        self.plan_options = [{"id": str(p["id"]), "name": p["name_en" if english else "name"]}
                             for p in options]
        self.entries = [{"at": shown_time(e["at"]), "action": e["action"], "operator": e["operator"], "reason": e["reason"]}
                        for e in page["audit"]]
        self.reports = [{"at": shown_time(r["created_at"]), "reason": r["reason"], "details": r["details"], "status": r["status"],
                         "resolution": r["resolution"]} for r in page["reports"]]
        storage = page["storage"]
        self.shop = {**self.shop, "storage": storage_text(self._text, storage)}

    @rx.event
    def grant(self, form: dict):
        """Put the shop on a plan for some days (or with no end), with a reason for the audit log."""
        self.grant_error = ""
        try:
            operator = self._operator()
            with session_scope() as session:
                plans.grant_plan(session, operator, self._shop_id(), form.get("plan_id", ""),
                                 days=form.get("days") or None, reason=form.get("grant_reason", ""))
        except DomainError as exc:
            self.grant_error = self._problem_text(exc)
            return
        self._load()

    @rx.event
    def set_reason(self, value: str):
        self.reason = value[:500]

    @rx.event
    def apply(self):
        """Suspend an active shop or restore a suspended one, with the reason typed above."""
        self.confirming, self.error = "", ""
        try:
            operator = self._operator()
            with session_scope() as session:
                act = suspension.restore if self.shop.get("status") == "suspended" else suspension.suspend
                act(session, operator, self._shop_id(), self.reason)
        except DomainError as exc:
            self.error = self._problem_text(exc)
            return
        self.reason = ""
        self._load()


def _grant_box() -> rx.Component:
    return rx.el.form(
        rx.el.h2(tr("ops.grant.title"), class_name="mb-2 font-semibold"),
        form_error(OpsShopState.grant_error),
        rx.el.div(
            rx.el.select(rx.foreach(OpsShopState.plan_options, lambda p: rx.el.option(p["name"], value=p["id"])),
                         name="plan_id", aria_label=tr("ops.plan"), class_name=INPUT),
            rx.el.input(name="days", inputmode="numeric", placeholder=tr("ops.grant.days"), aria_label=tr("ops.grant.days"),
                        class_name=INPUT),
            rx.el.input(name="grant_reason", placeholder=tr("ops.grant.reason"), aria_label=tr("ops.grant.reason"),
                        class_name=INPUT),
            rx.el.button(tr("ops.grant.button"), type="submit", class_name=SECONDARY_BUTTON),
            class_name="flex flex-col gap-2 sm:flex-row",
        ),
        on_submit=OpsShopState.grant, reset_on_submit=True, class_name=CARD + " mt-4",
    )


def _reports_box() -> rx.Component:
    return rx.el.section(
        rx.el.h2(tr("ops.reports.shop_reports"), class_name="mb-2 font-semibold"),
        rx.cond(OpsShopState.reports.length() == 0, rx.el.p(tr("ops.reports.none_for_shop"), class_name="text-sm text-gray-500")),
        rx.foreach(OpsShopState.reports, lambda r: rx.el.div(
            rx.el.p(r["at"], " · ", tr_of("report.reason." + r["reason"], "report.reason."), " · ",
                    tr_of("ops.reports." + r["status"], "ops.reports."), class_name="text-sm font-medium"),
            rx.el.p(r["details"], class_name="break-words text-sm text-gray-700"),
            rx.cond(r["resolution"] != "", rx.el.p(r["resolution"], class_name="text-sm text-emerald-800")),
            class_name="border-t py-2", data_testid="ops-shop-report")),
        rx.el.a(tr("ops.nav.reports"), " →", href=routes.OPS_REPORTS, class_name="text-sm text-slate-700 underline"),
        class_name=CARD + " mt-4",
    )


def _fact(label_key: str, value) -> rx.Component:
    return rx.el.div(rx.el.dt(tr(label_key), class_name="text-xs text-gray-500"), rx.el.dd(value, class_name="font-medium"))


def _suspend_box() -> rx.Component:
    suspended = OpsShopState.shop["status"] == "suspended"
    return rx.el.section(
        rx.el.h2(rx.cond(suspended, tr("ops.restore.title"), tr("ops.suspend.title")), class_name="mb-2 font-semibold"),
        rx.cond(suspended, rx.el.p(tr("ops.suspended_since"), " ", OpsShopState.shop["suspended_at"], " · ",
                                   OpsShopState.shop["suspended_reason"], class_name="mb-2 text-sm text-red-700")),
        form_error(OpsShopState.error),
        rx.el.label(tr("ops.reason"), html_for="ops-reason", class_name="mb-1 block text-sm font-medium"),
        rx.el.textarea(id="ops-reason", value=OpsShopState.reason, on_change=OpsShopState.set_reason, rows=2,
                       class_name=INPUT + " mb-3"),
        rx.cond(
            suspended,
            confirm_button(OpsShopState.confirming == "restore", OpsShopState.ask("restore"), OpsShopState.apply,
                           OpsShopState.cancel, "ops.restore.button", "ops.restore.confirm"),
            confirm_button(OpsShopState.confirming == "suspend", OpsShopState.ask("suspend"), OpsShopState.apply,
                           OpsShopState.cancel, "ops.suspend.button", "ops.suspend.confirm"),
        ),
        class_name=CARD,
    )


def _details() -> rx.Component:
    shop = OpsShopState.shop
    return rx.el.div(
        rx.el.div(
            rx.el.h1(shop["name"], class_name="text-xl font-bold"),
            rx.el.span(tr_of("ops.status." + shop["status"], "ops.status."), data_testid="ops-shop-status",
                       class_name="rounded bg-slate-100 px-2 text-sm"),
            class_name="mb-4 flex flex-wrap items-center gap-2",
        ),
        rx.el.dl(
            _fact("ops.owner", shop["owner"]), _fact("ops.created_at", shop["created_at"]),
            _fact("ops.plan", rx.el.span(shop["plan"], " · ", tr_of("ops.plan_kind." + shop["plan_kind"], "ops.plan_kind."))),
            _fact("ops.plan_ends", shop["plan_ends"]), _fact("ops.gmv_30d", shop["gmv"]),
            _fact("ops.orders_today", shop["orders_today"]), _fact("ops.orders_7d", shop["orders_7d"]),
            _fact("ops.orders_30d_placed", shop["orders_30d"]), _fact("ops.orders_all", shop["orders_all"]),
            _fact("ops.products", shop["products"]), _fact("ops.last_activity", shop["last_activity"]),
            _fact("ops.storage", shop["storage"]),
            class_name=CARD + " mb-4 grid grid-cols-2 gap-3 sm:grid-cols-4",
        ),
        _suspend_box(),
        _grant_box(),
        _reports_box(),
        rx.el.section(
            rx.el.h2(tr("ops.staff"), class_name="mb-2 font-semibold"),
            rx.foreach(OpsShopState.staff, lambda m: rx.el.p(m["email"], " · ", tr_of("role." + m["role"], "role."), class_name="text-sm")),
            class_name=CARD + " mt-4",
        ),
        rx.el.section(
            rx.el.h2(tr("ops.plan_history"), class_name="mb-2 font-semibold"),
            rx.foreach(OpsShopState.history, lambda h: rx.el.p(
                h["plan"], " · ", tr_of("ops.plan_kind." + h["kind"], "ops.plan_kind."), " · ", h["starts"], " → ", h["ends"], class_name="text-sm")),
            class_name=CARD + " mt-4",
        ),
        rx.el.section(
            rx.el.h2(tr("ops.nav.audit"), class_name="mb-2 font-semibold"),
            rx.foreach(OpsShopState.entries, lambda e: rx.el.p(
                e["at"], " · ", tr_of("ops.action." + e["action"], "ops.action."), " · ", e["operator"], " · ", e["reason"], class_name="text-sm")),
            class_name=CARD + " mt-4",
        ),
    )


@ops_page(routes.OPS_SHOP, on_load=OpsShopState.load)
def ops_shop() -> rx.Component:
    return rx.el.div(
        rx.el.a("← ", tr("ops.nav.shops"), href=routes.OPS, class_name="mb-3 inline-block text-sm text-slate-600"),
        rx.cond(OpsShopState.found, _details(), rx.el.p(tr("error.shop_not_found"), class_name="text-gray-500")),
    )
