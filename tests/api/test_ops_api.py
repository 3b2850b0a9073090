"""The platform's side over HTTP: public plans, operators (only they reach /ops, anyone else 404), suspension
(storefront 503, writes 423, reads fine, restore brings all back), the audit log, plan limits and their words."""

from datetime import timedelta

from sqlalchemy import update

from shopapp.db import session_scope
from shopapp.models import Plan, ShopPlan
from shopapp.models.base import utcnow
from shopapp.services.platform import operators
from tests.api.conftest import signup

OPERATOR = {"email": "ops@platform.example", "password": "operator-pass"}


def operator_headers(client) -> dict:
    with session_scope() as session:
        operators.create_operator(session, **OPERATOR)
    answer = client.post("/auth/login", json=OPERATOR)
    assert answer.status_code == 200 and answer.json()["operator"] is True, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def product(title="龙井"):
    return {"title": title, "status": "active", "variants": [{"price": 1200, "stock": 5}]}


def end_trial(shop_id: int) -> None:
    """The trial's fourteen days are over (the unit tests move the clock; here the row is moved)."""
    with session_scope() as session:
        session.exec(update(ShopPlan).where(ShopPlan.shop_id == shop_id).values(
            starts_at=utcnow() - timedelta(days=20), ends_at=utcnow() - timedelta(days=6)))


def test_plans_are_public(client):
    answer = client.get("/plans")
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert [plan["name"] for plan in items] == ["免费版", "基础版", "专业版"]
    for field in ("id", "monthly_price", "yearly_price", "commission_percent", "limits", "features"):
        assert field in items[0]
    assert items[0]["limits"]["products"] == 50


def test_only_operators_reach_the_ops_api(client, shop):
    headers = operator_headers(client)
    key = client.post("/api-keys", json={"name": "erp"}, headers=shop["headers"]).json()["key"]
    for who in ({}, shop["headers"], {"Authorization": f"Bearer {key}"}, {"Authorization": "Bearer op_forged"}):
        for method, path in (("GET", "/ops/shops"), ("GET", "/ops/audit"), ("POST", f"/ops/shops/{shop['shop']['id']}/suspend"),
                             ("GET", "/ops/shops/not-a-number")):
            answer = client.request(method, path, headers=who, json={"reason": "x"})
            assert answer.status_code == 404, (who, path, answer.text)
    listed = client.get("/ops/shops", headers=headers).json()
    assert listed["total"] == 1
    row = listed["items"][0]
    assert {k: row[k] for k in ("slug", "plan", "status", "gmv_30d", "orders_30d")} == {
        "slug": "tea-house", "plan": "专业版", "status": "active", "gmv_30d": 0, "orders_30d": 0}
    assert "created_at" in row and "last_activity" in row
    # An operator's token opens nothing in any shop.
    assert client.get("/shop", headers=headers).status_code == 401


def test_create_operator_refuses_an_address_that_runs_a_shop(client, shop):
    with session_scope() as session:
        try:
            operators.create_operator(session, email="tea-house@example.com", password="operator-pass")
        except Exception as exc:  # noqa: BLE001 - the refusal's code is what matters
            assert exc.code == "operator_is_shop_staff"
        else:
            raise AssertionError("an owner became an operator")


def test_a_suspended_shop_pauses_its_storefront_and_refuses_writes_until_restored(client, shop):
    headers = operator_headers(client)
    made = client.post("/products", json=product(), headers=shop["headers"])
    assert made.status_code == 201
    shop_id, slug = shop["shop"]["id"], shop["shop"]["slug"]

    assert client.post(f"/ops/shops/{shop_id}/suspend", json={"reason": ""}, headers=headers).status_code == 422
    suspended = client.post(f"/ops/shops/{shop_id}/suspend", json={"reason": "售假"}, headers=headers)
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"

    store = client.get(f"/store/{slug}/products")
    assert store.status_code == 503 and store.json()["error"]["code"] == "shop_suspended"
    page = client.get(f"{client.base_url.scheme}://{client.base_url.host}:{client.base_url.port}/s/{slug}")
    assert page.status_code == 503 and "店铺暂停营业" in page.text and "售假" not in page.text
    refused = client.post("/products", json=product("碧螺春"), headers=shop["headers"])
    assert refused.status_code == 423 and refused.json()["error"]["code"] == "shop_suspended"
    assert client.patch("/shop", json={"name": "换个名字"}, headers=shop["headers"]).status_code == 423
    listed = client.get("/products", headers=shop["headers"])  # reads still work, nothing deleted
    assert listed.status_code == 200 and listed.json()["total"] == 1

    restored = client.post(f"/ops/shops/{shop_id}/restore", json={"reason": "已整改"}, headers=headers)
    assert restored.status_code == 200 and restored.json()["status"] == "active"
    assert client.get(f"/store/{slug}/products").status_code == 200
    assert client.post("/products", json=product("碧螺春"), headers=shop["headers"]).status_code == 201

    audit = client.get("/ops/audit", headers=headers).json()["items"]
    assert [(e["action"], e["shop_id"], e["reason"], e["operator"]) for e in audit[:2]] == [
        ("restore_shop", shop_id, "已整改", OPERATOR["email"]), ("suspend_shop", shop_id, "售假", OPERATOR["email"])]
    assert all("at" in e for e in audit)


