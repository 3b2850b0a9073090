"""Health, OpenAPI, shop profile, API keys, staff over HTTP, tenancy, and unexpected errors."""

import logging
import os

from tests.api.conftest import signup


def test_health_says_ok_when_the_database_answers(client):
    answer = client.get("/health")
    assert answer.status_code == 200 and answer.json() == {"status": "ok", "redis": "ok" if os.environ.get("REDIS_URL") else "unused"}


def test_the_openapi_document_lists_the_contract(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/auth/signup", "/api/v1/auth/login", "/api/v1/shop", "/api/v1/api-keys", "/api/v1/health"):
        assert path in paths


def test_an_unknown_path_answers_404_in_the_error_shape(client):
    answer = client.get("/no-such-thing")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"


def test_the_owner_edits_the_shop_profile(client, shop):
    changes = {"name": "新茶舍", "shipping_policy": "48 小时内发货", "contact_email": "Hi@Example.com"}
    answer = client.patch("/shop", json=changes, headers=shop["headers"])
    assert answer.status_code == 200
    assert answer.json()["name"] == "新茶舍" and answer.json()["contact_email"] == "hi@example.com"


def test_a_bad_profile_change_changes_nothing(client, shop):
    answer = client.patch("/shop", json={"name": "好名字", "currency": "XXX"}, headers=shop["headers"])
    assert answer.status_code == 422 and answer.json()["error"]["field_codes"] == {"currency": "currency_unsupported"}
    assert client.get("/shop", headers=shop["headers"]).json()["name"] == "tea-house 店"


def test_an_api_key_is_shown_once_works_and_can_be_revoked(client, shop):
    created = client.post("/api-keys", json={"name": "ERP"}, headers=shop["headers"])
    assert created.status_code == 201
    key = created.json()["key"]
    as_key = {"Authorization": f"Bearer {key}"}
    assert client.get("/shop", headers=as_key).json()["slug"] == "tea-house"
    listed = client.get("/api-keys", headers=shop["headers"]).json()
    assert listed["total"] == 1 and key not in str(listed)
    assert client.delete(f"/api-keys/{created.json()['id']}", headers=shop["headers"]).status_code == 204
    assert client.get("/shop", headers=as_key).status_code == 401


def test_another_shops_objects_answer_404(client, shop):
    other = signup(client, "other-shop")
    key = client.post("/api-keys", json={"name": "theirs"}, headers=other["headers"]).json()
    assert client.delete(f"/api-keys/{key['id']}", headers=shop["headers"]).status_code == 404
    their_owner = client.get("/staff", headers=other["headers"]).json()["members"][0]
    assert client.delete(f"/staff/{their_owner['id']}", headers=shop["headers"]).status_code == 404
    assert client.patch(f"/staff/{their_owner['id']}", json={"role": "support"}, headers=shop["headers"]).status_code == 404


def test_staff_invite_and_accept_over_http(client, shop):
    from shopapp.db import session_scope
    from shopapp.services.shops import staff

    invited = client.post("/staff/invites", json={"email": "ops@example.com", "role": "operations"}, headers=shop["headers"])
    assert invited.status_code == 201
    # The token travels by e-mail; the test makes a second one through the service to accept it.
    with session_scope() as session:
        from shopapp.services.shops.accounts import authenticate

        token = staff.invite(session, authenticate(session, shop["token"]), email="ops2@example.com", role="support")
    accepted = client.post(f"/invites/{token}/accept", json={"password": "support-pass-1"})
    assert accepted.status_code == 200
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {accepted.json()['token']}"}).json()
    assert me["role"] == "support" and me["email"] == "ops2@example.com"
    forbidden = client.post("/api-keys", json={"name": "x"}, headers={"Authorization": f"Bearer {accepted.json()['token']}"})
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "role_not_allowed"


def test_an_unexpected_error_answers_500_with_a_request_id_and_no_trace(client, shop, monkeypatch, caplog):
    from shopapp.services.shops import shops

    def broken(_shop):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(shops, "shop_public", broken)
    with caplog.at_level(logging.ERROR):
        answer = client.get("/shop", headers=shop["headers"])
    assert answer.status_code == 500
    error = answer.json()["error"]
    assert error["code"] == "internal_error" and error["request_id"] and "disk on fire" not in answer.text
    assert error["request_id"] in error["message"] and answer.headers["x-request-id"] == error["request_id"]
    assert any(error["request_id"] in record.getMessage() for record in caplog.records)


def test_secrets_never_reach_the_log():
    from shopapp.logs import SecretScrubber

    record = logging.LogRecord("t", logging.INFO, __file__, 1, "login with %s and password=%s", ("ss_" + "a" * 40, "hunter22"), None)
    SecretScrubber().filter(record)
    assert "a" * 40 not in record.getMessage() and "hunter22" not in record.getMessage()


def test_public_storefront_info_and_a_missing_shop(client, shop):
    assert client.get("/store/tea-house").json()["name"] == "tea-house 店"
    missing = client.get("/store/no-such-shop")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "shop_not_found"


def test_the_console_cookie_reads_but_never_writes(client, shop):
    cookies = {"shopapp_session": shop["token"]}
    assert client.get("/shop", cookies=cookies).status_code == 200
    assert client.patch("/shop", json={"name": "x"}, cookies=cookies).status_code == 401
