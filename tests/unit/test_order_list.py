"""The console order list of a busy shop: deep pages, cursors that never repeat an order, search by a fragment."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import insert

from shopapp.models import Order
from shopapp.models.base import utcnow
from shopapp.services.checkout import place
from shopapp.services.core.errors import Invalid
from shopapp.services.orders import listing
from tests.conftest import make_shop
from tests.shopping import ADDRESS, cart_with, product_on_sale


def _orders_at(session, actor, minutes_ago: list[int]) -> list[int]:
    """Orders placed the given minutes ago (equal minutes: the very same moment); their ids, newest first
    as the list shows them (newest, then the higher id among equal times)."""
    now = utcnow().replace(microsecond=123456)
    rows = [
        {"shop_id": actor.shop_id, "order_no": f"T{uuid.uuid4().hex[:16].upper()}", "token_hash": "0" * 64,
         "email": f"buyer{n}@example.com", "address": {}, "created_at": now - timedelta(minutes=ago),
         "updated_at": now}
        for n, ago in enumerate(minutes_ago)
    ]
    session.connection().execute(insert(Order), rows)
    session.commit()
    placed = session.exec(
        Order.__table__.select().where(Order.shop_id == actor.shop_id)
    ).all()
    return [row.id for row in sorted(placed, key=lambda row: (row.created_at, row.id), reverse=True)]


def _ids(items: list[dict]) -> list[int]:
    return [item["id"] for item in items]


def _walk_by_cursor(session, actor, per_page: int, **filters) -> list[int]:
    seen, after = [], None
    while True:
        items, _ = listing.list_orders(session, actor, per_page=per_page, after=after, **filters)
        seen += _ids(items)
        after = listing.next_after(items, per_page)
        if after is None:
            return seen


def test_a_deep_page_shows_the_orders_walking_the_pages_reaches(session, owner):
    # Half the orders share their minute with another: ties are broken by id, the same way each time.
    newest_first = _orders_at(session, owner, [n // 2 for n in range(47)])
    walked = []
    for page in range(1, 7):
        items, total = listing.list_orders(session, owner, page=page, per_page=8)
        assert total == 47
        walked += _ids(items)
    assert walked == newest_first
    page_five, _ = listing.list_orders(session, owner, page=5, per_page=8)
    assert _ids(page_five) == newest_first[32:40]
    assert listing.list_orders(session, owner, page=7, per_page=8) == ([], 47)


def test_walking_the_cursor_lists_every_order_once_even_when_many_share_a_moment(session, owner):
    # 31 orders at only four moments: a cursor holding the time alone would skip or repeat some.
    newest_first = _orders_at(session, owner, [(n % 4) * 10 for n in range(31)])
    walked = _walk_by_cursor(session, owner, per_page=5)
    assert walked == newest_first
    assert len(set(walked)) == 31
    # Whatever the page size, and with a filter, the walk is the pages' order.
    assert _walk_by_cursor(session, owner, per_page=1) == newest_first
    assert _walk_by_cursor(session, owner, per_page=31) == newest_first
    assert _walk_by_cursor(session, owner, per_page=4, q="buyer1") == [
        i for i in newest_first if i in set(_ids(listing.list_orders(session, owner, q="buyer1", per_page=250)[0]))
    ]


def test_an_order_placed_during_the_walk_does_not_repeat_one_already_listed(session, owner):
    newest_first = _orders_at(session, owner, [n * 5 for n in range(12)])
    first, total = listing.list_orders(session, owner, per_page=5)
    assert total == 12
    _orders_at(session, make_shop(session, "other-shop"), [0])  # another shop's order is never listed
    newest = _orders_at(session, owner, [-1])[0]  # and so is a newer one of ours, placed now
    second, total = listing.list_orders(session, owner, per_page=5, after=listing.next_after(first, 5))
    assert total == 13  # the total is of all orders, wherever the cursor stands
    third, _ = listing.list_orders(session, owner, per_page=5, after=listing.next_after(second, 5))
    assert _ids(first + second + third) == newest_first and newest not in _ids(first + second + third)
    assert listing.next_after(third, 5) is None


def test_a_cursor_that_is_not_ours_is_refused_and_lists_nothing(session, owner):
    _orders_at(session, owner, [1, 2])
    for bad in ("not-a-cursor", base64.urlsafe_b64encode(b"yesterday|7").decode(),
                base64.urlsafe_b64encode(b"2026-11-25T10:00:00|7").decode(), "%%%"):
        with pytest.raises(Invalid) as refused:
            listing.list_orders(session, owner, after=bad)
        assert refused.value.fields == {"after": "cursor_invalid"}


def _placed(session, actor, variant_id: int, email: str, **address) -> Order:
    placed = place.place_order(session, actor.shop_id, cart_with(session, actor.shop_id, (variant_id, 1)),
                                  email, {**ADDRESS, **address})
    order = session.get(Order, placed["order_id"])
    session.commit()
    return order


def test_search_finds_an_order_by_a_fragment_of_its_number_phone_email_or_recipient(session, owner):
    tea = product_on_sale(session, owner, stock=20)
    wang = _placed(session, owner, tea, "Wang.Xiaoming@Example.com", name="王小明", phone="13900007777")
    li = _placed(session, owner, tea, "lisi@163.com", name="李四", phone="18600001111")
    _placed(session, owner, tea, "zhang@qq.com")

    def found(q: str) -> list[str]:
        return [item["order_no"] for item in listing.list_orders(session, owner, q=q)[0]]

    assert found(wang.order_no[6:12]) == [wang.order_no]  # from the middle of the number
    assert found(wang.order_no[6:12].lower()) == [wang.order_no]
    assert found("9000077") == [wang.order_no]  # from the middle of the phone
    assert found("xiaoming@ex") == [wang.order_no]  # any case
    assert found("@163.") == [li.order_no]
    assert found("小明") == [] and found("王小明") == [wang.order_no]
    # One or two characters match the start: a surname and name, the first digits of a phone.
    assert found("李四") == [li.order_no] and found("李") == [li.order_no]
    assert found("18") == [li.order_no]
    assert found("11") == []  # in the middle of 18600001111, but only two characters
    # Wildcards are looked for as they are, not as wildcards.
    assert found("%") == [] and found("_") == [] and found("0_7") == []
    assert listing.list_orders(session, owner, q="9000077")[1] == 1


def test_search_never_finds_another_shops_order(session, owner):
    other = make_shop(session, "other-shop")
    theirs = _placed(session, other, product_on_sale(session, other), "same@example.com", phone="13912345678")
    assert listing.list_orders(session, owner, q="12345678") == ([], 0)
    assert listing.list_orders(session, owner, q=theirs.order_no) == ([], 0)
    assert listing.list_orders(session, other, q="12345678")[1] == 1


def test_a_search_matching_many_orders_pages_and_counts_like_one_matching_few(session, owner, monkeypatch):
    # A search of up to FEW_MATCHES orders is paged from one read of its matches, a broader one
    # from the index: both give the same pages, cursor walk and total.
    newest_first = _orders_at(session, owner, [(n % 4) * 10 for n in range(31)])

    def listed() -> tuple:
        pages = [listing.list_orders(session, owner, q="example", page=page, per_page=7) for page in (1, 3, 5, 6)]
        return [_ids(items) for items, _ in pages], {total for _, total in pages}, \
            _walk_by_cursor(session, owner, per_page=7, q="example.com")

    few = listed()
    monkeypatch.setattr(listing, "FEW_MATCHES", 3)
    many = listed()
    assert few == many
    assert few[0] == [newest_first[0:7], newest_first[14:21], newest_first[28:31], []]
    assert few[1] == {31} and few[2] == newest_first


def test_a_search_matching_very_many_orders_says_how_many_up_to_a_limit(session, owner, monkeypatch):
    # As the product search does: "10 000 or more" rather than testing every one of 100 000 matches.
    newest_first = _orders_at(session, owner, list(range(12)))
    monkeypatch.setattr(listing, "FEW_MATCHES", 3)
    monkeypatch.setattr(listing, "MAX_COUNTED", 10)
    items, total = listing.list_orders(session, owner, q="example", per_page=5)
    assert total == 10 and _ids(items) == newest_first[:5]
    assert listing.list_orders(session, owner, per_page=5)[1] == 12  # without a search every order counts
