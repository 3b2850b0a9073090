"""Reviews (评价): a shopper reviews what was delivered, once, then adds to it; the shop moderates; the rating follows."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image
from sqlmodel import select

from shopapp.db import session_scope
from shopapp.models import OutboxEmail, Product, Variant
from shopapp.services.analytics import dashboard
from shopapp.services.catalog import ratings, views
from shopapp.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from shopapp.services.core.permissions import Actor
from shopapp.services.orders import fulfillment, state
from shopapp.services.reviews import moderation, writing
from shopapp.services.shops import seo
from tests.conftest import make_shop
from tests.shopping import paid_order, product_on_sale


def photo(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(out, "PNG")
    return out.getvalue()


def delivered_order(session, owner, *, title: str = "龙井", email: str = "buyer@example.com"):
    """A paid order of one product, shipped and signed for; returns (order, token, product_id, item_id)."""
    tea = product_on_sale(session, owner, title=title, sku=f"SKU-{title}")
    order, token = paid_order(session, owner, (tea, 1), email=email)
    parcel = fulfillment.ship(session, owner, order.id, None, "SF", "SF1234567890123")
    fulfillment.add_tracking_event(session, owner, parcel.id, "delivered", "已签收")
    session.commit()
    item = state.order_items(session, order)[0]
    return order, token, item.product_id, item.id


def review(session, owner, order, token, item_id, rating=5, text="好茶", **kw):
    return writing.write_review(session, owner.shop_id, order.order_no, token, item_id, rating, text, **kw)


def product(session, product_id) -> Product:
    return session.get(Product, product_id, populate_existing=True)


def test_delivery_invites_the_shopper_to_review_by_email_in_both_languages(session, owner):
    order, _, _, _ = delivered_order(session, owner)
    invite = session.exec(select(OutboxEmail).where(OutboxEmail.subject.contains("评价"))).one()
    assert invite.to == "buyer@example.com" and order.order_no in invite.body and "How do you like it" in invite.body


def test_a_held_review_counts_in_the_rating_only_once_the_owner_publishes_it(session, owner):
    order, token, product_id, item_id = delivered_order(session, owner)
    written = review(session, owner, order, token, item_id, rating=4, photos=[photo()])
    assert written.status == "pending" and product(session, product_id).rating_count == 0
    assert ratings.published_reviews(session, owner.shop_id, product_id) == ([], 0)

    moderation.update_review(session, owner, written.id, status="published")
    shown = ratings.rating_summary(session, product(session, product_id))
    assert shown == {"average": 4.0, "count": 1, "by_star": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}}
    items, total = ratings.published_reviews(session, owner.shop_id, product_id)
    assert total == 1 and items[0]["photos"][0]["url"].endswith(".webp") and items[0]["author_masked"].endswith("**")

    moderation.update_review(session, owner, written.id, status="hidden")
    assert ratings.rating_of(product(session, product_id)) == {"average": 0.0, "count": 0}
    moderation.update_review(session, owner, written.id, status="hidden")  # again: nothing moves twice
    assert product(session, product_id).rating_sum == 0


def test_a_shop_that_publishes_at_once_shows_the_review_on_the_card_and_in_json_ld(session, owner):
    moderation.set_rule(session, owner, False)
    order, token, product_id, item_id = delivered_order(session, owner)
    review(session, owner, order, token, item_id, rating=5, text="</script><script>alert(1)</script>", anonymous=True)
    session.commit()
    card = views.product_summaries(session, owner.shop_id, [product(session, product_id)])[0]
    assert card["rating"] == {"average": 5.0, "count": 1}
    tags = seo.product_page_tags(session, "tea-house", product_id)
    assert tags["json_ld"]["aggregateRating"]["reviewCount"] == 1
    assert tags["json_ld"]["review"][0]["author"]["name"] == "匿名"


def test_script_in_a_review_is_kept_as_plain_text(session, owner):
    moderation.set_rule(session, owner, False)
    order, token, product_id, item_id = delivered_order(session, owner)
    review(session, owner, order, token, item_id, text="<img src=x onerror=alert(1)>好")
    items, _ = ratings.published_reviews(session, owner.shop_id, product_id)
    # Stored as written and handed over as text: every page renders it escaped, never as markup.
    assert items[0]["text"] == "<img src=x onerror=alert(1)>好"


def test_a_second_review_of_the_same_item_is_refused(session, owner):
    order, token, _, item_id = delivered_order(session, owner)
    review(session, owner, order, token, item_id)
    with pytest.raises(Conflict) as refused:
        review(session, owner, order, token, item_id, rating=1)
    assert refused.value.code == "already_reviewed"


def test_an_order_not_delivered_yet_cannot_be_reviewed(session, owner):
    tea = product_on_sale(session, owner)
    order, token = paid_order(session, owner, (tea, 1))
    item_id = state.order_items(session, order)[0].id
    with pytest.raises(Conflict) as refused:
        review(session, owner, order, token, item_id)
    assert refused.value.code == "order_not_delivered"


def test_another_shoppers_order_cannot_be_reviewed(session, owner):
    order, _, _, item_id = delivered_order(session, owner)
    _, other_token, _, _ = delivered_order(session, owner, title="普洱", email="other@example.com")
    with pytest.raises(NotFound):
        review(session, owner, order, other_token, item_id)


def test_an_item_of_another_order_is_refused(session, owner):
    order, token, _, _ = delivered_order(session, owner)
    _, _, _, other_item = delivered_order(session, owner, title="普洱")
    with pytest.raises(Invalid) as refused:
        review(session, owner, order, token, other_item)
    assert refused.value.fields == {"order_item_id": "not_in_order"}


@pytest.mark.parametrize("rating", [0, 6, "5", None, True])
def test_a_rating_outside_one_to_five_stars_is_refused(session, owner, rating):
    order, token, _, item_id = delivered_order(session, owner)
    with pytest.raises(Invalid) as refused:
        review(session, owner, order, token, item_id, rating=rating)
    assert refused.value.fields == {"rating": "rating_invalid"}


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_saved(session, owner):
    order, token, _, item_id = delivered_order(session, owner)
    with pytest.raises(Invalid) as refused:
        review(session, owner, order, token, item_id, photos=[b"%PDF-1.4 not a picture"])
    assert refused.value.fields == {"file": "image_type"}
    assert writing.order_reviews(session, owner.shop_id, order.order_no, token)[0]["can_review"]


def test_seven_photos_are_refused(session, owner):
    order, token, _, item_id = delivered_order(session, owner)
    written = review(session, owner, order, token, item_id, photos=[photo()] * 6)
    with pytest.raises(Invalid) as refused:
        writing.add_photos(session, owner.shop_id, order.order_no, token, written.id, [photo("blue")])
    assert refused.value.fields == {"photos": "too_many_review_photos"}


def test_one_followup_is_added_and_moderated_like_the_review(session, owner):
    order, token, product_id, item_id = delivered_order(session, owner)
    written = review(session, owner, order, token, item_id)
    moderation.update_review(session, owner, written.id, status="published")
    writing.add_followup(session, owner.shop_id, order.order_no, token, written.id, "泡了一个月，还是好喝", [photo("green")])
    with pytest.raises(Conflict):
        writing.add_followup(session, owner.shop_id, order.order_no, token, written.id, "再追一次")
    shown = ratings.published_reviews(session, owner.shop_id, product_id)[0][0]
    assert shown["followup"] is None and shown["photos"] == []  # the 追评 and its photo wait for moderation
    moderation.update_review(session, owner, written.id, followup_status="published")
    shown = ratings.published_reviews(session, owner.shop_id, product_id)[0][0]
    assert shown["followup"]["text"] == "泡了一个月，还是好喝" and len(shown["photos"]) == 1


def test_the_owner_replies_and_pins_and_the_tabs_filter(session, owner):
    moderation.set_rule(session, owner, False)
    first, token1, product_id, item1 = delivered_order(session, owner)
    low = review(session, owner, first, token1, item1, rating=1, text="太苦", photos=[photo()])
    tea_variant = session.exec(select(Variant.id).where(Variant.product_id == product_id)).one()
    second, token2 = paid_order(session, owner, (tea_variant, 1), email="b2@example.com")
    parcel = fulfillment.ship(session, owner, second.id, None, "SF", "SF1234567890124")
    fulfillment.add_tracking_event(session, owner, parcel.id, "delivered", "已签收")
    high = review(session, owner, second, token2, state.order_items(session, second)[0].id, rating=5)
    moderation.reply(session, owner, low.id, "抱歉，已联系您")
    moderation.update_review(session, owner, low.id, pinned=True)
    items, _ = ratings.published_reviews(session, owner.shop_id, product_id)
    assert [i["id"] for i in items] == [low.id, high.id] and items[0]["reply"] == "抱歉，已联系您"
    assert [i["id"] for i in ratings.published_reviews(session, owner.shop_id, product_id, rating="bad")[0]] == [low.id]
    assert [i["id"] for i in ratings.published_reviews(session, owner.shop_id, product_id, rating="good")[0]] == [high.id]
    assert [i["id"] for i in ratings.published_reviews(session, owner.shop_id, product_id, with_photos=True)[0]] == [low.id]
    assert ratings.rating_of(product(session, product_id)) == {"average": 3.0, "count": 2}
    assert moderation.low_ratings(session, owner) == {"recent": 1, "unanswered": 0}
    flags = dashboard.overview(session, owner)  # the console home flags the low rating
    assert (flags["low_reviews"], flags["low_reviews_unanswered"], flags["reviews_pending"]) == (1, 0, 0)
    inbox, total = moderation.list_reviews(session, owner, rating="bad")
    assert total == 1 and inbox[0]["email"] == "buyer@example.com" and inbox[0]["order_no"] == first.order_no


def test_support_staff_cannot_hide_reviews_and_another_shop_cannot_see_them(session, owner):
    order, token, _, item_id = delivered_order(session, owner)
    written = review(session, owner, order, token, item_id)
    with pytest.raises(Forbidden):
        moderation.update_review(session, Actor(shop_id=owner.shop_id, role="support"), written.id, status="hidden")
    other = make_shop(session, "other")
    with pytest.raises(NotFound):
        moderation.update_review(session, other, written.id, status="published")
    assert moderation.list_reviews(session, other) == ([], 0)


def test_two_tabs_sending_the_same_review_at_once_keep_one(session, owner):
    """Both pressed "send" together, each in its own thread and transaction: one review, one refusal."""
    moderation.set_rule(session, owner, False)
    order, token, product_id, item_id = delivered_order(session, owner)
    session.commit()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def send() -> None:
        start.wait()
        try:
            with session_scope() as own:
                writing.write_review(own, owner.shop_id, order.order_no, token, item_id, 5, "好")
            outcomes.append("written")
        except Conflict as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_reviewed", "written"]
    assert ratings.rating_of(product(session, product_id)) == {"average": 5.0, "count": 1}


def test_two_moderators_publishing_at_once_count_the_review_once(session, owner):
    order, token, product_id, item_id = delivered_order(session, owner)
    written = review(session, owner, order, token, item_id, rating=3)
    session.commit()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def publish() -> None:
        start.wait()
        try:
            with session_scope() as own:
                moderation.update_review(own, owner, written.id, status="published")
            outcomes.append("published")
        except Conflict as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The second either found it published already (nothing to do) or lost the race and was told so.
    assert "published" in outcomes and set(outcomes) <= {"published", "review_changed"}
    assert ratings.rating_of(product(session, product_id)) == {"average": 3.0, "count": 1}
