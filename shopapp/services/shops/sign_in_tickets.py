"""Sign-in tickets: how a log-in made in the UI becomes an HttpOnly cookie set by the server.

The UI checks the password (or the invitation, or the reset link) and starts a session, but a page's
event handler can only set cookies from JavaScript, where any script on the page could read them.
So it hands the browser a ticket instead: the new session token, encrypted and authenticated with
the platform's secret (Fernet: AES-128-CBC + HMAC-SHA256), valid for one minute. The browser takes the
ticket to GET /api/v1/session/start, which opens it and sets the session cookie HttpOnly,
SameSite=Strict (and Secure on https). The token itself never sits in a URL or a script-readable
cookie; a ticket is useless after a minute, and only ever yields a session that is still valid.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from sqlmodel import Session

from shopapp.services.core.errors import Unauthorized
from shopapp.services.shops import accounts
from shopapp.settings import get_settings

TICKET_SECONDS = 60


def _fernet() -> Fernet:
    key = hashlib.sha256(b"sign-in-ticket:" + get_settings().secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def issue(session_token: str, *, issued_at: int | None = None) -> str:
    """A one-minute ticket that carries a session token (never an API key) to the cookie endpoint."""
    if not session_token.startswith("ss_"):
        raise Unauthorized("invalid_token")
    fernet = _fernet()
    if issued_at is not None:
        return fernet.encrypt_at_time(session_token.encode(), issued_at).decode()
    return fernet.encrypt(session_token.encode()).decode()


def redeem(session: Session, ticket: str) -> str:
    """The session token inside `ticket`; Unauthorized when it is forged, expired or its session ended."""
    try:
        token = _fernet().decrypt((ticket or "").encode(), ttl=TICKET_SECONDS).decode()
    except (InvalidToken, ValueError):
        raise Unauthorized("invalid_token") from None
    if not token.startswith("ss_"):
        raise Unauthorized("invalid_token")
    accounts.authenticate(session, token)
    return token
