"""Sign-up, log-in, sessions: what an owner goes through to reach the console."""

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from shopapp.models import AuthSession, Shop, StaffMember, User
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Invalid, RateLimited, Unauthorized
from shopapp.services.shops import accounts

GOOD = {"email": "li@example.com", "password": "green-tea-88", "shop_name": "李记茶庄", "shop_slug": "li-tea"}


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_signup_opens_a_shop_owned_by_the_new_user(session):
    signed = accounts.signup(session, **GOOD)
    actor = accounts.authenticate(session, signed.token)
    assert actor.role == "owner" and actor.shop_id == signed.shop.id
    assert signed.shop.slug == "li-tea" and signed.shop.name == "李记茶庄" and signed.shop.currency == "CNY"


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"email": "not-an-email"}, "email", "email_invalid"),
        ({"email": ""}, "email", "required"),
        ({"password": "short1"}, "password", "password_too_short"),
        ({"password": "12345678901"}, "password", "password_all_digits"),
        ({"shop_name": "   "}, "shop_name", "required"),
        ({"shop_slug": "Li Tea"}, "shop_slug", "slug_format"),
        ({"shop_slug": "-li"}, "shop_slug", "slug_format"),
        ({"shop_slug": "admin"}, "shop_slug", "slug_reserved"),
        ({"shop_slug": "console"}, "shop_slug", "slug_reserved"),
    ],
)
def test_bad_signup_says_which_field_and_creates_nothing(session, changes, field, problem):
    with pytest.raises(Invalid) as caught:
        accounts.signup(session, **{**GOOD, **changes})
    assert caught.value.fields[field] == problem
    assert count(session, User) == 0 and count(session, Shop) == 0


def test_every_bad_field_is_reported_at_once(session):
    with pytest.raises(Invalid) as caught:
        accounts.signup(session, email="x", password="1", shop_name="", shop_slug="API")
    assert set(caught.value.fields) == {"email", "password", "shop_name", "shop_slug"}


def test_a_taken_slug_or_email_is_refused(session):
    accounts.signup(session, **GOOD)
    with pytest.raises(Invalid) as caught:
        accounts.signup(session, **{**GOOD, "email": "other@example.com"})
    assert caught.value.fields == {"shop_slug": "slug_taken"}
    with pytest.raises(Invalid) as caught:
        accounts.signup(session, **{**GOOD, "email": "LI@example.com", "shop_slug": "another"})
    assert caught.value.fields == {"email": "email_taken"}
    assert count(session, Shop) == 1


def test_tokens_are_stored_only_as_hashes(session):
    signed = accounts.signup(session, **GOOD)
    stored = session.exec(select(AuthSession.token_hash)).all()
    assert signed.token not in stored and len(stored[0]) == 64
    user = session.exec(select(User)).one()
    assert GOOD["password"] not in user.password_hash and user.password_hash.startswith("$argon2")


def test_login_and_logout(session):
    accounts.signup(session, **GOOD)
    signed = accounts.login(session, email="Li@Example.com", password=GOOD["password"])
    assert accounts.authenticate(session, signed.token).role == "owner"
    accounts.logout(session, signed.token)
    with pytest.raises(Unauthorized):
        accounts.authenticate(session, signed.token)


def test_a_wrong_password_is_refused(session):
    accounts.signup(session, **GOOD)
    with pytest.raises(Unauthorized) as caught:
        accounts.login(session, email=GOOD["email"], password="wrong-password")
    assert caught.value.code == "wrong_credentials"


def test_repeated_failures_lock_the_email_for_a_while(session):
    accounts.signup(session, **GOOD)
    session.commit()
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(Unauthorized):
            accounts.login(session, email=GOOD["email"], password="guess-guess")
    with pytest.raises(RateLimited):
        accounts.login(session, email=GOOD["email"], password=GOOD["password"])


def test_an_expired_session_is_refused(session):
    signed = accounts.signup(session, **GOOD)
    row = session.exec(select(AuthSession)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    with pytest.raises(Unauthorized):
        accounts.authenticate(session, signed.token)


def test_a_removed_staff_member_loses_access_at_once(session):
    signed = accounts.signup(session, **GOOD)
    member = session.exec(select(StaffMember)).one()
    session.delete(member)
    with pytest.raises(Unauthorized):
        accounts.authenticate(session, signed.token)
