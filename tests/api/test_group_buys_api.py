"""拼团 group buys over HTTP, end to end: the owner's activity and its refusals, shoppers opening and joining
groups at the group price, a group forming only when every place is paid (and only then shipping), a group
whose window runs out failing and refunding everyone (litemall#159) or forming with virtual members, a formed
group never joinable again after a refund (CRMEB#27), and ten shoppers racing for the last place."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx

from shopapp.db import session_scope
from shopapp.models import Order, Variant
from shopapp.models.base import clock_at, utcnow
from shopapp.services.checkout import group_orders
from shopapp.services.orders import cancel
from tests.api.test_fulfillment_api import SF, _order, _product
from tests.shopping import ADDRESS

PRICE, GROUP_PRICE = 5_000, 3_000


def _shopper(client, slug: str, email: str, name: str = "") -> dict:
    answer = client.post(f"/store/{slug}/customers", json={"email": email, "password": "secret-pass-1", "name": name})
    assert answer.status_code == 201, answer.text
    return {"email": email, "headers": {"Authorization": f"Bearer {answer.json()['token']}"}}


def _activity(client, shop, variant_id: int, product_id: int, **overrides) -> dict:
    now = utcnow()
    body = {"name": "龙井两人团", "product_id": product_id, "prices": {str(variant_id): GROUP_PRICE}, "group_size": 2,
            "hours_to_form": 24, "starts_at": (now - timedelta(minutes=1)).isoformat(),
            "ends_at": (now + timedelta(days=7)).isoformat(), **overrides}
    made = client.post("/group-buys", headers=shop["headers"], json=body)
    assert made.status_code == 201, made.text
    return made.json()


def _tea(shop, stock: int = 20) -> tuple[int, int]:
    variant_id = _product(shop, price=PRICE, stock=stock)
    with session_scope() as session:
        return variant_id, session.get(Variant, variant_id).product_id


def _open(client, slug, activity, shopper, variant_id) -> dict:
    opened = client.post(f"/store/{slug}/group-buys/{activity['id']}/groups", headers=shopper["headers"],
                         json={"variant_id": variant_id, "qty": 1, "address": ADDRESS})
    assert opened.status_code == 201, opened.text
    return opened.json()


def _join(client, slug, group_id, shopper, variant_id) -> httpx.Response:
    return client.post(f"/store/{slug}/groups/{group_id}/join", headers=shopper["headers"],
                       json={"variant_id": variant_id, "qty": 1, "address": ADDRESS})


def _pay(client, placed: dict) -> None:
    paid = client.post(f"/payments/sandbox/{placed['payment']['id']}/pay", json={"outcome": "success"})
    assert paid.json()["order_status"] == "paid", paid.text


def _group(client, slug, group_id) -> dict:
    return client.get(f"/store/{slug}/groups/{group_id}").json()


def _stock(variant_id: int) -> int:
    with session_scope() as session:
        return session.get(Variant, variant_id).stock


def test_the_owner_creates_lists_reads_and_reports_a_group_buy_and_bad_input_changes_nothing(client, shop):
    variant_id, product_id = _tea(shop)
    made = _activity(client, shop, variant_id, product_id, fill_with_virtual=True)
    assert (made["status"], made["group_size"], made["prices"], made["fill_with_virtual"]) == ("active", 2, {str(variant_id): GROUP_PRICE}, True)
    assert client.get(f"/group-buys/{made['id']}", headers=shop["headers"]).json()["name"] == "龙井两人团"
    listed = client.get("/group-buys", headers=shop["headers"]).json()
    assert listed["total"] == 1 and listed["items"][0]["groups_formed"] == 0

    now = utcnow()
    refused = client.post("/group-buys", headers=shop["headers"], json={
        "name": "贵团", "product_id": product_id, "prices": {str(variant_id): PRICE + 1}, "group_size": 1, "hours_to_form": 24,
        "starts_at": now.isoformat(), "ends_at": (now - timedelta(days=1)).isoformat(),
    })
    assert refused.status_code == 422
    fields = refused.json()["error"]["field_codes"]
    assert fields[f"prices.{variant_id}"] == "group_price_not_below_price" and fields["ends_at"] == "ends_before_start"
    assert fields["group_size"] == "number_out_of_range"
    assert client.get("/group-buys", headers=shop["headers"]).json()["total"] == 1

    # Another shop never sees it.
    other = client.post("/auth/signup", json={"email": "o@example.com", "password": "secret-pass", "shop_name": "别家", "shop_slug": "other"}).json()
    assert client.get(f"/group-buys/{made['id']}", headers={"Authorization": f"Bearer {other['token']}"}).status_code == 404

    # A product id no row could have is simply not found, on the product page's block too.
    assert client.get(f"/store/{shop['shop']['slug']}/products/9223372036854775808/group-buy").status_code == 404
    assert client.get(f"/store/{shop['shop']['slug']}/groups/9223372036854775808").status_code == 404
    report = client.get(f"/group-buys/{made['id']}/report", headers=shop["headers"]).json()
    assert {k: report[k] for k in ("orders", "paid_orders", "units", "revenue", "customers", "new_customers")} == {
        "orders": 0, "paid_orders": 0, "units": 0, "revenue": 0, "customers": 0, "new_customers": 0}


def test_two_shoppers_form_a_group_and_only_then_its_orders_ship(client, shop):
    slug = shop["shop"]["slug"]
    variant_id, product_id = _tea(shop)
    activity = _activity(client, shop, variant_id, product_id)
    lin = _shopper(client, slug, "lin@example.com", "林小美")
    wang = _shopper(client, slug, "wang@example.com", "王大力")

    opened = _open(client, slug, activity, lin, variant_id)
    order = client.get(f"/store/{slug}/orders/{opened['order_no']}", headers=lin["headers"]).json()
    # The group price is exclusive (PRICING.md step 1): the saving is listed as group_buy, shipping is still paid.
    assert order["items"][0]["unit_price"] == GROUP_PRICE
    assert [d["source"] for d in order["discounts"]] == ["group_buy"] and order["discounts"][0]["amount"] == PRICE - GROUP_PRICE
    assert order["total"] == GROUP_PRICE + order["shipping_total"]
    assert order["group"]["group_id"] == opened["group_id"] and order["group"]["status"] == "forming"
    _pay(client, opened)

    # Paid, but the group has not formed: the order cannot be shipped.
    shipped = client.post(f"/orders/{opened['order_id']}/shipments", headers=shop["headers"], json=SF)
    assert shipped.status_code == 409 and shipped.json()["error"]["code"] == "group_not_formed"
    offer = client.get(f"/store/{slug}/products/{product_id}/group-buy").json()["group_buy"]
    assert [(g["group_id"], g["missing"], g["opener_masked"]) for g in offer["groups"]] == [(opened["group_id"], 1, "林**")]

    joined = _join(client, slug, opened["group_id"], wang, variant_id)
    assert joined.status_code == 201, joined.text
    group = _group(client, slug, opened["group_id"])
    assert (group["status"], group["paid_members"], group["places_left"], group["joinable"]) == ("forming", 1, 0, False)
    _pay(client, joined.json())

    group = _group(client, slug, opened["group_id"])
    assert (group["status"], group["paid_members"]) == ("formed", 2)
    assert [m["name_masked"] for m in group["members"]] == ["林**", "王**"]
    assert client.post(f"/orders/{opened['order_id']}/shipments", headers=shop["headers"], json=SF).status_code == 201
    report = client.get(f"/group-buys/{activity['id']}/report", headers=shop["headers"]).json()
    assert (report["paid_orders"], report["units"], report["groups_formed"], report["customers"]) == (2, 2, 1, 2)
    assert report["discount_total"] == 2 * (PRICE - GROUP_PRICE)


def test_joining_is_refused_twice_when_full_and_when_closed_and_an_expired_join_frees_its_place(client, shop):
    slug = shop["shop"]["slug"]
    variant_id, product_id = _tea(shop)
    activity = _activity(client, shop, variant_id, product_id)
    lin, wang, zhou = (_shopper(client, slug, f"{n}@example.com") for n in ("lin", "wang", "zhou"))
    opened = _open(client, slug, activity, lin, variant_id)
    _pay(client, opened)

    # The same Idempotency-Key answers the first group again; nothing is placed twice.
    repeat = client.post(f"/store/{slug}/group-buys/{activity['id']}/groups", headers={**zhou["headers"], "Idempotency-Key": "k1"},
                         json={"variant_id": variant_id, "qty": 1, "address": ADDRESS})
    twice = client.post(f"/store/{slug}/group-buys/{activity['id']}/groups", headers={**zhou["headers"], "Idempotency-Key": "k1"},
                        json={"variant_id": variant_id, "qty": 1, "address": ADDRESS})
    assert repeat.status_code == twice.status_code == 201 and repeat.json()["group_id"] == twice.json()["group_id"]
    assert repeat.json()["order_no"] == twice.json()["order_no"]
    client.post(f"/store/{slug}/orders/{repeat.json()['order_no']}/cancel", headers=zhou["headers"])

    again = _join(client, slug, opened["group_id"], lin, variant_id)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_joined"
    held = _join(client, slug, opened["group_id"], wang, variant_id)
    assert held.status_code == 201
    stock = _stock(variant_id)
    full = _join(client, slug, opened["group_id"], zhou, variant_id)
    assert full.status_code == 409 and full.json()["error"]["code"] == "group_full"
    assert _stock(variant_id) == stock  # nothing taken, nothing charged

    # Wang never pays: the order expires and the place comes free for Zhou.
    with session_scope() as session, clock_at(utcnow() + timedelta(hours=2)):
        assert cancel.expire_unpaid_orders(session) >= 1
    assert _group(client, slug, opened["group_id"])["places_left"] == 1
    taken = _join(client, slug, opened["group_id"], zhou, variant_id)
    assert taken.status_code == 201, taken.text
    _pay(client, taken.json())
    assert _group(client, slug, opened["group_id"])["status"] == "formed"
    closed = _join(client, slug, opened["group_id"], wang, variant_id)
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "group_closed"
    # Not logged in: refused, nothing placed.
    assert client.post(f"/store/{slug}/groups/{opened['group_id']}/join", json={"variant_id": variant_id, "address": ADDRESS}).status_code == 401


def test_a_group_whose_window_runs_out_fails_and_every_paid_member_is_refunded_in_full(client, shop):
    """litemall#159: an expired, unfilled group was treated as formed and nobody was refunded."""
    slug = shop["shop"]["slug"]
    variant_id, product_id = _tea(shop, stock=10)
    activity = _activity(client, shop, variant_id, product_id, group_size=3, hours_to_form=2)
    lin, wang = _shopper(client, slug, "lin@example.com"), _shopper(client, slug, "wang@example.com")
    opened = _open(client, slug, activity, lin, variant_id)
    _pay(client, opened)
    joined = _join(client, slug, opened["group_id"], wang, variant_id).json()
    _pay(client, joined)
    assert _stock(variant_id) == 8

    with session_scope() as session:
        assert group_orders.close_due_groups(session) == 0  # not yet
    with session_scope() as session, clock_at(utcnow() + timedelta(hours=2, minutes=1)):
        assert group_orders.close_due_groups(session) == 1
    group = _group(client, slug, opened["group_id"])
    assert (group["status"], group["joinable"]) == ("failed", False)
    for placed in (opened, joined):
        order = _order(client, shop, placed["order_id"])
        assert (order["status"], order["refunded_total"]) == ("closed", order["total"])
    assert _stock(variant_id) == 10
    with session_scope() as session:  # a second run refunds nothing twice
        assert group_orders.close_due_groups(session) == 0 and group_orders.refund_failed_members(session) == 0
    report = client.get(f"/group-buys/{activity['id']}/report", headers=shop["headers"]).json()
    assert (report["groups_failed"], report["paid_orders"], report["revenue"]) == (1, 0, 0)


