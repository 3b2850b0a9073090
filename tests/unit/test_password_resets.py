"""Forgotten passwords: an e-mailed link, good once for an hour, that ends the old sessions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from shopapp.models import OutboxEmail, PasswordReset
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Invalid, NotFound, Unauthorized
from shopapp.services.customers import password_resets as shopper_resets
from shopapp.services.customers import shoppers
from shopapp.services.shops import accounts, password_resets
from tests.conftest import make_shop


def _link_in_last_email(session, to: str) -> str:
    email = session.exec(select(OutboxEmail).where(OutboxEmail.to == to).order_by(OutboxEmail.id.desc())).first()
    return re.search(r"https?://\S+/(pr_\S+)", email.body).group(1)


def test_an_owner_resets_a_forgotten_password_by_the_emailed_link(session, owner):
    old_session = accounts.login(session, email="owner@example.com", password="secret-pass").token
    password_resets.request_owner_reset(session, "Owner@Example.com")
    session.commit()
    token = _link_in_last_email(session, "owner@example.com")

    signed = password_resets.reset_owner_password(session, token, "a-brand-new-pass")
    session.commit()
    assert signed.shop.slug == "tea-house"
    assert accounts.login(session, email="owner@example.com", password="a-brand-new-pass").token
    with pytest.raises(Unauthorized):
        accounts.authenticate(session, old_session)  # signed out everywhere
    with pytest.raises(NotFound):
        password_resets.reset_owner_password(session, token, "yet-another-pass")  # a link works once


def test_a_bad_new_password_changes_nothing_and_keeps_the_link(session, owner):
    password_resets.request_owner_reset(session, "owner@example.com")
    session.commit()
    token = _link_in_last_email(session, "owner@example.com")
    with pytest.raises(Invalid):
        password_resets.reset_owner_password(session, token, "1234")
    session.rollback()
    assert password_resets.reset_owner_password(session, token, "a-brand-new-pass").token


def test_unknown_emails_look_the_same_and_links_are_rate_limited(session, owner):
    password_resets.request_owner_reset(session, "nobody@example.com")  # no error, nothing sent
    for _ in range(5):
        password_resets.request_owner_reset(session, "owner@example.com")
    session.commit()
    assert len(session.exec(select(OutboxEmail).where(OutboxEmail.to == "nobody@example.com")).all()) == 0
    assert len(session.exec(select(OutboxEmail).where(OutboxEmail.to == "owner@example.com")).all()) == 3


def test_an_expired_link_is_refused(session, owner):
    password_resets.request_owner_reset(session, "owner@example.com")
    session.commit()
    token = _link_in_last_email(session, "owner@example.com")
    session.exec(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(NotFound) as caught:
        password_resets.reset_owner_password(session, token, "a-brand-new-pass")
    assert caught.value.code == "reset_link_invalid"


def test_a_shopper_resets_their_account_password_in_its_own_shop_only(session, owner):
    other = make_shop(session, "green-leaf")
    first = shoppers.register(session, owner.shop_id, email="lin@example.com", password="tea-lover-1")
    shopper_resets.request_shopper_reset(session, owner.shop_id, "lin@example.com")
    session.commit()
    token = _link_in_last_email(session, "lin@example.com")
    assert "/s/tea-house/account/reset/" in session.exec(select(OutboxEmail.body)).first()
    with pytest.raises(NotFound):
        shopper_resets.reset_shopper_password(session, other.shop_id, token, "new-tea-pass-2")
    logged_in = shopper_resets.reset_shopper_password(session, owner.shop_id, token, "new-tea-pass-2")
    session.commit()
    assert shoppers.customer_for_token(session, owner.shop_id, logged_in.token).email == "lin@example.com"
    with pytest.raises(Unauthorized):
        shoppers.customer_for_token(session, owner.shop_id, first.token)
    # An owner's reset link is no shopper's, and the other way round.
    with pytest.raises(NotFound):
        password_resets.reset_owner_password(session, token, "new-tea-pass-3")
