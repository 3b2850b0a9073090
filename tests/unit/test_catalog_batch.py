"""Many products at once (the CSV import's door), and what shoppers see of one product."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from shopapp.models import Product, StockMove, Variant
from shopapp.services.catalog import categories, products, views
from shopapp.services.core.errors import Forbidden, NotFound
from shopapp.services.core.permissions import Actor
from shopapp.services.inventory import ledger


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _comparable(shown: dict) -> dict:
    ignored = {"id", "created_at", "updated_at"}
    return {k: v for k, v in shown.items() if k not in ignored} | {
        "variants": [{k: v for k, v in variant.items() if k != "id"} for variant in shown["variants"]],
    }


def test_a_batch_saves_exactly_what_create_product_would(session, owner):
    category = categories.create_category(session, owner, "绿茶")
    item = {
        "title": "龙井", "status": "active", "category_ids": [category.id], "tags": ["明前"],
        "description_html": "<p>好茶<script>x()</script></p>", "presale": {"ships_at": "2030-04-01"},
        "options": [{"name": "规格", "values": ["250g", "500g"]}],
        "variants": [
            {"sku": "A", "option_values": ["250g"], "price": 100, "compare_at_price": 150, "cost": 60, "stock": 3},
            {"sku": "B", "option_values": ["500g"], "price": 200, "enabled": False},
        ],
    }
    one = products.create_product(session, owner, item)
    assert products.create_products(session, owner, [item | {"variants": [
        v | {"sku": v["sku"] + "2"} for v in item["variants"]
    ]}]) == [{}]

    made = session.exec(select(Product).where(Product.id != one.id)).one()
    expected = _comparable(views.product_dict(session, one, with_cost=True))
    for variant in expected["variants"]:
        variant["sku"] += "2"
    assert _comparable(views.product_dict(session, made, with_cost=True)) == expected


def test_one_bad_item_saves_none_and_every_problem_is_told(session, owner):
    problems = products.create_products(session, owner, [
        {"title": "好", "variants": [{"price": 1}]},
        {"title": "", "variants": [{"price": -1}]},
        {"title": "也好", "status": "sold", "variants": [{"price": 1, "stock": -2}]},
    ])
    assert problems == [
        {},
        {"title": "required", "variants.0.price": "price_negative"},
        {"status": "status_invalid", "variants.0.stock": "stock_negative"},
    ]
    assert (_count(session, Product), _count(session, Variant), _count(session, StockMove)) == (0, 0, 0)


def test_a_sku_must_be_free_in_the_shop_and_in_the_batch(session, owner):
    products.create_product(session, owner, {"title": "旧", "variants": [{"sku": "OLD", "price": 1}]})
    problems = products.create_products(session, owner, [
        {"title": "甲", "variants": [{"sku": "OLD", "price": 1}]},
        {"title": "乙", "variants": [{"sku": "NEW", "price": 1}]},
        {"title": "丙", "variants": [{"sku": "NEW", "price": 1}]},
    ])
    assert problems == [{"variants.0.sku": "sku_taken"}, {}, {"variants.0.sku": "sku_taken"}]
    assert _count(session, Product) == 1


def test_first_stock_goes_to_the_ledger_with_the_callers_reason(session, owner):
    products.create_products(session, owner, [{
        "title": "甲", "options": [{"name": "色", "values": ["红", "蓝"]}],
        "variants": [
            {"sku": "A", "option_values": ["红"], "price": 1, "stock": 7},
            {"sku": "B", "option_values": ["蓝"], "price": 1},
        ],
    }], stock_reason="CSV import")
    a = session.exec(select(Variant).where(Variant.sku == "A")).one()
    assert a.stock == 7
    moves = session.exec(select(StockMove)).all()
    assert [(m.variant_id, m.delta, m.before, m.after, m.reason, m.actor) for m in moves] == [
        (a.id, 7, 0, 7, "CSV import", owner.label),
    ]
    # A sale right after works on the real row, not on a stale copy.
    assert ledger.adjust_stock(session, "order:1", owner.shop_id, a.id, -7, "sale") == 0


def test_products_made_in_a_batch_are_found_by_search(session, owner):
    products.create_products(session, owner, [
        {"title": "西湖龙井", "status": "active", "variants": [{"sku": "LJ-1", "price": 1}]},
        {"title": "安溪铁观音", "status": "active", "variants": [{"sku": "TGY-1", "price": 1}]},
    ])
    assert [item["title"] for item in products.list_products(session, owner.shop_id, q="龙井")[0]] == ["西湖龙井"]
    assert [item["title"] for item in products.list_products(session, owner.shop_id, q="TGY-1")[0]] == ["安溪铁观音"]


def test_only_staff_who_manage_the_catalog_may_create_in_bulk(session, owner):
    support = Actor(shop_id=owner.shop_id, role="support", user_id=999)
    with pytest.raises(Forbidden):
        products.create_products(session, support, [{"title": "x", "variants": [{"price": 1}]}])


def test_shoppers_see_active_products_without_cost_or_variants_switched_off(session, owner):
    product = products.create_product(session, owner, {
        "title": "龙井", "status": "active", "options": [{"name": "规格", "values": ["250g", "500g"]}],
        "variants": [
            {"option_values": ["250g"], "price": 100, "cost": 40},
            {"option_values": ["500g"], "price": 200, "cost": 80, "enabled": False},
        ],
    })
    shown = views.storefront_product(session, owner.shop_id, product.id)
    assert [v["option_values"] for v in shown["variants"]] == [["250g"]]
    assert "cost" not in shown["variants"][0]

    products.update_product(session, owner, product.id, {"status": "draft"})
    with pytest.raises(NotFound):
        views.storefront_product(session, owner.shop_id, product.id)