def test_with_virtual_members_allowed_a_group_forms_at_the_window_end(client, shop):
    slug = shop["shop"]["slug"]
    variant_id, product_id = _tea(shop)
    activity = _activity(client, shop, variant_id, product_id, group_size=3, hours_to_form=1, fill_with_virtual=True)
    lin = _shopper(client, slug, "lin@example.com")
    opened = _open(client, slug, activity, lin, variant_id)
    _pay(client, opened)
    with session_scope() as session, clock_at(utcnow() + timedelta(hours=1, minutes=1)):
        assert group_orders.close_due_groups(session) == 1
    group = _group(client, slug, opened["group_id"])
    assert (group["status"], group["paid_members"], len(group["members"])) == ("formed", 3, 3)
    assert client.post(f"/orders/{opened['order_id']}/shipments", headers=shop["headers"], json=SF).status_code == 201


def test_a_formed_group_is_never_joinable_again_after_a_members_refund(client, shop):
    """CRMEB#27: a formed group was shown as joinable again once a member was refunded."""
    slug = shop["shop"]["slug"]
    variant_id, product_id = _tea(shop)
    activity = _activity(client, shop, variant_id, product_id)
    lin, wang, zhou = (_shopper(client, slug, f"{n}@example.com") for n in ("lin", "wang", "zhou"))
    opened = _open(client, slug, activity, lin, variant_id)
    _pay(client, opened)
    joined = _join(client, slug, opened["group_id"], wang, variant_id).json()
    _pay(client, joined)
    order = _order(client, shop, joined["order_id"])
    refunded = client.post(f"/orders/{joined['order_id']}/refunds", headers=shop["headers"], json={"amount": order["total"], "reason": "不要了"})
    assert refunded.status_code == 201, refunded.text
    group = _group(client, slug, opened["group_id"])
    assert (group["status"], group["joinable"]) == ("formed", False)
    assert client.get(f"/store/{slug}/products/{product_id}/group-buy").json()["group_buy"]["groups"] == []
    refused = _join(client, slug, opened["group_id"], zhou, variant_id)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "group_closed"


