"""E-mail campaigns (/console/campaigns): every campaign with its status and numbers, newest first, and a new one."""

from __future__ import annotations

import reflex as rx

from shopapp.services.customers import campaigns
from shopapp.ui import routes
from shopapp.ui.components.forms import PRIMARY_BUTTON
from shopapp.ui.components.pager import PagesMixin, pager
from shopapp.ui.components.text import tr, tr_of
from shopapp.ui.components.time import shown_time
from shopapp.ui.console.layout import console_page
from shopapp.ui.console.state import ConsoleState


class CampaignsState(PagesMixin, ConsoleState):
    items: list[dict[str, str]] = []

    @rx.event
    def load(self):
        self.page = 1
        self._reload()

    def _load_page(self):
        self._reload()

    def _reload(self):
        shown = self._read(lambda session, actor: campaigns.list_campaigns(session, actor, self.page))
        if shown is None:
            return
        self._counted(shown["total"], campaigns.PER_PAGE)
        self.items = [{
            "name": c["name"], "subject": c["subject"], "status": f"campaigns.status.{c['status']}",
            "when": shown_time(c["send_at"] or c["created_at"]), "url": routes.console_campaign(c["id"]),
            "figures": f"{c['recipients']} / {c['sent']} / {c['opened']} / {c['clicked']} / {c['unsubscribed']}",
        } for c in shown["items"]]


@console_page(routes.CONSOLE_CAMPAIGNS, "campaigns.title", on_load=CampaignsState.load)
def campaigns_page() -> rx.Component:
    state = CampaignsState
    return rx.el.div(
        rx.el.div(
            rx.el.h1(tr("campaigns.title"), class_name="text-2xl font-bold"),
            rx.el.a(tr("campaigns.new"), href=routes.console_campaign("new"), class_name=PRIMARY_BUTTON),
            class_name="flex flex-wrap items-center justify-between gap-2",
        ),
        rx.el.p(tr("campaigns.columns"), class_name="mt-2 text-xs text-gray-500"),
        rx.cond(state.items.length() == 0, rx.el.p(tr("campaigns.empty"), class_name="mt-4 text-sm text-gray-500")),
        rx.el.ul(rx.foreach(state.items, _row), class_name="mt-2 flex flex-col gap-2", data_testid="campaign-list"),
        rx.cond(state.pages > 1, pager(state.page, state.pages, state.total, state.turn_page(-1), state.turn_page(1))),
        class_name="max-w-4xl",
    )


def _row(item: dict) -> rx.Component:
    return rx.el.li(rx.el.a(
        rx.el.div(rx.el.span(item["name"], class_name="font-semibold"), rx.el.span(tr_of(item["status"], "campaigns.status."),
                  class_name="rounded bg-gray-100 px-2 text-xs"), class_name="flex items-center justify-between gap-2"),
        rx.el.div(item["subject"], class_name="truncate text-sm text-gray-700"),
        rx.el.div(item["when"], " · ", item["figures"], class_name="text-xs text-gray-500"),
        href=item["url"], class_name="block rounded-2xl border bg-white p-3 hover:border-emerald-600",
    ))
