"""The signed-in console: who is here, in which shop, with which role. Every console page builds on it."""

from dataclasses import replace

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import DomainError, Forbidden
from shopapp.services.core.permissions import can
from shopapp.services.orders import payments
from shopapp.services.shops import accounts, shops
from shopapp.ui import routes
from shopapp.ui.state import LeaveMixin, SessionState


class ConsoleState(LeaveMixin, SessionState):
    shop_name: str = ""
    shop_slug: str = ""
    role: str = ""
    email: str = ""
    can_edit_shop: bool = False
    ready: bool = False
    payment_notice: str = ""  # "sandbox": only test payments, no real money comes in; "none": nobody can pay
    menu_open: bool = False  # the phone's drawer menu

    @rx.event
    def check_login(self):
        """on_load of every console page: no valid session, no console."""
        self._leave_until = 0.0  # a log-out just before does not follow the owner back in
        actor = self._signed_in()
        if actor is None:
            self.ready = False
            return rx.redirect(routes.LOGIN)
        with session_scope() as session:
            shop = shops.get_shop(session, actor.shop_id)
            self.email = accounts.user_email(session, actor.user_id)
        self.shop_name, self.shop_slug, self.role = shop.name, shop.slug, actor.role
        self.can_edit_shop = can(actor, "edit_shop")
        # A shop the platform suspended: the console stays readable, every write is refused (shop_suspended).
        self.payment_notice = "suspended" if actor.suspended else payments.payment_notice()
        self.ready, self.menu_open = True, False

    @rx.event
    def open_menu(self):
        self.menu_open = True

    @rx.event
    def close_menu(self):
        self.menu_open = False

    def _read(self, read):
        """What `read(session, actor)` answers for the signed-in person; None when the session has
        ended (the page's log-in check then sends them to log in) or their role may not see it."""
        actor = self._signed_in()
        if actor is None:
            return None
        try:
            with session_scope() as session:
                return read(session, replace(actor, suspended=False))  # a read writes nothing, suspended or not
        except Forbidden:
            return None

    def _attempt(self, action) -> str:
        """Run `action(session, actor)` as one unit of work; the problem to show, or "" when it worked."""
        try:
            with session_scope() as session:
                action(session, self._actor())
        except DomainError as exc:
            return self._problem_text(exc)
        return ""

    @rx.event
    def logout(self):
        """End the session here, then let the server clear its HttpOnly cookie on the way to /login."""
        with session_scope() as session:
            accounts.logout(session, self._session_token())
        self.ready = False
        self._leave(routes.SESSION_END)