def test_ending_the_activity_fails_its_forming_groups_with_refunds_and_leaves_formed_ones(client, shop):
    slug = shop["shop"]["slug"]
    variant_id, product_id = _tea(shop)
    activity = _activity(client, shop, variant_id, product_id)
    lin, wang, zhou = (_shopper(client, slug, f"{n}@example.com") for n in ("lin", "wang", "zhou"))
    formed = _open(client, slug, activity, lin, variant_id)
    _pay(client, formed)
    _pay(client, _join(client, slug, formed["group_id"], wang, variant_id).json())
    forming = _open(client, slug, activity, zhou, variant_id)
    _pay(client, forming)

    ended = client.post(f"/group-buys/{activity['id']}/end", headers=shop["headers"])
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    assert _group(client, slug, formed["group_id"])["status"] == "formed"
    assert _group(client, slug, forming["group_id"])["status"] == "failed"
    assert _order(client, shop, forming["order_id"])["status"] == "closed"
    assert _order(client, shop, formed["order_id"])["status"] == "paid"
    late = client.post(f"/store/{slug}/group-buys/{activity['id']}/groups", headers=wang["headers"],
                       json={"variant_id": variant_id, "qty": 1, "address": ADDRESS})
    assert late.status_code == 409 and late.json()["error"]["code"] == "group_buy_not_active"


