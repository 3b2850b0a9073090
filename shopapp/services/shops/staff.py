"""The people who run a shop with its owner: invitations, roles, removal."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from shopapp.i18n import t
from shopapp.models import Operator, Shop, StaffInvite, StaffMember, User
from shopapp.models.base import utcnow
from shopapp.services.core import plan_limits
from shopapp.services.core.errors import Conflict, Forbidden, NotFound, require_fields
from shopapp.services.core.outbox import queue_email
from shopapp.services.core.permissions import ROLES, Actor, require, shop_row
from shopapp.services.core.tokens import new_token, token_hash
from shopapp.services.core.validation import checked_email
from shopapp.services.shops import accounts, api_keys
from shopapp.settings import get_settings

INVITE_TTL = timedelta(days=7)
INVITABLE_ROLES = tuple(role for role in ROLES if role != "owner")


def list_staff(session: Session, actor: Actor) -> dict:
    require(actor, "view_console")
    members = session.exec(
        select(StaffMember, User).join(User, User.id == StaffMember.user_id)
        .where(StaffMember.shop_id == actor.shop_id).order_by(StaffMember.id)
    ).all()
    invites = session.exec(
        select(StaffInvite).where(
            StaffInvite.shop_id == actor.shop_id, StaffInvite.accepted_at.is_(None),
            StaffInvite.revoked_at.is_(None), StaffInvite.expires_at > utcnow(),
        ).order_by(StaffInvite.id)
    ).all()
    return {
        "members": [{"id": m.id, "user_id": u.id, "email": u.email, "role": m.role} for m, u in members],
        "invites": [{"id": i.id, "email": i.email, "role": i.role, "expires_at": i.expires_at} for i in invites],
    }


def invite(session: Session, actor: Actor, *, email: str, role: str) -> str:
    """Invite someone by e-mail; returns the invitation token (also sent in the e-mail)."""
    require(actor, "manage_staff")
    errors: dict[str, str] = {}
    email = checked_email(email, errors)
    if role not in INVITABLE_ROLES:
        errors["role"] = "role_invalid"
    require_fields(errors)
    already = session.exec(
        select(StaffMember.id).join(User, User.id == StaffMember.user_id)
        .where(StaffMember.shop_id == actor.shop_id, User.email == email)
    ).first()
    if already:
        raise Conflict("already_staff", fields={"email": "already_staff"})
    plan_limits.check_room(session, actor.shop_id, "staff", lambda s: staff_and_invited(s, actor.shop_id))
    token = new_token("inv")
    session.add(StaffInvite(
        shop_id=actor.shop_id, email=email, role=role, token_hash=token_hash(token),
        invited_by=actor.user_id, expires_at=utcnow() + INVITE_TTL,
    ))
    shop = session.get(Shop, actor.shop_id)
    link = f"{get_settings().public_url}/invite/{token}"
    queue_email(
        session, shop_id=actor.shop_id, to=email,
        subject=t("email.invite.subject", "zh-CN", shop=shop.name) + " / " + t("email.invite.subject", "en", shop=shop.name),
        body=t("email.invite.body", "zh-CN", shop=shop.name, role=t(f"role.{role}", "zh-CN"), link=link)
        + "\n\n" + t("email.invite.body", "en", shop=shop.name, role=t(f"role.{role}", "en"), link=link),
    )
    session.flush()
    return token


def staff_and_invited(session: Session, shop_id: int) -> int:
    """The seats the plan's staff limit counts: members (the owner too) and invitations still open."""
    members = session.exec(select(func.count()).select_from(StaffMember).where(StaffMember.shop_id == shop_id)).one()
    invited = session.exec(select(func.count()).select_from(StaffInvite).where(
        StaffInvite.shop_id == shop_id, StaffInvite.accepted_at.is_(None), StaffInvite.revoked_at.is_(None),
        StaffInvite.expires_at > utcnow(),
    )).one()
    return members + invited


def pending_invite(session: Session, token: str) -> dict:
    """What an invitation offers, for the page that accepts it."""
    row = _open_invite(session, token)
    shop = session.get(Shop, row.shop_id)
    return {
        "email": row.email, "role": row.role, "shop_name": shop.name, "shop_slug": shop.slug,
        "has_account": accounts.user_by_email(session, row.email) is not None,
    }


def accept_invite(session: Session, *, token: str, password: str) -> accounts.SignedIn:
    """Join the shop: a new account gets this password, an existing one must give its own."""
    row = _open_invite(session, token)
    user = accounts.user_by_email(session, row.email)
    if user is not None and session.exec(select(Operator.id).where(Operator.user_id == user.id)).first():
        raise Forbidden("operator_cannot_join_shop")  # a platform operator is never a shop's staff
    if user is None:
        errors: dict[str, str] = {}
        accounts.check_password(password, errors)
        require_fields(errors)
        user = User(email=row.email, password_hash=accounts.hash_password(password))
        session.add(user)
        session.flush()
    elif not accounts.password_matches(user.password_hash, password or ""):
        require_fields({"password": "wrong_password"})
    if not session.exec(select(StaffMember).where(StaffMember.shop_id == row.shop_id, StaffMember.user_id == user.id)).first():
        session.add(StaffMember(shop_id=row.shop_id, user_id=user.id, role=row.role))
    row.accepted_at = utcnow()
    session.add(row)
    token_value = accounts.start_session(session, user.id, row.shop_id)
    return accounts.SignedIn(token=token_value, user_id=user.id, shop=session.get(Shop, row.shop_id))


def change_role(session: Session, actor: Actor, member_id: int, role: str) -> None:
    require(actor, "manage_staff")
    member = _member(session, actor, member_id)
    if role not in INVITABLE_ROLES:
        require_fields({"role": "role_invalid"})
    if member.role == "owner":
        raise Forbidden("owner_is_fixed")
    member.role = role
    session.add(member)
    if not api_keys.maker_may_keep_keys(role):
        api_keys.revoke_keys_made_by(session, member.user_id, actor.shop_id)


def remove(session: Session, actor: Actor, member_id: int) -> None:
    require(actor, "manage_staff")
    member = _member(session, actor, member_id)
    if member.role == "owner":
        raise Forbidden("owner_is_fixed")
    # Their sessions stop with the membership (accounts.authenticate); their keys would not.
    api_keys.revoke_keys_made_by(session, member.user_id, actor.shop_id)
    session.delete(member)


def revoke_invite(session: Session, actor: Actor, invite_id: int) -> None:
    require(actor, "manage_staff")
    row = shop_row(session, StaffInvite, actor.shop_id, invite_id)
    row.revoked_at = utcnow()
    session.add(row)


def _member(session: Session, actor: Actor, member_id: int) -> StaffMember:
    return shop_row(session, StaffMember, actor.shop_id, member_id)


def _open_invite(session: Session, token: str) -> StaffInvite:
    row = session.exec(select(StaffInvite).where(StaffInvite.token_hash == token_hash(token or ""))).first()
    if row is None or row.accepted_at or row.revoked_at or row.expires_at <= utcnow():
        raise NotFound("invite_not_found")
    return row
