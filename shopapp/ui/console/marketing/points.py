"""Console 积分与会员: the shop's points rates and cap, its member levels, a customer's points with a
manual adjustment (points_ledger.py), and the 积分商城's rewards."""

import reflex as rx

from shopapp.services.core.errors import Invalid
from shopapp.services.core.money import parse_money, yuan_text
from shopapp.services.marketing import levels
from shopapp.ui import routes
from shopapp.ui.components.forms import INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON, form_error
from shopapp.ui.components.text import tr
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.marketing.points_ledger import CustomerPointsState, customer_points, rewards_list
from shopapp.ui.console.state import ConsoleState
from shopapp.ui.state import FAILED, FormMixin

RATES = (
    ("points_per_yuan", "points.per_yuan", "points.per_yuan_hint"),
    ("points_per_yuan_off", "points.per_yuan_off", "points.per_yuan_off_hint"),
    ("max_points_percent", "points.max_percent", "points.max_percent_hint"),
)


class LoyaltyState(FormMixin, ConsoleState):
    form: dict[str, str] = {}  # the rates as typed, and "enabled": "yes" or ""
    level_rows: list[dict[str, str]] = []  # name, min_spent (yuan), discount_percent
    form_key: int = 0  # bumped whenever the form must show other values: its fields remount with them
    saved: bool = False
    allowed: bool = True

    @rx.event
    def load(self):
        found = self._read(levels.read_loyalty)
        self.allowed = found is not None
        if found is not None:
            self._show(found)

    @rx.event
    def add_level(self):
        self.level_rows = [*self.level_rows, {"name": "", "min_spent": "", "discount_percent": ""}]

    @rx.event
    def remove_level(self, index: int):
        self.level_rows = [row for n, row in enumerate(self.level_rows) if n != index]
        self.form_key += 1

    @rx.event
    def save(self, form: dict):
        self._start_submit()
        self.saved = False
        count = len(self.level_rows)
        saved = self._submit(lambda session: levels.save_loyalty(session, self._actor(), _typed(form, count)))
        if saved is FAILED:
            return
        self._show(saved)
        self.saved = True

    def _show(self, loyalty: dict):
        self.form = {name: str(loyalty[name]) for name, _, _ in RATES} | {"enabled": "yes" if loyalty["enabled"] else ""}
        self.level_rows = [
            {"name": level["name"], "min_spent": yuan_text(level["min_spent"]), "discount_percent": str(level["discount_percent"])}
            for level in loyalty["levels"]
        ]
        self.form_key += 1


def _typed(form: dict, count: int) -> dict:
    """The form as the service takes it: yuan thresholds in 分 (a bad amount names its row)."""
    wanted_levels = []
    for n in range(count):
        spent = (form.get(f"level_min_{n}") or "0").strip()
        try:
            spent_fen = parse_money(spent, field=f"levels.{n}.min_spent")
        except Invalid:
            spent_fen = spent  # the service names the field
        wanted_levels.append({
            "name": form.get(f"level_name_{n}", ""), "min_spent": spent_fen,
            "discount_percent": (form.get(f"level_pct_{n}") or "0").strip(),
        })
    return {
        "enabled": form.get("enabled") == "on",
        **{name: (form.get(name) or "").strip() for name, _, _ in RATES},
        "levels": wanted_levels,
    }


@console_page(routes.CONSOLE_POINTS, "console.nav.points", on_load=[LoyaltyState.load, CustomerPointsState.load])
def points_page() -> rx.Component:
    state = LoyaltyState
    return rx.el.div(
        rx.el.h1(tr("console.nav.points"), class_name="text-2xl font-bold"),
        rx.el.p(tr("points.intro"), class_name="mt-1 text-sm text-gray-600"),
        rx.cond(~state.allowed, rx.el.p(tr("error.role_not_allowed"), role="alert", class_name="mt-4 text-sm text-amber-700")),
        rx.cond(state.allowed, _settings_form()),
        customer_points(),
        rewards_list(),
        class_name="max-w-3xl space-y-6",
    )


def _settings_form() -> rx.Component:
    state = LoyaltyState
    return rx.el.form(
        rx.el.h2(tr("points.settings"), class_name="text-lg font-semibold"),
        form_error(state.error),
        rx.cond(state.saved, rx.el.p(tr("points.saved"), role="status", data_testid="loyalty-saved",
                                     class_name="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800")),
        rx.el.label(
            rx.el.input(type="checkbox", name="enabled", default_checked=state.form["enabled"] == "yes", key=state.form_key),
            " ", tr("points.enabled"), class_name="flex items-center gap-2 text-sm font-medium",
        ),
        rx.el.div(*[_rate(name, label, hint) for name, label, hint in RATES], class_name="grid gap-3 sm:grid-cols-3"),
        rx.el.h3(tr("points.levels"), class_name="font-semibold"),
        rx.el.p(tr("points.levels_hint"), class_name="text-sm text-gray-500"),
        rx.el.div(rx.foreach(state.level_rows, _level_row), class_name="space-y-2", data_testid="member-levels"),
        rx.el.div(
            rx.el.button(tr("points.add_level"), on_click=state.add_level, type="button", class_name=SECONDARY_BUTTON),
            rx.el.button(rx.cond(state.busy, tr("form.saving"), tr("form.save")), type="submit", class_name=PRIMARY_BUTTON,
                         data_testid="loyalty-save"),
            class_name="flex gap-2",
        ),
        on_submit=state.save, reset_on_submit=False, no_validate=True,
        class_name="space-y-3 rounded-2xl border bg-white p-4",
    )


def _rate(name: str, label: str, hint: str) -> rx.Component:
    state = LoyaltyState
    return rx.el.div(
        rx.el.label(tr(label), html_for=name, class_name="mb-1 block text-sm font-medium text-gray-800"),
        rx.el.input(id=name, name=name, inputmode="numeric", default_value=state.form[name], key=state.form_key, class_name=INPUT),
        rx.cond(state.errors.contains(name), rx.el.p(state.errors[name], role="alert", class_name="mt-1 text-sm text-red-600"),
                rx.el.p(tr(hint), class_name="mt-1 text-xs text-gray-500")),
    )


def _level_row(row: dict, index: rx.Var) -> rx.Component:
    state = LoyaltyState
    n = index.to_string()
    key = state.form_key.to_string() + "-" + n

    def cell(field: str, name: str, value, label: str, **attrs) -> rx.Component:
        error = "levels." + n + "." + field
        return rx.el.div(
            rx.el.input(name=name + n, default_value=value, key=key, aria_label=tr(label), placeholder=tr(label), class_name=INPUT, **attrs),
            rx.cond(state.errors.contains(error), rx.el.p(state.errors[error], role="alert", class_name="mt-1 text-sm text-red-600")),
            class_name="min-w-0 flex-1",
        )

    return rx.el.div(
        cell("name", "level_name_", row["name"], "points.level_name"),
        cell("min_spent", "level_min_", row["min_spent"], "points.level_min_spent", inputmode="decimal"),
        cell("discount_percent", "level_pct_", row["discount_percent"], "points.level_percent", inputmode="numeric"),
        rx.el.button("✕", on_click=state.remove_level(index), type="button", aria_label=tr("points.remove_level"),
                     class_name="rounded-lg px-2 py-2 text-gray-500 hover:text-red-700"),
        class_name="flex items-start gap-2",
    )