def test_ten_shoppers_racing_for_the_last_place_one_joins_and_nobody_else_is_charged(client, shop):
    slug = shop["shop"]["slug"]
    variant_id, product_id = _tea(shop, stock=50)
    activity = _activity(client, shop, variant_id, product_id)
    opener = _shopper(client, slug, "opener@example.com")
    opened = _open(client, slug, activity, opener, variant_id)
    _pay(client, opened)
    racers = [_shopper(client, slug, f"racer{n}@example.com") for n in range(10)]
    stock = _stock(variant_id)

    start = threading.Barrier(len(racers))
    answers: list[httpx.Response] = []

    def race(shopper: dict) -> None:
        with httpx.Client(base_url=str(client.base_url), timeout=60) as own:
            start.wait()
            answers.append(_join(own, slug, opened["group_id"], shopper, variant_id))

    threads = [threading.Thread(target=race, args=(shopper,)) for shopper in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [409] * 9, [a.text for a in answers]
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} == {"group_full"}
    assert _stock(variant_id) == stock - 1
    with session_scope() as session:
        racer_orders = session.query(Order).filter(Order.email.like("racer%")).all()
        assert len(racer_orders) == 1
    _pay(client, next(a for a in answers if a.status_code == 201).json())
    assert _group(client, slug, opened["group_id"])["status"] == "formed"
