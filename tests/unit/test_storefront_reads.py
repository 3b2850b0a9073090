"""What every storefront page load reads, kept light: the shop's public face by its address, page counts."""

from __future__ import annotations

import pytest

from shopapp.services.catalog import products
from shopapp.services.core.errors import NotFound
from shopapp.services.core.paging import page_count
from shopapp.services.shops import design, design_pages, shops


def test_a_shoppers_page_reads_the_same_public_shop_as_the_api_showed(session, owner):
    shown = shops.public_shop_by_slug(session, "TEA-HOUSE")  # addresses are case-insensitive
    assert shown == shops.shop_public(shops.shop_by_slug(session, "tea-house"))
    assert shown["slug"] == "tea-house" and shown["currency"] == "CNY" and "cost" not in str(shown)
    with pytest.raises(NotFound):
        shops.public_shop_by_slug(session, "no-such-shop")


def test_a_list_shows_at_least_one_page_and_a_page_for_every_part_of_one():
    assert [page_count(total, 20) for total in (0, 1, 20, 21, 40, 41)] == [1, 1, 1, 2, 2, 3]


def test_the_public_shop_is_remembered_a_second_and_forgotten_when_this_process_changes_it(session, owner):
    first = shops.public_shop_by_slug(session, "tea-house")
    first["name"] = "changed by a caller"  # a copy: no other event sees it
    assert shops.public_shop_by_slug(session, "tea-house")["name"] == "茶舍"
    shops.update_profile(session, owner, {"name": "新茶舍"})
    session.flush()
    assert shops.public_shop_by_slug(session, "tea-house")["name"] == "新茶舍"


def test_the_visit_design_is_remembered_and_publishing_forgets_it(session, owner):
    before = design.design_for_visit(session, owner.shop_id)
    assert design.design_for_visit(session, owner.shop_id) is before  # asked twice per home load: read once
    design.save_draft(session, owner, {**design.draft_design(session, owner.shop_id),
                                       "pages": {"home": {"sections": [{"type": "notice", "settings": {"text": "新"}}]}}})
    assert design.design_for_visit(session, owner.shop_id) is before  # a draft is not what shoppers see
    design.publish(session, owner)
    assert design.design_for_visit(session, owner.shop_id)["pages"]["home"]["sections"][0]["type"] == "notice"


def test_a_published_page_is_filled_once_a_second_and_a_newly_published_one_at_once(session, owner):
    page = design.design_for_visit(session, owner.shop_id)["pages"]["home"]
    filled = design_pages.filled_published_page(session, owner.shop_id, "home", page)
    assert design_pages.filled_published_page(session, owner.shop_id, "home", page) is filled
    other = {"sections": [{"type": "notice", "settings": {"text": "新"}}]}
    assert [f["type"] for f in design_pages.filled_published_page(session, owner.shop_id, "home", other)] == ["notice"]


def test_a_product_this_worker_changes_is_shown_changed_on_the_published_page_at_once(session, owner):
    product = products.create_product(session, owner, {"title": "龙井", "status": "active", "variants": [{"price": 3800, "stock": 5}]})
    session.commit()
    page = {"sections": [{"type": "product_grid", "settings": {"source": "newest", "limit": 4}}]}
    filled = design_pages.filled_published_page(session, owner.shop_id, "home", page)
    assert [p["title"] for p in filled[0]["products"]] == ["龙井"]
    products.update_product(session, owner, product.id, {"title": "明前龙井"})
    session.commit()
    assert [p["title"] for p in design_pages.filled_published_page(session, owner.shop_id, "home", page)[0]["products"]] == ["明前龙井"]