def test_another_shop_is_untouched_by_a_suspension(client, shop):
    headers = operator_headers(client)
    other = signup(client, "green-tea")
    client.post(f"/ops/shops/{shop['shop']['id']}/suspend", json={"reason": "spam"}, headers=headers)
    assert client.get("/store/green-tea/products").status_code == 200
    assert client.post("/products", json=product(), headers=other["headers"]).status_code == 201


def test_after_the_trial_the_free_plan_refuses_with_the_plan_that_allows_it(client, shop):
    end_trial(shop["shop"]["id"])
    refused = client.post("/api-keys", json={"name": "erp"}, headers=shop["headers"])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "plan_feature_missing"
    assert "基础版" in refused.json()["error"]["message"]
    english = client.post("/api-keys", json={"name": "erp"}, headers={**shop["headers"], "Accept-Language": "en"})
    assert "Basic" in english.json()["error"]["message"]
    with session_scope() as session:
        session.exec(update(Plan).where(Plan.code == "free").values(limits={"products": 1, "staff": 2, "storage_mb": 500}))
    assert client.post("/products", json=product(), headers=shop["headers"]).status_code == 201
    over = client.post("/products", json=product("二"), headers=shop["headers"])
    assert over.status_code == 403 and over.json()["error"]["code"] == "plan_limit_reached"
    assert "免费版" in over.json()["error"]["message"] and "基础版" in over.json()["error"]["message"]
    assert client.get("/products", headers=shop["headers"]).json()["total"] == 1


def test_the_operator_edits_plans_and_bad_input_changes_nothing(client):
    headers = operator_headers(client)
    plans = client.get("/ops/plans", headers=headers).json()["items"]
    basic = next(plan for plan in plans if plan["code"] == "basic")
    changed = client.patch(f"/ops/plans/{basic['id']}", json={"monthly_price": 5800, "commission_percent": 0.5}, headers=headers)
    assert changed.status_code == 200 and changed.json()["commission_percent"] == 0.5
    bad = client.patch(f"/ops/plans/{basic['id']}", json={"monthly_price": "lots", "features": ["x"]}, headers=headers)
    assert bad.status_code == 422 and set(bad.json()["error"]["field_codes"]) == {"monthly_price", "features"}
    public = {plan["code"]: plan for plan in client.get("/plans").json()["items"]}
    assert public["basic"]["monthly_price"] == 5800
    created = client.post("/ops/plans", json={"code": "flagship", "name": "旗舰版", "monthly_price": 99900,
                                              "limits": {"products": None, "staff": None}, "features": ["api_keys"]},
                          headers=headers)
    assert created.status_code == 201 and created.json()["limits"]["staff"] is None
    assert client.get("/ops/audit", headers=headers).json()["items"][0]["action"] == "create_plan"


def test_the_shop_page_and_figures(client, shop):
    headers = operator_headers(client)
    page = client.get(f"/ops/shops/{shop['shop']['id']}", headers=headers).json()
    assert page["owner"]["email"] == "tea-house@example.com" and page["plan_history"][0]["kind"] == "trial"
    assert page["orders"] == {"today": 0, "7d": 0, "30d": 0, "all": 0}
    figures = client.get("/ops/figures?days=7", headers=headers).json()
    assert figures["shops"] == 1 and len(figures["days"]) == 7 and figures["days"][-1]["shops_opened"] == 1
