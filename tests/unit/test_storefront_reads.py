"""What every storefront page load reads, kept light: the shop's public face by its address, page counts."""

from __future__ import annotations

import pytest

from shopapp.services.core.errors import NotFound
from shopapp.services.core.paging import page_count
from shopapp.services.shops import shops


def test_a_shoppers_page_reads_the_same_public_shop_as_the_api_showed(session, owner):
    shown = shops.public_shop_by_slug(session, "TEA-HOUSE")  # addresses are case-insensitive
    assert shown == shops.shop_public(shops.shop_by_slug(session, "tea-house"))
    assert shown["slug"] == "tea-house" and shown["currency"] == "CNY" and "cost" not in str(shown)
    with pytest.raises(NotFound):
        shops.public_shop_by_slug(session, "no-such-shop")


def test_a_list_shows_at_least_one_page_and_a_page_for_every_part_of_one():
    assert [page_count(total, 20) for total in (0, 1, 20, 21, 40, 41)] == [1, 1, 1, 2, 2, 3]
