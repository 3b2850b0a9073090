"""砍价 bargains over HTTP: the owner creates one (bad ones refused with each field), a shopper starts a run,
friends cut until the floor (the starter, a second cut, a late friend and an expired run refused with their
codes), the run as its link shows it, the starter's checkout at the floor, the activity's report."""

from __future__ import annotations

from tests.api.test_fulfillment_api import _product
from tests.api.test_points_api import _shopper
from tests.shopping import ADDRESS


def _bargain(client, shop: dict, variant_id: int, **fields) -> dict:
    made = client.post("/bargains", headers=shop["headers"], json={
        "name": "砍到 ¥10", "variant_id": variant_id, "floor_price": 1000, "helpers_needed": 3, "hours": 24, "quantity": 5,
        **fields,
    })
    assert made.status_code == 201, made.text
    return made.json()


def test_a_bargain_from_start_to_the_floor_and_the_starters_order(client, shop):
    slug = shop["shop"]["slug"]
    tea = _product(shop, price=3800, stock=10)
    bargain = _bargain(client, shop, tea)
    assert (bargain["status"], bargain["left"], bargain["sold"]) == ("active", 5, 0)
    assert [b["id"] for b in client.get("/bargains", headers=shop["headers"]).json()["items"]] == [bargain["id"]]

    starter = _shopper(client, slug, "mei@example.com")
    started = client.post(f"/store/{slug}/bargains/{bargain['id']}/start", headers=starter["headers"])
    assert started.status_code == 201, started.text
    run = started.json()
    assert (run["price"], run["floor_price"], run["share_path"]) == (3800, 1000, f"/s/{slug}/bargain-runs/{run['run_id']}")
    assert run["expires_at"].endswith("Z")
    cuts_url = f"/store/{slug}/bargain-runs/{run['run_id']}/cuts"

    assert client.post(cuts_url).status_code == 401  # a friend logs in first
    own = client.post(cuts_url, headers=starter["headers"])
    assert (own.status_code, own.json()["error"]["code"]) == (409, "own_bargain")
    early = client.post(f"/store/{slug}/bargain-runs/{run['run_id']}/checkout", headers=starter["headers"], json={"address": ADDRESS})
    assert (early.status_code, early.json()["error"]["code"]) == (409, "not_at_floor")

    friends = [_shopper(client, slug, f"friend{n}@example.com") for n in range(3)]
    prices = []
    for friend in friends:
        cut = client.post(cuts_url, headers=friend["headers"])
        assert cut.status_code == 201, cut.text
        assert cut.json()["cut"] > 0
        prices.append(cut.json()["price"])
        if friend is friends[0]:
            twice = client.post(cuts_url, headers=friend["headers"])
            assert (twice.status_code, twice.json()["error"]["code"]) == (409, "already_helped")
    assert prices[-1] == 1000 and prices == sorted(prices, reverse=True)
    late = client.post(cuts_url, headers=_shopper(client, slug, "late@example.com")["headers"])
    assert (late.status_code, late.json()["error"]["code"]) == (409, "finished")

    shown = client.get(f"/store/{slug}/bargain-runs/{run['run_id']}").json()
    assert (shown["price"], shown["floor_price"], shown["status"]) == (1000, 1000, "finished")
    assert [c["name_masked"] for c in shown["cuts"]] == ["f***"] * 3 and sum(c["cut"] for c in shown["cuts"]) == 2800

    other = client.post(f"/store/{slug}/bargain-runs/{run['run_id']}/checkout", headers=friends[0]["headers"], json={"address": ADDRESS})
    assert (other.status_code, other.json()["error"]["code"]) == (403, "not_your_bargain")
    bad = client.post(f"/store/{slug}/bargain-runs/{run['run_id']}/checkout", headers=starter["headers"], json={"address": {**ADDRESS, "phone": "12"}})
    assert bad.status_code == 422 and "address.phone" in bad.json()["error"]["fields"]
    assert client.get(f"/bargains/{bargain['id']}", headers=shop["headers"]).json()["sold"] == 0  # the refusal kept nothing

    placed = client.post(f"/store/{slug}/bargain-runs/{run['run_id']}/checkout", headers=starter["headers"], json={"address": ADDRESS})
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["order_no"] and order["payment"]["id"]
    paid = client.post(f"/payments/sandbox/{order['payment']['id']}/pay", json={"outcome": "success"})
    assert paid.json()["order_status"] == "paid", paid.text
    detail = client.get(f"/orders/{order['order_id']}", headers=shop["headers"]).json()
    assert detail["items"][0]["unit_price"] == 1000 and detail["total"] == 1000 + detail["shipping_total"]
    assert {"source": "bargain", "id": bargain["id"], "amount": 2800}.items() <= detail["discounts"][0].items()

    report = client.get(f"/bargains/{bargain['id']}/report", headers=shop["headers"]).json()
    assert (report["paid_orders"], report["units"], report["revenue"], report["discount_total"]) == (1, 1, 1000, 2800)
    assert (report["runs_started"], report["runs_finished"]) == (1, 1)


