"""What the console's activity pages (优惠券, 秒杀, 拼团, 砍价) share: the page around the list (title, the role
note, the saved note, the empty note, the form), a row with its numbers button and 立即结束, the status badge,
and the numbers panel. Each page keeps only what its activity says differently."""

from collections.abc import Callable
from datetime import datetime

import reflex as rx

from shopapp.ui.components.confirm import confirm_button
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.text import tr
from shopapp.ui.components.time import shown_time

BADGE = "ml-2 rounded px-2 text-xs"


class ActivityListMixin(rx.State, mixin=True):
    """The list, who may change it, the saved note, and which row's numbers are open."""

    items: list[dict[str, str]] = []
    allowed: bool = True
    form_key: int = 0  # bumped so the emptied form remounts after a save
    saved: str = ""
    selected: str = ""  # the activity whose numbers are open
    report: dict[str, str] = {}

    def _listed(self, found: list[dict] | None, row: Callable[[dict], dict[str, str]]) -> None:
        """The load's answer (None: this role may not see it) as the page's rows."""
        self.allowed = found is not None
        if found is not None:
            self.items = [row(item) for item in found]

    def _created(self, made: dict) -> None:
        self.saved = made["name"]
        self.form_key += 1

    def _ending(self) -> int:
        """The activity the owner confirmed ending."""
        chosen, self.confirming = int(self.confirming), ""
        return chosen

    @rx.event
    def close_report(self):
        self.selected = ""


def shown_iso(iso: str | None) -> str:
    """An activity's ISO time (as its service answers the API) on the shop's clock."""
    return shown_time(datetime.fromisoformat(iso.replace("Z", "+00:00"))) if iso else ""


def activity_page(state, *, title: str, intro: str, saved: str, none: str, row: Callable, list_testid: str,
                  form: rx.Component, notes: tuple = ()) -> rx.Component:
    """The page: title, intro, notes, then the list (or its empty note) and the form for a new one."""
    return rx.el.div(
        rx.el.h1(tr(title), class_name="text-2xl font-bold"),
        rx.el.p(tr(intro), class_name="mt-1 text-sm text-gray-600"),
        rx.cond(~state.allowed, rx.el.p(tr("error.role_not_allowed"), role="alert", class_name="mt-4 text-sm text-amber-700")),
        rx.cond(state.saved != "", rx.el.p(tr(saved), " ", state.saved, role="status",
                                            class_name="mt-4 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800")),
        *notes,
        rx.cond(state.items.length() == 0, rx.el.p(tr(none), class_name="mt-4 text-sm text-gray-500")),
        rx.el.ul(rx.foreach(state.items, row), class_name="mt-4 divide-y rounded-2xl border bg-white", data_testid=list_testid),
        rx.cond(state.allowed, form),
        class_name="max-w-3xl",
    )


def activity_row(state, item, *, details: list, buttons: list, end: tuple[str, str], panel: rx.Component, testid: str) -> rx.Component:
    """One activity: its name and status, `details` (lines), `buttons`, then 立即结束 with its question
    (`end`: the button's key, the question's key) unless it has ended, and `panel` under it when open."""
    return rx.el.li(
        rx.el.div(rx.el.p(item["name"], status_badge(item["status"]), class_name="font-medium"), *details, class_name="min-w-0 flex-1"),
        rx.el.div(
            *buttons,
            rx.cond(item["status"] != "ended", confirm_button(state.confirming == item["id"], state.ask(item["id"]), state.end, state.cancel, *end)),
            class_name="flex flex-wrap gap-2",
        ),
        rx.cond(state.selected == item["id"], panel),
        class_name="flex flex-col gap-2 p-3", data_testid=testid + item["id"],
    )


def status_badge(status) -> rx.Component:
    return rx.match(
        status,
        ("active", rx.el.span(tr("coupons.status.active"), class_name=f"{BADGE} bg-emerald-50 text-emerald-800")),
        ("scheduled", rx.el.span(tr("coupons.status.scheduled"), class_name=f"{BADGE} bg-amber-50 text-amber-800")),
        rx.el.span(tr("coupons.status.ended"), class_name=f"{BADGE} bg-gray-100 text-gray-600"),
    )


def numbers(report, rows: list[tuple[str, str]], columns: str = "sm:grid-cols-4") -> rx.Component:
    """An activity's numbers: (the report's field, its label's key) each."""
    return rx.el.dl(*[rx.el.div(rx.el.dt(tr(key), class_name="text-xs text-gray-500"), rx.el.dd(report[name], class_name="font-semibold"))
                      for name, key in rows], class_name=f"grid grid-cols-2 gap-2 {columns}")


def numbers_panel(state, rows: list[tuple[str, str]], *, note: str, testid: str, extra: tuple = (), columns: str = "sm:grid-cols-4") -> rx.Component:
    """The numbers, the note saying what they count, anything `extra` (the orders), and 关闭."""
    return rx.el.div(
        numbers(state.report, rows, columns),
        rx.el.p(tr(note), class_name="mt-1 text-xs text-gray-500"),
        *extra,
        rx.el.button(tr("form.close"), on_click=state.close_report, type="button", class_name=SECONDARY_BUTTON + " mt-2"),
        class_name="rounded-xl bg-gray-50 p-3", data_testid=testid,
    )


def report_button(state, item, label: str) -> rx.Component:
    return rx.el.button(tr(label), on_click=state.open_report(item["id"]), type="button", class_name=SECONDARY_BUTTON)
