"""/ops/plans: the plans editor — prices, commission, limits and features of each plan, and new plans."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core import plan_limits
from shopapp.services.core.errors import DomainError, NotFound
from shopapp.services.core.money import format_money, yuan_text
from shopapp.services.platform import plans
from shopapp.ui import routes
from shopapp.ui.components.forms import PRIMARY_BUTTON, SECONDARY_BUTTON, form_error, form_field
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.platform.ops.layout import CARD, ops_page
from shopapp.ui.platform.ops.state import OpsState


def _blank(limit) -> str:
    return "" if limit is None else str(limit)


class OpsPlansState(OpsState):
    rows: list[dict] = []
    editing: str = ""  # a plan's id, "new", or "" when no form is open
    form: dict[str, str] = {}
    features: list[str] = []
    errors: dict[str, str] = {}
    error: str = ""

    @rx.event
    def load(self):
        self.editing, self.errors, self.error = "", {}, ""
        self._load()

    def _load(self):
        try:
            self._operator()
        except NotFound:
            return
        with session_scope() as session:
            listed = plans.plans_with_shops(session)
        self.rows = [{
            "id": str(p["id"]), "code": p["code"], "name": p["name"], "name_en": p["name_en"],
            "monthly": format_money(p["monthly_price"]), "yearly": format_money(p["yearly_price"]),
            "commission": f"{p['commission_percent']:g}%", "shops": str(p["shops"]),
            "products": _blank(p["limits"]["products"]), "staff": _blank(p["limits"]["staff"]),
            "storage_mb": _blank(p["limits"]["storage_mb"]), "features": p["features"],
            "monthly_yuan": yuan_text(p["monthly_price"]), "yearly_yuan": yuan_text(p["yearly_price"]),
            "commission_percent": f"{p['commission_percent']:g}",
        } for p in listed]

    @rx.event
    def edit(self, plan_id: str):
        row = next((r for r in self.rows if r["id"] == plan_id), None)
        self.errors, self.error = {}, ""
        if row is None:
            self.editing, self.form, self.features = "new", {}, []
            return
        self.editing = plan_id
        self.form = {"name": row["name"], "name_en": row["name_en"], "monthly_price": row["monthly_yuan"],
                     "yearly_price": row["yearly_yuan"], "commission_percent": row["commission_percent"],
                     "limit_products": row["products"], "limit_staff": row["staff"], "limit_storage_mb": row["storage_mb"]}
        self.features = list(row["features"])

    @rx.event
    def close(self):
        self.editing = ""

    @rx.event
    def save(self, form: dict):
        try:
            operator = self._operator()
            with session_scope() as session:
                plans.save_plan_form(session, operator, form, None if self.editing == "new" else int(self.editing))
        except DomainError as exc:
            self.errors, self.error = self._field_messages(exc), self._message(exc)
            return
        self.editing, self.errors, self.error = "", {}, ""
        self._load()


def _plan_card(row) -> rx.Component:
    return rx.el.div(
        rx.el.div(
            rx.el.span(rx.cond(OpsPlansState.english, row["name_en"], row["name"]), class_name="font-semibold"),
            rx.el.span(row["code"], class_name="text-xs text-gray-500"),
            rx.el.button(tr("ops.plans.edit"), on_click=OpsPlansState.edit(row["id"]), type="button",
                         class_name=SECONDARY_BUTTON + " ml-auto", data_testid="ops-plan-edit"),
            class_name="flex items-center gap-2",
        ),
        rx.el.p(tr("ops.plans.monthly"), " ", row["monthly"], " · ", tr("ops.plans.yearly"), " ", row["yearly"], " · ",
                tr("ops.plans.commission"), " ", row["commission"], class_name="mt-1 text-sm text-gray-700"),
        rx.el.p(tr("ops.plans.limit_products"), " ", rx.cond(row["products"] == "", tr("ops.plans.unlimited"), row["products"]),
                " · ", tr("ops.plans.limit_staff"), " ", rx.cond(row["staff"] == "", tr("ops.plans.unlimited"), row["staff"]),
                " · ", tr("ops.plans.shops"), " ", row["shops"], class_name="text-sm text-gray-600"),
        rx.el.p(rx.foreach(row["features"].to(list[str]), lambda f: rx.el.span(tr_of("ops.feature." + f, "ops.feature."), class_name="mr-2")),
                class_name="text-sm text-gray-600"),
        class_name=CARD, data_testid="ops-plan",
    )


def _checkbox(name: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=f"feature_{name}", default_checked=OpsPlansState.features.contains(name)),
        tr(f"ops.feature.{name}"), class_name="mr-4 inline-flex items-center gap-1 text-sm",
    )


def _editor() -> rx.Component:
    form, errors = OpsPlansState.form, OpsPlansState.errors
    return rx.el.form(
        form_error(OpsPlansState.error),
        rx.cond(OpsPlansState.editing == "new", form_field("ops.plans.code", "code", errors)),
        form_field("ops.plans.name", "name", errors, value=form["name"]),
        form_field("ops.plans.name_en", "name_en", errors, value=form["name_en"]),
        rx.el.div(
            form_field("ops.plans.monthly_yuan", "monthly_price", errors, value=form["monthly_price"], inputmode="decimal"),
            form_field("ops.plans.yearly_yuan", "yearly_price", errors, value=form["yearly_price"], inputmode="decimal"),
            form_field("ops.plans.commission_percent", "commission_percent", errors, value=form["commission_percent"]),
            form_field("ops.plans.limit_products", "limit_products", errors, value=form["limit_products"], hint_key="ops.plans.blank_unlimited"),
            form_field("ops.plans.limit_staff", "limit_staff", errors, value=form["limit_staff"]),
            form_field("ops.plans.limit_storage_mb", "limit_storage_mb", errors, value=form["limit_storage_mb"]),
            class_name="grid grid-cols-1 gap-x-4 sm:grid-cols-3",
        ),
        rx.el.div(*[_checkbox(name) for name in plan_limits.FEATURES], class_name="mb-4"),
        rx.el.div(
            rx.el.button(tr("form.save"), type="submit", class_name=PRIMARY_BUTTON),
            rx.el.button(tr("form.cancel"), on_click=OpsPlansState.close, type="button", class_name=SECONDARY_BUTTON),
            class_name="flex gap-2",
        ),
        key=OpsPlansState.editing, on_submit=OpsPlansState.save, reset_on_submit=False, no_validate=True,
        class_name=CARD + " mb-4", data_testid="ops-plan-form",
    )


@ops_page(routes.OPS_PLANS, on_load=OpsPlansState.load)
def ops_plans() -> rx.Component:
    return rx.el.div(
        rx.el.div(
            rx.el.h1(tr("ops.plans.title"), class_name="text-xl font-bold"),
            rx.el.button(tr("ops.plans.new"), on_click=OpsPlansState.edit(""), type="button", class_name=SECONDARY_BUTTON),
            class_name="mb-4 flex items-center justify-between",
        ),
        rx.cond(OpsPlansState.editing != "", _editor()),
        rx.el.div(rx.foreach(OpsPlansState.rows, _plan_card), class_name="flex flex-col gap-2"),
    )