def test_bad_bargains_are_refused_with_a_clear_422_and_nothing_is_made(client, shop):
    tea = _product(shop, price=3800)
    for change, field in (({"floor_price": 4000}, "floor_price"), ({"helpers_needed": 0}, "helpers_needed"),
                          ({"hours": 0}, "hours"), ({"quantity": -1}, "quantity"), ({"variant_id": "x"}, "variant_id")):
        refused = client.post("/bargains", headers={**shop["headers"], "Accept-Language": "en"}, json={
            "name": "x", "variant_id": tea, "floor_price": 1000, "helpers_needed": 3, "hours": 24, "quantity": 5, **change,
        })
        assert refused.status_code == 422, (change, refused.text)
        assert field in refused.json()["error"]["fields"], refused.text
    floor = client.post("/bargains", headers=shop["headers"], json={
        "name": "x", "variant_id": tea, "floor_price": 3800, "helpers_needed": 3, "hours": 24, "quantity": 5})
    assert floor.json()["error"]["fields"]["floor_price"] == "底价必须低于商品原价"
    assert client.get("/bargains", headers=shop["headers"]).json()["total"] == 0


def test_ending_a_bargain_expires_its_open_runs_and_refuses_new_ones(client, shop):
    slug = shop["shop"]["slug"]
    tea = _product(shop, price=3800)
    bargain = _bargain(client, shop, tea, hours=1)
    starter = _shopper(client, slug, "mei@example.com")
    run = client.post(f"/store/{slug}/bargains/{bargain['id']}/start", headers=starter["headers"]).json()
    friend = _shopper(client, slug, "lan@example.com")
    ended = client.post(f"/bargains/{bargain['id']}/end", headers=shop["headers"]).json()
    assert ended["status"] == "ended"
    late = client.post(f"/store/{slug}/bargain-runs/{run['run_id']}/cuts", headers=friend["headers"])
    assert (late.status_code, late.json()["error"]["code"]) == (409, "expired")
    again = client.post(f"/store/{slug}/bargains/{bargain['id']}/start", headers=friend["headers"])
    assert (again.status_code, again.json()["error"]["code"]) == (409, "bargain_ended")
    unknown = client.get(f"/store/{slug}/bargain-runs/999999")
    assert unknown.status_code == 404


def test_a_refunded_bargain_order_shows_its_run_refunded_and_the_run_is_never_bought_again(client, shop):
    slug = shop["shop"]["slug"]
    tea = _product(shop, price=3800, stock=10)
    bargain = _bargain(client, shop, tea, helpers_needed=1)
    starter = _shopper(client, slug, "mei@example.com")
    run = client.post(f"/store/{slug}/bargains/{bargain['id']}/start", headers=starter["headers"]).json()
    helped = client.post(f"/store/{slug}/bargain-runs/{run['run_id']}/cuts", headers=_shopper(client, slug, "lan@example.com")["headers"])
    assert helped.status_code == 201, helped.text
    checkout = f"/store/{slug}/bargain-runs/{run['run_id']}/checkout"
    order = client.post(checkout, headers=starter["headers"], json={"address": ADDRESS}).json()
    client.post(f"/payments/sandbox/{order['payment']['id']}/pay", json={"outcome": "success"})

    cancelled = client.post(f"/orders/{order['order_id']}/cancel", headers=shop["headers"], json={"reason": "缺货"})

    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["status"], cancelled.json()["refunded_total"]) == ("closed", order["total"])
    shown = client.get(f"/store/{slug}/bargain-runs/{run['run_id']}", headers=starter["headers"]).json()
    assert shown["status"] == "refunded"
    again = client.post(checkout, headers=starter["headers"], json={"address": ADDRESS})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_ordered")
    assert client.get(f"/bargains/{bargain['id']}", headers=shop["headers"]).json()["sold"] == 1  # the unit stays sold
