"""Sign-up, log-in, sessions: what an owner goes through to reach the console."""

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from shopapp.models import AuthSession, LoginAttempt, OutboxEmail, Shop, StaffMember, User
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


def _guess(session, ip: str, password: str = "guess-guess", email: str = GOOD["email"]):
    return accounts.login(session, email=email, password=password, ip=ip)


def _wait_out(session, seconds: float) -> None:
    """As if `seconds` had passed since every log-in attempt so far."""
    for attempt in session.exec(select(LoginAttempt)).all():
        attempt.at -= timedelta(seconds=seconds)
        session.add(attempt)
    session.commit()


def test_a_guesser_waits_longer_after_each_wrong_password_but_is_never_locked_out(session):
    accounts.signup(session, **GOOD)
    session.commit()
    waits = []
    for _ in range(accounts.CLIENT_FREE_FAILURES + 4):
        try:
            _guess(session, "203.0.113.9")
        except Unauthorized:
            continue
        except RateLimited as slowed:
            waits.append(slowed.params["seconds"])
            _wait_out(session, slowed.params["seconds"])
            with pytest.raises(Unauthorized):
                _guess(session, "203.0.113.9")
    assert waits == [1, 2, 4, 8]
    # The right password after the wait gets in, from the same address.
    with pytest.raises(RateLimited):
        _guess(session, "203.0.113.9", GOOD["password"])
    _wait_out(session, 16)
    assert _guess(session, "203.0.113.9", GOOD["password"]).token


def test_someone_guessing_an_owners_email_never_keeps_the_owner_out(session):
    accounts.signup(session, **GOOD)
    session.commit()
    for _ in range(accounts.CLIENT_FREE_FAILURES):
        with pytest.raises(Unauthorized):
            _guess(session, "198.51.100.7")
    with pytest.raises(RateLimited):
        _guess(session, "198.51.100.7")
    # The owner, at home, logs in at once.
    assert _guess(session, "192.0.2.10", GOOD["password"]).token


def test_guessing_spread_over_many_addresses_slows_new_addresses_but_not_the_owners_usual_one(session):
    accounts.signup(session, **GOOD)
    _guess(session, "192.0.2.10", GOOD["password"])  # the owner's usual address
    session.commit()
    for n in range(accounts.ACCOUNT_FREE_FAILURES):
        with pytest.raises(Unauthorized):
            _guess(session, f"198.51.100.{n}")
    with pytest.raises(RateLimited) as slowed:
        _guess(session, "198.51.100.200")
    assert 0 < slowed.value.params["seconds"] <= accounts.ACCOUNT_MAX_DELAY.total_seconds()
    assert _guess(session, "192.0.2.10", GOOD["password"]).token


def test_the_owner_is_emailed_once_when_someone_keeps_guessing(session):
    accounts.signup(session, **GOOD)
    session.commit()
    for n in range(accounts.ALERT_AFTER + 3):
        with pytest.raises(Unauthorized):
            _guess(session, f"198.51.100.{n}")
    mail = session.exec(select(OutboxEmail).where(OutboxEmail.to == GOOD["email"])).all()
    assert len(mail) == 1
    assert "有人在尝试登录" in mail[0].subject and "someone is trying to log in" in mail[0].subject
    assert f"{accounts.ALERT_AFTER} 次" in mail[0].body and "not locked" in mail[0].body
    # Guessing an address nobody has warns nobody.
    for n in range(accounts.ALERT_AFTER):
        with pytest.raises(Unauthorized):
            _guess(session, f"198.51.100.{n}", email="nobody@example.com")
    assert len(session.exec(select(OutboxEmail)).all()) == 1


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
