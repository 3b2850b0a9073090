"""Recommendations (issue 22): 买了这个的人也买了 from the shop's paid orders, 相似商品 by TF-IDF over titles,
categories and tags, 猜你喜欢 from what a shopper bought and viewed; worked out by the job, read by id."""

from __future__ import annotations

import pytest
from sqlmodel import select

from shopapp.models import OrderVisit, Product, Variant, VisitEvent
from shopapp.models.insights import Recommendation
from shopapp.services.catalog import categories, products
from shopapp.services.checkout import place, shopper_sign_in
from shopapp.services.core.errors import Invalid, NotFound
from shopapp.services.insights import recommendations
from shopapp.services.shops import design
from tests.conftest import make_shop
from tests.shopping import ADDRESS, cart_with, paid_order


def _catalogue(session, owner) -> dict[str, tuple[int, int]]:
    """title → (product id, variant id)."""
    made = {}
    kinds = {name: categories.create_category(session, owner, name).id for name in ("绿茶", "红茶", "茶具")}
    for n, (title, kind, tags) in enumerate([
        ("西湖龙井 明前特级", "绿茶", ["春茶"]), ("洞庭碧螺春 一级", "绿茶", ["春茶"]), ("正山小种 桐木关", "红茶", []),
        ("青瓷盖碗 三才碗", "茶具", ["瓷器"]), ("玻璃公道杯 加厚耐热", "茶具", []),
    ]):
        product = products.create_product(session, owner, {"title": title, "status": "active", "category_ids": [kinds[kind]],
                                                           "tags": tags, "variants": [{"sku": f"R{n}", "price": 5000, "stock": 100}]})
        session.flush()
        made[title] = (product.id, session.exec(select(Variant.id).where(Variant.product_id == product.id)).one())
    session.commit()
    return made


@pytest.fixture
def shop(session, owner):
    made = _catalogue(session, owner)
    v = {title: variant for title, (_, variant) in made.items()}
    for lines in (["西湖龙井 明前特级", "青瓷盖碗 三才碗"], ["西湖龙井 明前特级", "青瓷盖碗 三才碗"],
                  ["西湖龙井 明前特级", "玻璃公道杯 加厚耐热"], ["正山小种 桐木关"]):
        paid_order(session, owner, *[(v[t], 1) for t in lines])
    # Placed but never paid: it says nothing about what sells together.
    place.place_order(session, owner.shop_id, cart_with(session, owner.shop_id, (v["西湖龙井 明前特级"], 1), (v["正山小种 桐木关"], 1)),
                      "unpaid@example.com", ADDRESS)
    session.commit()
    return {title: product for title, (product, _) in made.items()}


def test_bought_together_comes_from_paid_orders_most_often_first(session, owner, shop):
    recommendations.refresh_shop(session, owner.shop_id)
    ids = recommendations.product_ids(session, owner.shop_id, "bought_together", shop["西湖龙井 明前特级"])
    assert ids == [shop["青瓷盖碗 三才碗"], shop["玻璃公道杯 加厚耐热"]]
    shelves = recommendations.for_product(session, owner.shop_id, shop["西湖龙井 明前特级"])
    assert [p["title"] for p in shelves["bought_together"]] == ["青瓷盖碗 三才碗", "玻璃公道杯 加厚耐热"]
    assert shelves["bought_together"][0]["price_min"] == 5000  # a card's summary, read with the ids


def test_similar_products_share_words_of_title_category_and_tags(session, owner, shop):
    recommendations.refresh_shop(session, owner.shop_id)
    similar = recommendations.product_ids(session, owner.shop_id, "similar", shop["西湖龙井 明前特级"])
    assert similar[0] == shop["洞庭碧螺春 一级"]  # same category and tag
    assert recommendations.product_ids(session, owner.shop_id, "similar", shop["青瓷盖碗 三才碗"])[0] == shop["玻璃公道杯 加厚耐热"]
    shelves = recommendations.for_product(session, owner.shop_id, shop["西湖龙井 明前特级"])
    together = {p["id"] for p in shelves["bought_together"]}
    assert shelves["similar"] and not together & {p["id"] for p in shelves["similar"]}  # the two shelves never repeat a card


