"""Who is signed in to /ops: the `shopapp_ops` cookie (HttpOnly, set by /api/v1/ops-session/start), checked
again on every call. Owners' sessions never open these pages, and operators' never open a shop's console."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from shopapp.db import session_scope
from shopapp.services.core.errors import NotFound
from shopapp.services.platform import operator_tickets, operators
from shopapp.services.platform.operators import OperatorActor
from shopapp.ui import routes
from shopapp.ui.components.pager import PagesMixin
from shopapp.ui.state import LangState, LeaveMixin

OPS_COOKIE = "shopapp_ops"


class OpsState(LeaveMixin, LangState):
    operator_email: str = ""

    def _ops_token(self) -> str:
        for pair in (self.router.headers.cookie or "").split(";"):
            name, _, value = pair.strip().partition("=")
            if name == OPS_COOKIE:
                return value.strip().strip('"')
        return ""

    def _operator(self) -> OperatorActor:
        """The operator, checked again on every call (a revoked session stops at once); NotFound otherwise."""
        with session_scope() as session:
            return operators.authenticate(session, self._ops_token())

    @staticmethod
    def _sign_in_url(token: str) -> str:
        return routes.OPS_SESSION_START + "?" + urlencode({"ticket": operator_tickets.issue(token), "next": routes.OPS})

    @rx.event
    def check_operator(self):
        try:
            self.operator_email = self._operator().email
        except NotFound:
            self.operator_email = ""
            return rx.redirect(routes.OPS_LOGIN)

    @rx.event
    def logout(self):
        with session_scope() as session:
            operators.logout(session, self._ops_token())
        self.operator_email = ""
        self._leave(routes.OPS_SESSION_END)


class OpsListMixin(PagesMixin, mixin=True):
    """A list page of /ops (mixed with OpsState): it holds one page at a time; `_fill(session)` reads that page
    once the operator is checked again, and says the total with `_counted`."""

    def _fill(self, session) -> None:
        raise NotImplementedError

    def _load(self):
        try:
            self._operator()
        except NotFound:
            return
        with session_scope() as session:
            self._fill(session)

    def _load_page(self):
        self._load()
