"""Categories: a tree the owner builds, renames and prunes without losing products."""

import pytest

from shopapp.services.catalog import categories, products, views
from shopapp.services.core.errors import Invalid, NotFound
from tests.conftest import make_shop


def test_rename_and_delete_keep_products_and_children(session, owner):
    tea = categories.create_category(session, owner, "茶叶")
    green = categories.create_category(session, owner, "绿茶", parent_id=tea.id)
    product = products.create_product(session, owner, {"title": "龙井", "category_ids": [tea.id], "variants": [{"price": 1}]})
    session.flush()
    categories.rename_category(session, owner, tea.id, "名茶")
    categories.delete_category(session, owner, tea.id)
    session.flush()
    assert categories.list_categories(session, owner.shop_id) == [{"id": green.id, "name": "绿茶", "parent_id": None, "position": 0}]
    shown = views.product_dict(session, views.get_product(session, owner.shop_id, product.id), with_cost=False)
    assert shown["category_ids"] == []


def test_names_are_unique_among_siblings(session, owner):
    categories.create_category(session, owner, "红茶")
    other = categories.create_category(session, owner, "白茶")
    with pytest.raises(Invalid) as caught:
        categories.rename_category(session, owner, other.id, "红茶")
    assert caught.value.fields == {"name": "category_name_taken"}


def test_another_shops_category_is_not_found(session, owner):
    theirs = categories.create_category(session, make_shop(session, "other-shop"), "茶具")
    with pytest.raises(NotFound):
        categories.delete_category(session, owner, theirs.id)