def test_guess_you_like_follows_what_the_shopper_bought_and_viewed_but_not_what_they_own(session, owner, shop):
    customer = shopper_sign_in.register(session, owner.shop_id, email="li@example.com", password="secret-pass").customer["id"]
    variant = session.exec(select(Variant.id).where(Variant.product_id == shop["西湖龙井 明前特级"])).one()
    order, _ = paid_order(session, owner, (variant, 1), email="li@example.com")
    order.customer_id = customer
    session.add(OrderVisit(order_id=order.id, shop_id=owner.shop_id, visitor_id="v-li"))
    session.add(VisitEvent(shop_id=owner.shop_id, visitor_id="v-li", type="product_view", product_id=shop["正山小种 桐木关"]))
    session.commit()
    recommendations.refresh_shop(session, owner.shop_id)
    picks = [p["id"] for p in recommendations.for_shopper(session, owner.shop_id, customer)]
    assert picks[0] == shop["青瓷盖碗 三才碗"]  # what the tea's buyers took with it
    assert shop["西湖龙井 明前特级"] not in picks
    # Someone the job knows nothing about sees the shop's best sellers.
    best = [p["id"] for p in recommendations.for_shopper(session, owner.shop_id, None)]
    assert best[0] == shop["西湖龙井 明前特级"]


def test_the_cart_gets_what_goes_with_its_items_less_what_is_in_it(session, owner, shop):
    recommendations.refresh_shop(session, owner.shop_id)
    picks = [p["id"] for p in recommendations.for_cart(session, owner.shop_id, [shop["西湖龙井 明前特级"], shop["青瓷盖碗 三才碗"]])]
    assert picks[0] == shop["玻璃公道杯 加厚耐热"]
    assert shop["西湖龙井 明前特级"] not in picks and shop["青瓷盖碗 三才碗"] not in picks


def test_a_refresh_replaces_the_rows_and_drops_products_taken_off_sale(session, owner, shop):
    first = recommendations.refresh_shop(session, owner.shop_id)
    assert recommendations.refresh_shop(session, owner.shop_id) == first
    assert session.exec(select(Recommendation).where(Recommendation.shop_id == owner.shop_id)).all().__len__() == first
    cup = session.get(Product, shop["青瓷盖碗 三才碗"])
    cup.status = "archived"
    session.commit()
    recommendations.refresh_shop(session, owner.shop_id)
    assert shop["青瓷盖碗 三才碗"] not in recommendations.product_ids(session, owner.shop_id, "bought_together", shop["西湖龙井 明前特级"])
    with pytest.raises(NotFound):
        recommendations.for_product(session, owner.shop_id, shop["青瓷盖碗 三才碗"])


def test_one_shop_never_sees_anothers_products(session, owner, shop):
    other = make_shop(session, "other-shop")
    _catalogue(session, other)
    recommendations.refresh_all(session)
    mine = set(shop.values())
    rows = session.exec(select(Recommendation).where(Recommendation.shop_id == owner.shop_id)).all()
    assert rows and all(r.product_id in mine and r.subject_id in mine for r in rows if r.kind != "for_you")
    with pytest.raises(NotFound):
        recommendations.for_product(session, other.shop_id, shop["西湖龙井 明前特级"])


def test_the_home_section_library_has_a_guess_you_like_section_the_design_accepts(session, owner, shop):
    design.save_draft(session, owner, {"pages": {"home": {"sections": [{"type": "recommended", "settings": {"title": "猜你喜欢", "limit": 3}}]}}})
    page = design.draft_design(session, owner.shop_id)["pages"]["home"]
    assert page["sections"][0]["type"] == "recommended" and page["sections"][0]["settings"]["limit"] == 3
    with pytest.raises(Invalid):
        design.save_draft(session, owner, {"pages": {"home": {"sections": [{"type": "recommended", "settings": {"limit": 99}}]}}})
    recommendations.refresh_shop(session, owner.shop_id)
    assert len(recommendations.for_shopper(session, owner.shop_id, None, 3)) == 3
