"""Products, variants and categories: what an owner can put in the shop, and what is refused."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from shopapp.i18n import EN, ZH_CN
from shopapp.models import Product, ProductImage, StockMove, Variant
from shopapp.services.catalog import categories, products, views
from shopapp.services.core.errors import Forbidden, Invalid, NotFound
from shopapp.services.core.permissions import Actor
from shopapp.services.inventory import ledger
from tests.conftest import make_shop

COLOURS = {"name": "颜色", "values": ["红", "蓝"]}
SIZES = {"name": "尺码", "values": ["S", "M", "L"]}


def _tea(**changes) -> dict:
    """A valid product payload: one variant, no options."""
    return {"title": "西湖龙井", "variants": [{"sku": "LJ-250", "price": 12800, "stock": 10}], **changes}


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _refused(call, *args) -> dict[str, str]:
    with pytest.raises(Invalid) as refused:
        call(*args)
    return refused.value.fields


def test_variant_grid_is_generated_from_options(session, owner):
    product = products.create_product(session, owner, {"title": "T恤", "options": [COLOURS, SIZES]})
    shown = views.product_dict(session, product, with_cost=True)
    assert shown["options"] == [COLOURS, SIZES]
    assert [v["option_values"] for v in shown["variants"]] == [
        ["红", "S"], ["红", "M"], ["红", "L"], ["蓝", "S"], ["蓝", "M"], ["蓝", "L"],
    ]
    assert all(v["stock"] == 0 and v["enabled"] for v in shown["variants"])


def test_a_product_without_options_has_one_variant(session, owner):
    product = products.create_product(session, owner, {"title": "茶具礼盒"})
    assert [v["option_values"] for v in views.product_dict(session, product, with_cost=False)["variants"]] == [[]]


def test_a_grid_over_100_combinations_is_refused_and_nothing_saved(session, owner):
    many = [{"name": "a", "values": [str(i) for i in range(11)]}, {"name": "b", "values": [str(i) for i in range(10)]}]
    assert _refused(products.create_product, session, owner, {"title": "太多规格", "options": many}) == {
        "options": "too_many_variants",
    }
    assert _count(session, Product) == 0
    assert _count(session, Variant) == 0


def test_negative_price_is_refused(session, owner):
    fields = _refused(products.create_product, session, owner, _tea(variants=[{"price": -1}]))
    assert fields == {"variants.0.price": "price_negative"}
    assert _count(session, Product) == 0


def test_every_problem_is_reported_at_once(session, owner):
    fields = _refused(products.create_product, session, owner, {
        "title": " ", "status": "sold", "product_type": "food", "tags": "tea", "presale": {"ships_at": "soon"},
        "options": [{"name": "颜色", "values": ["红", "红"]}, {"name": "颜色", "values": []}],
        "variants": [{"price": "12.80", "compare_at_price": -5, "weight_grams": -1, "colour": "red"}],
        "category_ids": [12345],
    })
    assert fields == {
        "title": "required",
        "status": "status_invalid",
        "product_type": "product_type_invalid",
        "tags": "invalid",
        "presale.ships_at": "date_invalid",
        "options.0.values.1": "option_value_duplicate",
        "options.1.name": "option_name_duplicate",
        "options.1.values": "required",
        "variants.0.price": "must_be_whole_number",
        "variants.0.compare_at_price": "price_negative",
        "variants.0.weight_grams": "must_not_be_negative",
        "variants.0.colour": "unknown_field",
        "category_ids": "category_not_found",
    }
    assert all(f"field.{code}" in ZH_CN and f"field.{code}" in EN for code in fields.values())


def test_a_title_is_required_and_at_most_120_characters(session, owner):
    assert _refused(products.create_product, session, owner, {}) == {"title": "required"}
    assert _refused(products.create_product, session, owner, {"title": "茶" * 121}) == {"title": "too_long"}


def test_variants_must_match_the_options(session, owner):
    fields = _refused(products.create_product, session, owner, {"title": "T恤", "options": [COLOURS, SIZES], "variants": [
        {"option_values": ["红", "S"], "price": 100},
        {"option_values": ["绿", "S"], "price": 100},
        {"option_values": ["红"], "price": 100},
        {"option_values": ["红", "S"], "price": 100},
    ]})
    assert fields == {
        "variants.1.option_values": "option_values_mismatch",
        "variants.2.option_values": "option_values_mismatch",
        "variants.3.option_values": "variant_duplicate",
    }


def test_a_compare_at_price_below_the_price_is_refused(session, owner):
    fields = _refused(products.create_product, session, owner, _tea(variants=[{"price": 500, "compare_at_price": 400}]))
    assert fields == {"variants.0.compare_at_price": "compare_at_price_below_price"}


def test_duplicate_sku_in_a_shop_is_refused(session, owner):
    options = [{"name": "规格", "values": ["250g", "500g"]}]
    twice = [{"sku": "LJ", "option_values": ["250g"], "price": 1}, {"sku": "LJ", "option_values": ["500g"], "price": 2}]
    assert _refused(products.create_product, session, owner, {"title": "龙井", "options": options, "variants": twice}) == {
        "variants.1.sku": "sku_duplicate",
    }
    products.create_product(session, owner, _tea())
    assert _refused(products.create_product, session, owner, _tea(title="另一款")) == {"variants.0.sku": "sku_taken"}
    assert _count(session, Product) == 1


def test_same_sku_in_two_shops_is_fine(session, owner):
    other = make_shop(session, "green-leaf")
    products.create_product(session, owner, _tea())
    products.create_product(session, other, _tea())
    assert session.exec(select(func.count()).where(Variant.sku == "LJ-250")).one() == 2


def test_another_shops_product_is_not_found(session, owner):
    product = products.create_product(session, owner, _tea(status="active"))
    other = make_shop(session, "green-leaf")
    with pytest.raises(NotFound):
        views.get_product(session, other.shop_id, product.id)
    with pytest.raises(NotFound):
        products.update_product(session, other, product.id, {"title": "被改了"})
    with pytest.raises(NotFound):
        products.delete_product(session, other, product.id)
    assert products.list_products(session, other.shop_id) == ([], 0)
    assert views.get_product(session, owner.shop_id, product.id).title == "西湖龙井"


def test_another_shops_category_cannot_be_used(session, owner):
    other = make_shop(session, "green-leaf")
    theirs = categories.create_category(session, other, "绿茶")
    assert _refused(products.create_product, session, owner, _tea(category_ids=[theirs.id])) == {
        "category_ids": "category_not_found",
    }
    assert _refused(categories.create_category, session, owner, "绿茶", theirs.id) == {"parent_id": "category_not_found"}


def test_staff_who_may_not_manage_the_catalog_cannot_change_it(session, owner):
    product = products.create_product(session, owner, _tea())
    support = Actor(shop_id=owner.shop_id, role="support", user_id=999)
    with pytest.raises(Forbidden):
        products.create_product(session, support, _tea(variants=[{"price": 1}]))
    with pytest.raises(Forbidden):
        products.update_product(session, support, product.id, {"title": "x"})
    with pytest.raises(Forbidden):
        products.delete_product(session, support, product.id)
    with pytest.raises(Forbidden):
        categories.create_category(session, support, "绿茶")


def test_initial_stock_is_written_to_the_ledger(session, owner):
    product = products.create_product(session, owner, _tea())
    move = session.exec(select(StockMove)).one()
    variant = session.exec(select(Variant).where(Variant.product_id == product.id)).one()
    assert (move.variant_id, move.delta, move.before, move.after, move.reason, move.actor) == (
        variant.id, 10, 0, 10, "initial stock", owner.label,
    )


def test_description_html_loses_scripts_and_event_handlers_but_keeps_formatting(session, owner):
    html = '<p onclick="steal()">好茶<script>alert(1)</script><style>p{}</style> <a href="javascript:x()">看</a><b>香</b></p>'
    product = products.create_product(session, owner, _tea(description_html=html))
    assert "script" not in product.description_html and "alert" not in product.description_html
    assert "onclick" not in product.description_html and "javascript" not in product.description_html
    assert "style" not in product.description_html
    assert "<p>好茶" in product.description_html and "<b>香</b>" in product.description_html


def test_shoppers_never_see_the_cost(session, owner):
    product = products.create_product(session, owner, _tea(variants=[{"price": 12800, "cost": 6000}]))
    assert views.product_dict(session, product, with_cost=True)["variants"][0]["cost"] == 6000
    assert "cost" not in views.product_dict(session, product, with_cost=False)["variants"][0]


def test_product_dict_follows_the_api_shape(session, owner, monkeypatch):
    category = categories.create_category(session, owner, "绿茶")
    product = products.create_product(session, owner, _tea(
        category_ids=[category.id], tags=["绿茶", "绿茶", " 明前 "], presale={"ships_at": "2030-04-01"},
        seo_title="龙井", product_type="physical", status="active",
    ))
    session.add(ProductImage(shop_id=owner.shop_id, product_id=product.id, key="p/1", alt="茶叶"))
    session.flush()
    # The media service is written elsewhere; only its contract matters here.
    def image_urls(image):
        return {"url": f"/m/{image.key}/1024.webp", "thumb_url": f"/m/{image.key}/320.webp", "srcset": ""}

    monkeypatch.setattr(views, "image_urls", image_urls)

    shown = views.product_dict(session, product, with_cost=False)
    assert set(shown) >= {
        "id", "title", "description_html", "status", "product_type", "options", "variants", "images",
        "category_ids", "presale", "created_at", "updated_at",
    }
    assert set(shown["variants"][0]) >= {
        "id", "sku", "option_values", "price", "compare_at_price", "stock", "weight_grams", "presale", "available",
        "presale_ships_at",
    }
    image_id = session.exec(select(ProductImage.id)).one()
    assert shown["images"] == [{"id": image_id, "url": "/m/p/1/1024.webp", "thumb_url": "/m/p/1/320.webp", "alt": "茶叶"}]
    assert shown["category_ids"] == [category.id]
    assert shown["tags"] == ["绿茶", "明前"]
    assert shown["presale"] == {"ships_at": "2030-04-01", "quota": None, "sold": 0}
    items, _ = products.list_products(session, owner.shop_id)
    assert items[0]["image"]["thumb_url"] == "/m/p/1/320.webp"


def test_update_changes_only_the_given_fields(session, owner):
    product = products.create_product(session, owner, _tea(seo_title="龙井"))
    before = views.product_dict(session, product, with_cost=True)
    products.update_product(session, owner, product.id, {"title": "明前龙井", "status": "active"})
    after = views.product_dict(session, product, with_cost=True)
    assert (after["title"], after["status"]) == ("明前龙井", "active")
    assert after["variants"] == before["variants"] and after["seo_title"] == "龙井"


def test_a_refused_update_changes_nothing(session, owner):
    product = products.create_product(session, owner, _tea())
    fields = _refused(products.update_product, session, owner, product.id, {"title": "新名字", "variants": [{"price": -1}]})
    assert fields == {"variants.0.price": "price_negative"}
    session.expire_all()
    assert views.get_product(session, owner.shop_id, product.id).title == "西湖龙井"


def test_a_variants_list_updates_by_id_adds_new_ones_and_deletes_the_rest(session, owner):
    options = [{"name": "规格", "values": ["250g", "500g", "1kg"]}]
    product = products.create_product(session, owner, {"title": "龙井", "options": options, "variants": [
        {"sku": "A", "option_values": ["250g"], "price": 100, "stock": 3},
        {"sku": "B", "option_values": ["500g"], "price": 200, "stock": 4},
    ]})
    a, b = views.product_dict(session, product, with_cost=True)["variants"]
    products.update_product(session, owner, product.id, {"variants": [
        {"id": a["id"], "price": 150},
        {"sku": "C", "option_values": ["1kg"], "price": 300, "stock": 2},
    ]})
    variants = views.product_dict(session, product, with_cost=True)["variants"]
    assert [(v["sku"], v["price"], v["stock"]) for v in variants] == [("A", 150, 3), ("C", 300, 2)]
    assert variants[0]["id"] == a["id"]
    assert session.get(Variant, b["id"]) is None
    assert session.exec(select(StockMove).where(StockMove.variant_id == b["id"])).all() == []


def test_an_edit_never_undoes_a_sale_made_since_the_form_was_opened(session, owner):
    product = products.create_product(session, owner, _tea())
    shown = views.product_dict(session, product, with_cost=True)["variants"][0]
    ledger.adjust_stock(session, "order:1", owner.shop_id, shown["id"], -1, "sale")
    edited = {k: v for k, v in shown.items() if k != "stock"} | {"price": 9900}
    products.update_product(session, owner, product.id, {"variants": [edited]})
    assert session.get(Variant, shown["id"]).stock == 9


def test_stock_set_in_an_edit_goes_through_the_ledger(session, owner):
    product = products.create_product(session, owner, _tea())
    variant_id = views.product_dict(session, product, with_cost=True)["variants"][0]["id"]
    products.update_product(session, owner, product.id, {"variants": [{"id": variant_id, "stock": 25}]})
    moves = session.exec(select(StockMove).where(StockMove.variant_id == variant_id).order_by(StockMove.id)).all()
    assert [(m.delta, m.after, m.reason) for m in moves] == [(10, 10, "initial stock"), (15, 25, "product edit")]


def test_adding_an_option_value_adds_variants_and_keeps_the_old_ones(session, owner):
    product = products.create_product(session, owner, {"title": "T恤", "options": [COLOURS]})
    red, blue = views.product_dict(session, product, with_cost=True)["variants"]
    ledger.set_stock(session, owner.label, owner.shop_id, red["id"], 7, "stocktake")
    products.update_product(session, owner, product.id, {"options": [{"name": "颜色", "values": ["红", "蓝", "白"]}]})
    variants = views.product_dict(session, product, with_cost=True)["variants"]
    assert [v["option_values"] for v in variants] == [["红"], ["蓝"], ["白"]]
    assert [v["id"] for v in variants[:2]] == [red["id"], blue["id"]]
    assert variants[0]["stock"] == 7


def test_two_variants_can_swap_skus(session, owner):
    options = [{"name": "规格", "values": ["250g", "500g"]}]
    product = products.create_product(session, owner, {"title": "龙井", "options": options, "variants": [
        {"sku": "A", "option_values": ["250g"], "price": 100}, {"sku": "B", "option_values": ["500g"], "price": 200},
    ]})
    a, b = views.product_dict(session, product, with_cost=True)["variants"]
    swapped = [{"id": a["id"], "sku": "B"}, {"id": b["id"], "sku": "A"}]
    products.update_product(session, owner, product.id, {"variants": swapped})
    assert [v["sku"] for v in views.product_dict(session, product, with_cost=True)["variants"]] == ["B", "A"]


def test_a_product_read_can_be_sent_back_as_an_update(session, owner):
    product = products.create_product(session, owner, _tea())
    shown = views.product_dict(session, product, with_cost=True)
    products.update_product(session, owner, product.id, shown)
    assert views.product_dict(session, product, with_cost=True)["variants"] == shown["variants"]


def test_deleting_a_product_removes_its_variants_and_their_ledger(session, owner):
    category = categories.create_category(session, owner, "绿茶")
    product = products.create_product(session, owner, _tea(category_ids=[category.id]))
    products.delete_product(session, owner, product.id)
    assert (_count(session, Product), _count(session, Variant), _count(session, StockMove)) == (0, 0, 0)
    with pytest.raises(NotFound):
        views.get_product(session, owner.shop_id, product.id)


def test_the_list_searches_titles_and_shows_price_range_and_stock(session, owner):
    products.create_product(session, owner, {"title": "西湖龙井 Green Tea", "status": "active", "options": [SIZES], "variants": [
        {"option_values": ["S"], "price": 800, "stock": 1},
        {"option_values": ["M"], "price": 1200, "stock": 2},
        {"option_values": ["L"], "price": 99999, "stock": 50, "enabled": False},
    ]})
    products.create_product(session, owner, {"title": "普洱 100%", "variants": [{"price": 500}]})
    items, total = products.list_products(session, owner.shop_id, q="龙井")
    assert total == 1
    assert (items[0]["price_min"], items[0]["price_max"], items[0]["stock"], items[0]["image"]) == (800, 1200, 3, None)
    assert products.list_products(session, owner.shop_id, q="green")[1] == 1
    # Search looks for words (services/search.py): a % is neither a wildcard nor a word, so it finds nothing.
    assert products.list_products(session, owner.shop_id, q="%") == ([], 0)


def test_the_list_filters_by_status_and_category_and_pages(session, owner):
    green = categories.create_category(session, owner, "绿茶")
    for n in range(5):
        products.create_product(session, owner, {
            "title": f"茶 {n}", "status": "active" if n % 2 else "draft", "variants": [{"price": 100}],
            "category_ids": [green.id] if n < 2 else [],
        })
    assert products.list_products(session, owner.shop_id, active_only=True)[1] == 2
    assert products.list_products(session, owner.shop_id, status="draft")[1] == 3
    assert products.list_products(session, owner.shop_id, category_id=green.id)[1] == 2
    page_two, total = products.list_products(session, owner.shop_id, page=2, per_page=2)
    assert total == 5 and len(page_two) == 2
    assert _refused(lambda: products.list_products(session, owner.shop_id, status="sold")) == {"status": "status_invalid"}


def test_categories_form_a_tree_with_unique_names_among_siblings(session, owner):
    tea = categories.create_category(session, owner, "茶叶")
    green = categories.create_category(session, owner, "绿茶", tea.id)
    categories.create_category(session, owner, "绿茶")  # the same name elsewhere in the tree is fine
    assert _refused(categories.create_category, session, owner, "绿茶", tea.id) == {"name": "category_name_taken"}
    assert _refused(categories.create_category, session, owner, "") == {"name": "required"}
    listed = categories.list_categories(session, owner.shop_id)
    assert {(c["name"], c["parent_id"]) for c in listed} == {("茶叶", None), ("绿茶", tea.id), ("绿茶", None)}
    assert green.id in {c["id"] for c in listed}
    assert categories.list_categories(session, make_shop(session, "green-leaf").shop_id) == []


def test_a_first_option_turns_the_plain_variant_into_the_first_combination(session, owner):
    product = products.create_product(session, owner, _tea())
    plain = views.product_dict(session, product, with_cost=True)["variants"][0]
    products.update_product(session, owner, product.id, {"options": [{"name": "规格", "values": ["250g", "500g"]}]})
    first, second = views.product_dict(session, product, with_cost=True)["variants"]
    assert (first["id"], first["sku"], first["stock"], first["option_values"]) == (plain["id"], "LJ-250", 10, ["250g"])
    assert (second["sku"], second["price"], second["stock"], second["option_values"]) == (None, 12800, 0, ["500g"])
