"""An after-sales request on the order page turned into a service ticket (the desk lists it by due time)."""

from __future__ import annotations

import reflex as rx

from shopapp.services.support import tickets
from shopapp.ui.components.forms import SECONDARY_BUTTON
from shopapp.ui.components.text import tr


class TicketMixin(rx.State, mixin=True):
    """Goes through the order page's _act, which shows the problem or the notice."""

    @rx.event
    def ticket_for_request(self, request_id: str):
        self._act(lambda session, actor: tickets.open_ticket(session, actor, aftersales_id=int(request_id)), notice_key="ticket.made")


def ticket_button(state, request_id) -> rx.Component:
    return rx.el.button(tr("ticket.make_for_request"), on_click=state.ticket_for_request(request_id), type="button",
                        class_name=SECONDARY_BUTTON + " mt-2 py-1 text-xs", data_testid="request-ticket")
