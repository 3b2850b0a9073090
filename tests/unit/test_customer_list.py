"""The owner's customer list: who is on it (guests merged with their later account), search, filters,
tags, RFM groups, segments and the CSV export."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import CustomerProfile, Order
from shopapp.models.base import utcnow
from shopapp.services.checkout import place
from shopapp.services.core.errors import Invalid, NotFound
from shopapp.services.customers import details, directory, export, rfm, segments, shoppers
from shopapp.services.orders import payments, refunds
from tests.conftest import make_shop
from tests.shopping import ADDRESS, cart_with, paid_order, product_on_sale


def _names(session, owner, **filters) -> list[str]:
    sort = filters.pop("sort", "recent")
    items, _ = directory.list_customers(session, owner, filters, sort=sort)
    return [item["email"] for item in items]


@pytest.fixture
def tea(session, owner) -> int:
    return product_on_sale(session, owner, stock=100, price=3800)


def test_a_guest_who_pays_is_on_the_list_with_what_they_spent(session, owner, tea):
    paid_order(session, owner, (tea, 2), email="Mei@Example.com", phone="13912345678")
    [item], total = directory.list_customers(session, owner)
    assert total == 1
    assert item["email"] == "mei@example.com"
    assert item["orders_count"] == 1 and item["total_spent"] > 7600 - 1
    assert item["phone_masked"] == "139****5678"
    assert item["account_id"] is None and item["region"] == "浙江省"


def test_a_guest_who_registers_later_is_one_customer_with_the_account(session, owner, tea):
    paid_order(session, owner, (tea, 1), email="mei@example.com")
    account = shoppers.register(session, owner.shop_id, email="mei@example.com", password="secret-pass", name="美")
    session.commit()
    items, total = directory.list_customers(session, owner)
    assert total == 1
    assert items[0]["account_id"] == account.customer["id"] and items[0]["orders_count"] == 1
    assert items[0]["name"] == "美"


def test_someone_who_only_registered_is_listed_with_no_orders(session, owner):
    shoppers.register(session, owner.shop_id, email="new@example.com", password="secret-pass")
    session.commit()
    [item], _ = directory.list_customers(session, owner)
    assert item["orders_count"] == 0 and item["last_order_at"] is None


def test_a_refund_comes_off_what_the_customer_spent(session, owner, tea):
    order, _ = paid_order(session, owner, (tea, 2), email="mei@example.com")
    refunds.refund(session, owner, order.id, 1000, "破损")
    session.commit()
    [item], _ = directory.list_customers(session, owner)
    assert item["total_spent"] == order.total - 1000


def test_the_owner_finds_a_customer_by_the_last_4_digits_of_a_phone(session, owner, tea):
    paid_order(session, owner, (tea, 1), email="a@example.com", phone="13800001234")
    paid_order(session, owner, (tea, 1), email="b@example.com", phone="13800005678")
    assert _names(session, owner, q="1234") == ["a@example.com"]
    assert _names(session, owner, q="13800005678") == ["b@example.com"]


def test_the_owner_finds_a_customer_by_an_order_number_name_or_email(session, owner, tea):
    order, _ = paid_order(session, owner, (tea, 1), email="a@example.com", name="王五")
    paid_order(session, owner, (tea, 1), email="b@example.com", name="赵六")
    assert _names(session, owner, q=order.order_no.lower()) == ["a@example.com"]
    assert _names(session, owner, q="赵") == ["b@example.com"]
    assert _names(session, owner, q="B@exam") == ["b@example.com"]
    assert _names(session, owner, q="100%") == [] and _names(session, owner, q="%") == []


def test_filters_by_orders_spend_region_and_sorts_by_spend(session, owner, tea):
    paid_order(session, owner, (tea, 1), email="small@example.com")
    paid_order(session, owner, (tea, 5), email="big@example.com", province="广东省")
    paid_order(session, owner, (tea, 1), email="big@example.com", province="广东省")
    assert _names(session, owner, orders_min=2) == ["big@example.com"]
    assert _names(session, owner, spent_max=5000) == ["small@example.com"]
    assert _names(session, owner, region="广东省") == ["big@example.com"]
    assert _names(session, owner, sort="spent") == ["big@example.com", "small@example.com"]
    assert _names(session, owner, sort="spent_asc") == ["small@example.com", "big@example.com"]
    with pytest.raises(Invalid) as refused:
        directory.list_customers(session, owner, {"orders_min": "-1", "last_order_from": "yesterday"})
    assert refused.value.fields == {"orders_min": "must_not_be_negative", "last_order_from": "date_invalid"}


def test_tags_are_capped_per_customer_and_in_length_and_10000_are_refused(session, owner, tea):
    paid_order(session, owner, (tea, 1), email="a@example.com")
    [item], _ = directory.list_customers(session, owner)
    shown = details.update_customer(session, owner, item["id"], tags=["VIP", " 批发 ", "VIP"], note="爱喝绿茶")
    assert shown["tags"] == ["VIP", "批发"] and shown["note"] == "爱喝绿茶"
    for tags, code in (([f"t{i}" for i in range(10_000)], "too_many_tags"),
                       ([f"t{i}" for i in range(details.MAX_TAGS + 1)], "too_many_tags"),
                       (["x" * (details.MAX_TAG_LENGTH + 1)], "tag_too_long"), ([""], "tag_invalid")):
        with pytest.raises(Invalid) as refused:
            details.update_customer(session, owner, item["id"], tags=tags, note="changed")
        assert refused.value.fields["tags"] == code
    assert details.get_customer(session, owner, item["id"])["tags"] == ["VIP", "批发"]
    assert details.get_customer(session, owner, item["id"])["note"] == "爱喝绿茶"


def test_bulk_tagging_adds_the_tag_once_and_refuses_a_customer_past_the_cap(session, owner, tea):
    paid_order(session, owner, (tea, 1), email="a@example.com")
    paid_order(session, owner, (tea, 1), email="b@example.com")
    ids = [item["id"] for item in directory.list_customers(session, owner)[0]]
    assert details.tag_customers(session, owner, ids, "回购") == 2
    assert details.tag_customers(session, owner, ids, "回购") == 0
    assert sorted(_names(session, owner, tag="回购")) == ["a@example.com", "b@example.com"]
    details.update_customer(session, owner, ids[0], tags=[f"t{i}" for i in range(details.MAX_TAGS)])
    with pytest.raises(Invalid):
        details.tag_customers(session, owner, ids, "新标签")
    assert _names(session, owner, tag="新标签") == []


def test_another_shops_customer_is_not_found(session, owner, tea):
    paid_order(session, owner, (tea, 1), email="a@example.com")
    [item], _ = directory.list_customers(session, owner)
    other = make_shop(session, "other-shop")
    assert directory.list_customers(session, other)[1] == 0
    with pytest.raises(NotFound):
        details.get_customer(session, other, item["id"])
    assert details.tag_customers(session, other, [item["id"]], "x") == 0


def _set(session, email, *, days_ago: int, orders: int, spent: int, first_days_ago: int | None = None):
    profile = session.exec(select(CustomerProfile).where(CustomerProfile.email == email)).one()
    profile.last_order_at = utcnow() - timedelta(days=days_ago)
    profile.first_order_at = utcnow() - timedelta(days=first_days_ago if first_days_ago is not None else days_ago)
    profile.orders_count, profile.total_spent = orders, spent
    session.add(profile)
    session.commit()


def test_rfm_boundaries_belong_to_the_better_side(session, owner, tea):
    for email in ("edge@example.com", "past@example.com", "low@example.com"):
        paid_order(session, owner, (tea, 1), email=email)
    _set(session, "edge@example.com", days_ago=rfm.RECENT_DAYS - 1, orders=rfm.FREQUENT_ORDERS, spent=rfm.BIG_SPEND)
    _set(session, "past@example.com", days_ago=rfm.RECENT_DAYS + 1, orders=rfm.FREQUENT_ORDERS, spent=rfm.BIG_SPEND)
    _set(session, "low@example.com", days_ago=1, orders=1, spent=rfm.BIG_SPEND - 1, first_days_ago=1)
    assert _names(session, owner, rfm="important_value") == ["edge@example.com"]
    assert _names(session, owner, rfm="important_keep") == ["past@example.com"]
    assert _names(session, owner, rfm="general_develop") == ["low@example.com"]
    assert _names(session, owner, rfm="new") == ["low@example.com"]
    figures = rfm.group_figures(session, owner.shop_id)
    assert sum(figures[key]["count"] for key in rfm.EIGHT) == 3  # every buyer in exactly one of the eight
    assert figures["important_value"] == {"count": 1, "spent": rfm.BIG_SPEND}


def test_a_saved_segment_counts_its_customers_and_gives_their_accounts_and_emails(session, owner, tea):
    paid_order(session, owner, (tea, 5), email="guest@example.com")
    account = shoppers.register(session, owner.shop_id, email="member@example.com", password="secret-pass")
    paid_order(session, owner, (tea, 5), email="member@example.com")
    paid_order(session, owner, (tea, 1), email="small@example.com")
    session.commit()
    made = segments.create_segment(session, owner, name="大客户", filters={"spent_min": 10_000})
    assert made["count"] == 2 and made["spent"] >= 38_000
    assert sorted(segments.segment_emails(session, owner, made["id"])) == ["guest@example.com", "member@example.com"]
    assert segments.segment_customer_ids(session, owner, str(made["id"])) == [account.customer["id"]]
    with pytest.raises(Invalid):
        segments.create_segment(session, owner, name="大客户", filters={})
    listed = segments.list_segments(session, owner)
    assert [row["name"] for row in listed["items"]] == ["大客户"]
    assert {row["key"] for row in listed["built_in"]} == set(rfm.GROUPS)
    with pytest.raises(NotFound):
        segments.segment_emails(session, make_shop(session, "other-shop"), made["id"])


def test_the_export_opens_in_excel_and_runs_no_formula(session, owner, tea):
    paid_order(session, owner, (tea, 1), email="a@example.com", name="=HYPERLINK(\"x\")")
    text = export.export_customers(session, owner, directory.checked_filters({}))
    assert text.startswith("\ufeffid,email,name")
    assert "'=HYPERLINK" in text and "\r\n" in text


def test_a_huge_list_is_counted_up_to_the_limit(session, owner, tea, monkeypatch):
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        paid_order(session, owner, (tea, 1), email=email)
    monkeypatch.setattr(directory, "MAX_COUNTED", 2)
    items, total = directory.list_customers(session, owner)
    assert (len(items), total) == (3, 2)


def test_two_orders_of_one_guest_paid_at_once_are_both_counted(session, owner, tea):
    payments_ids = []
    for _ in range(2):
        placed = place.place_order(session, owner.shop_id, cart_with(session, owner.shop_id, (tea, 1)), "twin@example.com", dict(ADDRESS))
        payments_ids.append(placed["payment"]["id"])
    session.commit()
    start = threading.Barrier(2)

    def pay(payment_id: int) -> None:
        start.wait()
        with session_scope() as own:
            payments.sandbox_pay(own, payment_id, "success")

    threads = [threading.Thread(target=pay, args=(payment_id,)) for payment_id in payments_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [item], _ = directory.list_customers(session, owner)
    assert item["orders_count"] == 2 and item["total_spent"] == 2 * session.exec(select(Order.total)).first()
