"""How an operator's log-in in the UI becomes an HttpOnly cookie, as services/shops/sign_in_tickets does for owners:
a one-minute ticket (Fernet, the platform's secret with its own salt) that carries the `op_` token to
GET /api/v1/ops-session/start. An owner's session never fits in it, and its tickets never open /ops."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from sqlmodel import Session

from shopapp.services.core.errors import NotFound, Unauthorized
from shopapp.services.platform import operators
from shopapp.settings import get_settings

TICKET_SECONDS = 60


def _fernet() -> Fernet:
    key = hashlib.sha256(b"operator-ticket:" + get_settings().secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def issue(operator_token: str) -> str:
    if not operator_token.startswith(operators.TOKEN_PREFIX):
        raise Unauthorized("invalid_token")
    return _fernet().encrypt(operator_token.encode()).decode()


def redeem(session: Session, ticket: str) -> str:
    """The operator token inside `ticket`; Unauthorized when forged, expired, or its session ended."""
    try:
        token = _fernet().decrypt((ticket or "").encode(), ttl=TICKET_SECONDS).decode()
        operators.authenticate(session, token)
    except (InvalidToken, ValueError, NotFound):
        raise Unauthorized("invalid_token") from None
    return token
