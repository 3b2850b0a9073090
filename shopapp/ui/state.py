"""The two base states every page builds on: the reader's language, and who is signed in.

The storefront's states inherit LangState only; the console's and the desk's inherit
SessionState, so a shopper's page never carries a staff session.
"""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from shopapp.db import session_scope
from shopapp.i18n import CATALOGUES, DEFAULT_LANG, error_message, field_message, pick_lang
from shopapp.services.core.errors import DomainError, Unauthorized
from shopapp.services.core.permissions import Actor
from shopapp.services.shops import accounts, sign_in_tickets
from shopapp.ui import routes

YEAR = 365 * 24 * 3600
FAILED = object()  # what FormMixin._submit answers when the form was refused


class LangState(rx.State):
    lang: str = rx.Cookie(DEFAULT_LANG, name="shopapp_lang", max_age=YEAR, same_site="lax")

    @rx.var
    def english(self) -> bool:
        """The page's words are chosen in the browser from both languages (ui/components/text.tr), so a
        shopper's state carries this one flag, not a catalogue (it was 32 KB of every tab's state)."""
        return pick_lang(self.lang) == "en"

    def _catalogue(self) -> dict[str, str]:
        """The reader's whole catalogue, for an event handler choosing words by a computed key."""
        return CATALOGUES[pick_lang(self.lang)]

    def _text(self, key: str) -> str:
        """A catalogue entry in the reader's language, for words an event handler puts into the state."""
        return self._catalogue()[key]

    @rx.event
    def toggle_lang(self):
        self.lang = "en" if pick_lang(self.lang) == DEFAULT_LANG else DEFAULT_LANG

    def _message(self, error: DomainError) -> str:
        return error_message(error.code, pick_lang(self.lang), **error.params)

    def _field_messages(self, error: DomainError) -> dict[str, str]:
        lang = pick_lang(self.lang)
        return {name: field_message(code, lang) for name, code in error.fields.items()}

    def _problem_text(self, error: DomainError) -> str:
        """One line for a page without per-field places: the field messages, else the error's own."""
        fields = self._field_messages(error)
        return "；".join(fields.values()) if fields else self._message(error)


SESSION_COOKIE = "shopapp_session"


class LeaveMixin(rx.State, mixin=True):
    """A full page load to one of the server's own routes (the session cookie, the sandbox pay page).

    rx.redirect to a path on this site is a client-side navigation the single-page router cannot serve,
    and rx.call_script needs eval, which the Content-Security-Policy forbids. So the page renders
    `components.navigation.leave_to(State)`, a <meta http-equiv="refresh"> the browser follows at once.
    The address is for the connection that asked only: the state outlives the page, and the next page
    (a new websocket) must not be sent away again, so the browser compares `leave_sid` with its own
    connection's id. Plain vars, not a computed one: a var computed on every event (it read the clock)
    made Reflex load every state using this mixin, console states included, for every shopper's event.
    """

    leave_url: str = ""
    leave_sid: str = ""

    def _leave(self, url: str) -> None:
        self.leave_url, self.leave_sid = url, self.router.session.session_id


class SessionState(LangState):
    """Who is signed in to the console: the `shopapp_session` cookie, an opaque, revocable token whose
    hash is all the database keeps. The server sets it HttpOnly (api/session.py), so page scripts never
    see it; the backend reads it from the headers of the page's websocket connection."""

    def _session_token(self) -> str:
        for pair in (self.router.headers.cookie or "").split(";"):
            name, _, value = pair.strip().partition("=")
            if name == SESSION_COOKIE:
                return value.strip().strip('"')
        return ""

    def _actor(self) -> Actor:
        """Who is signed in, checked again on every call (a revoked session stops at once)."""
        with session_scope() as session:
            return accounts.authenticate(session, self._session_token())

    @staticmethod
    def _sign_in_url(token: str, next_path: str = routes.CONSOLE) -> str:
        """Where the browser takes a fresh session to have the server set its HttpOnly cookie."""
        return routes.SESSION_START + "?" + urlencode({"ticket": sign_in_tickets.issue(token), "next": next_path})

    def _signed_in(self) -> Actor | None:
        try:
            return self._actor()
        except Unauthorized:
            return None


class FormMixin(rx.State, mixin=True):
    """What every form page shows: a message per field, one for the form, and a busy flag."""

    errors: dict[str, str] = {}
    error: str = ""
    busy: bool = False

    def _start_submit(self):
        self.busy, self.errors, self.error = True, {}, ""

    def _show_error(self, exc: DomainError):
        self.busy, self.errors, self.error = False, self._field_messages(exc), self._message(exc)

    def _submit(self, action, fields: str = ""):
        """Run `action(session)` in one transaction: its result, or FAILED after showing why next to the form.
        `fields` prefixes the field names, where one page holds several forms ("invite_" + "email")."""
        try:
            with session_scope() as session:
                result = action(session)
        except DomainError as exc:
            self._show_error(exc)
            self.errors = {fields + name: message for name, message in self.errors.items()}
            return FAILED
        self.busy = False
        return result


class ConfirmMixin(rx.State, mixin=True):
    """A destructive button asks "are you sure?" in place: `confirming` names what is being asked about."""

    confirming: str = ""

    @rx.event
    def ask(self, what: str):
        self.confirming = what

    @rx.event
    def cancel(self):
        self.confirming = ""
