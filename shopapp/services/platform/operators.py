"""Platform operators: made by the CLI alone, signed in like owners, and never anyone's shop staff.

An operator's token (`op_…`) opens /api/v1/ops/… and nothing in any shop; a shop's token never opens
/ops: to everybody but an operator those paths do not exist (NotFound)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from shopapp.models import Operator, OperatorSession, StaffMember, User
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Conflict, NotFound, Unauthorized, require_fields
from shopapp.services.core.tokens import new_token, token_hash
from shopapp.services.core.validation import checked_email
from shopapp.services.platform import audit
from shopapp.services.shops import accounts
from shopapp.settings import get_settings

TOKEN_PREFIX = "op_"


@dataclass(frozen=True)
class OperatorActor:
    id: int
    user_id: int
    email: str


def create_operator(session: Session, *, email: str, password: str) -> Operator:
    """A new operator (`python -m shopapp create-operator`). An address that runs a shop is refused: the
    two roles never meet in one account."""
    errors: dict[str, str] = {}
    email = checked_email(email, errors)
    accounts.check_password(password, errors)
    require_fields(errors)
    user = accounts.user_by_email(session, email)
    if user is not None:
        if session.exec(select(StaffMember.id).where(StaffMember.user_id == user.id)).first():
            raise Conflict("operator_is_shop_staff", fields={"email": "operator_is_shop_staff"})
        if session.exec(select(Operator.id).where(Operator.user_id == user.id)).first():
            raise Conflict("already_operator", fields={"email": "already_operator"})
        user.password_hash = accounts.hash_password(password)
    else:
        user = User(email=email, password_hash=accounts.hash_password(password))
    session.add(user)
    session.flush()
    operator = Operator(user_id=user.id)
    session.add(operator)
    session.flush()
    audit.record(session, None, "create_operator", data={"email": email})
    return operator


def is_operator_email(session: Session, email: str) -> bool:
    return _operator_by_email(session, (email or "").strip().lower()) is not None


def login(session: Session, *, email: str, password: str, ip: str = "") -> str | None:
    """An operator session token, or None when the address is no operator's (the caller tries an owner's
    log-in then). Guessing is slowed down exactly as an owner's log-in is."""
    email = (email or "").strip().lower()
    found = _operator_by_email(session, email)
    if found is None:
        return None
    operator, user = found
    accounts.check_attempts(session, email, ip)
    if not accounts.password_matches(user.password_hash, password or ""):
        accounts.record_failure(session, email, ip)
        raise Unauthorized("wrong_credentials")
    accounts.record_success(session, email, ip)
    token = new_token(TOKEN_PREFIX.rstrip("_"))
    expires = utcnow() + timedelta(seconds=get_settings().session_ttl_seconds)
    session.add(OperatorSession(operator_id=operator.id, token_hash=token_hash(token), expires_at=expires))
    session.flush()
    return token


def authenticate(session: Session, token: str | None) -> OperatorActor:
    """The operator behind a token; NotFound for anything else (the operator's side does not exist for others)."""
    if not token or not token.startswith(TOKEN_PREFIX):
        raise NotFound()
    row = session.exec(
        select(OperatorSession, Operator, User)
        .join(Operator, Operator.id == OperatorSession.operator_id).join(User, User.id == Operator.user_id)
        .where(OperatorSession.token_hash == token_hash(token), OperatorSession.revoked_at.is_(None),
               OperatorSession.expires_at > utcnow(), Operator.disabled_at.is_(None))
    ).first()
    if row is None:
        raise NotFound()
    _, operator, user = row
    return OperatorActor(id=operator.id, user_id=user.id, email=user.email)


def logout(session: Session, token: str) -> None:
    session.exec(
        update(OperatorSession)
        .where(OperatorSession.token_hash == token_hash(token or ""), OperatorSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def _operator_by_email(session: Session, email: str) -> tuple[Operator, User] | None:
    return session.exec(
        select(Operator, User).join(User, User.id == Operator.user_id)
        .where(User.email == email, Operator.disabled_at.is_(None))
    ).first()
