"""The accounts API over HTTP: sign-up, log-in, the error shape for every bad input."""

import re

import pytest
from sqlalchemy import func
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import OutboxEmail, Shop, User
from tests.api.conftest import signup

GOOD = {"email": "li@example.com", "password": "green-tea-88", "shop_name": "李记茶庄", "shop_slug": "li-tea"}


def shops_and_users() -> tuple[int, int]:
    with session_scope() as session:
        return (
            session.exec(select(func.count()).select_from(Shop)).one(),
            session.exec(select(func.count()).select_from(User)).one(),
        )


def test_signup_answers_a_token_and_the_shop(client):
    answer = client.post("/auth/signup", json=GOOD)
    assert answer.status_code == 201
    body = answer.json()
    assert body["token"] and body["shop"]["slug"] == "li-tea" and body["shop"]["name"] == "李记茶庄"
    shop = client.get("/shop", headers={"Authorization": f"Bearer {body['token']}"}).json()
    assert shop["currency"] == "CNY" and shop["id"] == body["shop"]["id"]


def test_malformed_json_is_refused_with_the_error_shape(client):
    answer = client.post("/auth/signup", content=b'{"email": "li@', headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "malformed_json" and error["message"] and error["fields"] == {}
    assert shops_and_users() == (0, 0)


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({k: v for k, v in GOOD.items() if k != "shop_slug"}, "shop_slug", "required"),
        ({**GOOD, "email": "li@@example"}, "email", "email_invalid"),
        ({**GOOD, "password": "short"}, "password", "password_too_short"),
        ({**GOOD, "password": "1234567890"}, "password", "password_all_digits"),
        ({**GOOD, "shop_slug": "api"}, "shop_slug", "slug_reserved"),
        ({**GOOD, "shop_slug": "UPPER case"}, "shop_slug", "slug_format"),
    ],
)
def test_bad_signup_input_answers_422_names_the_field_and_creates_nothing(client, body, field, code):
    answer = client.post("/auth/signup", json=body)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_input" and error["field_codes"][field] == code and error["fields"][field]
    assert shops_and_users() == (0, 0)


def test_a_taken_slug_and_a_duplicate_email_are_refused(client):
    signup(client, "li-tea", "li@example.com")
    taken = client.post("/auth/signup", json={**GOOD, "email": "new@example.com"})
    assert taken.status_code == 422 and taken.json()["error"]["field_codes"] == {"shop_slug": "slug_taken"}
    duplicate = client.post("/auth/signup", json={**GOOD, "shop_slug": "new-shop"})
    assert duplicate.status_code == 422 and duplicate.json()["error"]["field_codes"] == {"email": "email_taken"}
    assert shops_and_users() == (1, 1)


def test_messages_follow_the_readers_language(client):
    chinese = client.post("/auth/signup", json={**GOOD, "email": "bad"}).json()["error"]
    english = client.post("/auth/signup", json={**GOOD, "email": "bad"}, headers={"Accept-Language": "en-US"}).json()["error"]
    assert chinese["fields"]["email"] == "邮箱格式不正确"
    assert english["fields"]["email"] == "Not a valid email address"


def test_login_logout(client):
    signup(client, "li-tea", "li@example.com")
    answer = client.post("/auth/login", json={"email": "li@example.com", "password": "secret-pass"})
    assert answer.status_code == 200
    headers = {"Authorization": f"Bearer {answer.json()['token']}"}
    assert client.get("/auth/me", headers=headers).json()["role"] == "owner"
    assert client.post("/auth/logout", headers=headers).status_code == 204
    after = client.get("/shop", headers=headers)
    assert after.status_code == 401 and after.json()["error"]["code"] == "invalid_token"


def test_wrong_passwords_slow_down_the_guesser_with_retry_after(client):
    signup(client, "li-tea", "li@example.com")
    for _ in range(3):
        wrong = client.post("/auth/login", json={"email": "li@example.com", "password": "not-my-pass"})
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "wrong_credentials"
    slowed = client.post("/auth/login", json={"email": "li@example.com", "password": "secret-pass"})
    assert slowed.status_code == 429 and slowed.json()["error"]["code"] == "too_many_attempts"
    assert int(slowed.headers["retry-after"]) >= 1
    assert "秒后再试" in slowed.json()["error"]["message"]


def test_no_token_answers_401_with_the_error_shape(client):
    answer = client.get("/shop")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "login_required"


def test_an_owner_who_forgot_the_password_signs_in_again_by_the_emailed_link(client, shop):
    assert client.post("/auth/password-reset", json={"email": "tea-house@example.com"}).status_code == 202
    assert client.post("/auth/password-reset", json={"email": "nobody@example.com"}).status_code == 202
    with session_scope() as session:
        body = session.exec(select(OutboxEmail.body).where(OutboxEmail.to == "tea-house@example.com").order_by(OutboxEmail.id)).all()[-1]
    token = re.search(r"/reset-password/(\S+)", body).group(1)
    answer = client.post("/auth/password-reset/confirm", json={"token": token, "password": "a-brand-new-pass"})
    assert answer.status_code == 200 and answer.json()["shop"]["slug"] == "tea-house"
    assert client.get("/shop", headers=shop["headers"]).status_code == 401  # the old session ended
    assert client.post("/auth/login", json={"email": "tea-house@example.com", "password": "a-brand-new-pass"}).status_code == 200
