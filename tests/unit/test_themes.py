"""The home page as data: defaults for a new shop, sections the owner saves, and what the storefront gets."""

import pytest

from shopapp.services.catalog import products
from shopapp.services.core.errors import Forbidden, Invalid
from shopapp.services.shops import themes
from tests.conftest import make_shop


def test_a_new_shop_gets_the_default_home(session, owner):
    products.create_product(session, owner, {"title": "龙井", "status": "active", "variants": [{"price": 100, "stock": 1}]})
    session.flush()
    sections = themes.home_page(session, owner.shop_id)
    assert [s["type"] for s in sections] == ["banner", "category_list", "featured_products", "product_grid"]
    assert [p["title"] for p in sections[2]["products"]] == ["龙井"]


def test_the_owner_arranges_sections_and_the_storefront_follows(session, owner):
    tea = products.create_product(session, owner, {"title": "红茶", "status": "active", "variants": [{"price": 100, "stock": 1}]})
    session.flush()
    themes.save_sections(session, owner, [
        {"type": "rich_text", "title": "关于我们", "text": "三代茶农"},
        {"type": "featured_products", "title": "店长推荐", "product_ids": [tea.id]},
    ])
    sections = themes.home_page(session, owner.shop_id)
    assert [s["type"] for s in sections] == ["rich_text", "featured_products"]
    assert sections[1]["title"] == "店长推荐" and sections[1]["products"][0]["id"] == tea.id


def test_a_bad_section_saves_nothing(session, owner):
    other = make_shop(session, "other-shop")
    theirs = products.create_product(session, other, {"title": "X", "variants": [{"price": 1}]})
    session.flush()
    with pytest.raises(Invalid) as caught:
        themes.save_sections(session, owner, [
            {"type": "rich_text", "title": "好"}, {"type": "carousel"}, {"type": "featured_products", "product_ids": [theirs.id]},
        ])
    assert caught.value.fields == {"sections.1.type": "section_type_invalid", "sections.2.product_ids": "product_not_found"}
    assert [s["type"] for s in themes.home_sections(session, owner.shop_id)][0] == "banner"


def test_only_admins_change_the_design(session, owner):
    from shopapp.services.core.permissions import Actor

    with pytest.raises(Forbidden):
        themes.save_sections(session, Actor(shop_id=owner.shop_id, role="support", user_id=owner.user_id), [])
