"""Creating the demo shop through the same services an owner uses."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from sqlmodel import Session, select

from shopapp.db import session_scope
from shopapp.demo import bargain, flash_home, group_buy, history
from shopapp.demo.catalogue import SIGNATURE_TEAS, TEAS, TEAWARE, WEIGHT_FACTORS, WEIGHTS
from shopapp.demo.pictures import product_picture
from shopapp.models import Product, Shop, Variant
from shopapp.models.base import utcnow
from shopapp.services.catalog import categories as catalog_categories
from shopapp.services.catalog import media
from shopapp.services.catalog import products as catalog_products
from shopapp.services.checkout import shipping
from shopapp.services.core import plan_limits
from shopapp.services.customers import shoppers
from shopapp.services.insights import recommendations
from shopapp.services.marketing import affiliates, flash_sales
from shopapp.services.shops import accounts, shops, themes
from shopapp.settings import get_settings

log = logging.getLogger(__name__)

DEMO_SLUG = "demo-tea"
DEMO_EMAIL = "demo@example.com"
# What the README printed for every install until each got its own; retired wherever it still opens the demo.
PUBLISHED_PASSWORDS = ("demo-tea-2026",)
DEMO_PROMOTER_EMAIL = "promoter@example.com"  # the demo's one 分销 promoter (a shopper; log in after a password reset)
PROFILE = {
    "description": "一叶一世界。精选中国名茶与手作茶器，产地直采，新鲜到家。",
    "contact_phone": "400-800-1234",
    "shipping_policy": "现货商品 48 小时内发货，默认顺丰或中通；满 99 元包邮（偏远地区除外）。预售商品按页面标注时间发货。",
    "returns_policy": "收货后 7 天内，未拆封茶叶和完好茶具支持无理由退货；茶具运输破损请拍照联系客服，包赔包换。",
    "sender_address": {"name": "一叶茶舍发货部", "phone": "0571-88886666", "province": "浙江省", "city": "杭州市",
                       "district": "西湖区", "line1": "龙井路 18 号茶叶仓", "postcode": "310013"},
}
# As the shipping policy says: SF or ZTO, ¥10, free from 99 yuan (the platform's default fees, named for the shop).
SHIPPING = {"name": "快递（顺丰 / 中通）", "base_fee": 1000, "per_kg_fee": 0, "free_over": 9900}


def new_password() -> str:
    """The demo owner's password: DEMO_PASSWORD when a test run sets it, else made for this install, so no
    two platforms share one and none is published (a README password would open every forgotten demo)."""
    return get_settings().demo_password or secrets.token_urlsafe(12)


def seed_demo(*, if_empty: bool = False) -> str | None:
    """Create the demo shop; returns its owner's password (shown once: only its hash is kept), or None
    when the shop (or, with if_empty, any shop) already exists."""
    password = new_password()
    with session_scope() as session:
        if _skip(session, if_empty):
            return None
        signed = accounts.signup(
            session, email=DEMO_EMAIL, password=password, shop_name="一叶茶舍", shop_slug=DEMO_SLUG
        )
        owner = accounts.authenticate(session, signed.token)
        # The demo shows every feature for as long as it lives: the paid plan, granted with no end.
        plan_limits.add_period(session, owner.shop_id, plan_limits.trial_plan(session).id, "operator",
                               note="demo shop: every feature")
        shops.update_profile(session, owner, PROFILE)
        categories = {name: catalog_categories.create_category(session, owner, name).id for name in _category_names()}
    # Each product in its own transaction: pictures take a moment, and other writers should not wait on all of them.
    for index, product in enumerate(_products(categories)):
        with session_scope() as session:
            owner = accounts.authenticate(session, signed.token)
            created = catalog_products.create_product(session, owner, product["data"])
            session.flush()
            for variant in range(product["pictures"]):
                picture = product_picture(product["data"]["title"], product["colour"], teaware=product["teaware"], variant=variant)
                media.add_product_image(session, owner, created.id, picture, alt=product["data"]["title"])
        log.info("demo product %s/%s: %s", index + 1, len(TEAS) + len(TEAWARE), product["data"]["title"])
    with session_scope() as session:
        owner = accounts.authenticate(session, signed.token)
        _feature_signature_teas(session, owner)
        shipping.create_method(session, owner, SHIPPING)
        bargain.seed_bargain(session, owner)  # one live 砍价
        _live_flash_sale(session, owner)
        flash_home.bring_up_to_date(session, owner)  # a 秒杀 starting soon, and the home's flash-sale section
        shop_id = owner.shop_id
    # Two months of orders, refunds and questions, so the console's charts and lists have something to show.
    history.seed_history(signed.token, shop_id)
    with session_scope() as session:
        _affiliate_programme(session, accounts.authenticate(session, signed.token))
    # The shelves the nightly job fills, filled now so the demo's product pages show them from the start.
    with session_scope() as session:
        recommendations.refresh_shop(session, shop_id)
    group_buy.seed_group_buy(signed.token, shop_id)  # one live 拼团 with a group waiting for its second member
    return password


def bring_up_to_date() -> bool:
    """A demo seeded before its home had a flash-sale section and a coming 秒杀 gets both, once (demo/flash_home
    says when it is left alone); True when something was added, False without a demo shop or with nothing to do."""
    with session_scope() as session:
        user = accounts.user_by_email(session, DEMO_EMAIL)
        shop = session.exec(select(Shop).where(Shop.slug == DEMO_SLUG)).first()
        if user is None or shop is None:
            return False
        signed = accounts.sign_in(session, user)
        owner = accounts.authenticate(session, signed.token)
        if owner.shop_id != shop.id:  # the demo's e-mail now owns another shop: not the demo's to change
            accounts.logout(session, signed.token)
            return False
        added = flash_home.bring_up_to_date(session, owner)
        accounts.logout(session, signed.token)
    if added:
        log.info("the demo shop now has a coming flash sale and a flash-sale section on its home")
    return added


def retire_published_password() -> str | None:
    """Installs from before generated passwords: if the demo owner still opens with the password the README
    once printed for everyone, give it a new one (returned; None when there was nothing to retire)."""
    with session_scope() as session:
        user = accounts.user_by_email(session, DEMO_EMAIL)
        if user is None or not any(accounts.password_matches(user.password_hash, old) for old in PUBLISHED_PASSWORDS):
            return None
        password = new_password()
        accounts.change_password(session, user, password)
    log.warning("the demo owner %s had the password once published in the README; it has a new one", DEMO_EMAIL)
    return password


def reset_password() -> str | None:
    """A new password for the demo owner (the old one, shown only once, may be lost); None without a demo shop."""
    password = new_password()
    with session_scope() as session:
        user = accounts.user_by_email(session, DEMO_EMAIL)
        if user is None:
            return None
        accounts.change_password(session, user, password)
    return password


def _feature_signature_teas(session: Session, owner) -> None:
    """The home's featured section shows the house's best-known teas; the grid below, the newest."""
    titles = {title: product_id for product_id, title in session.exec(
        select(Product.id, Product.title).where(Product.shop_id == owner.shop_id)
    ).all()}
    featured = [titles[title] for title in SIGNATURE_TEAS]
    sections = [
        dict(section, product_ids=featured) if section["type"] == "featured_products" else section
        for section in themes.home_sections(session, owner.shop_id)
    ]
    themes.save_sections(session, owner, sections)


def _affiliate_programme(session: Session, owner) -> None:
    """分销 on (10 % / 5 %, bound 30 days, settled 7 days after completion) with one promoter, a tea friend."""
    affiliates.save_program(session, owner, {"enabled": True, "level1_percent": 10, "level2_percent": 5,
                                             "binding_days": 30, "settle_days": 7})
    friend = shoppers.register(session, owner.shop_id, email=DEMO_PROMOTER_EMAIL, password=secrets.token_urlsafe(12),
                               name="茶友小林")
    affiliates.become_promoter(session, owner.shop_id, friend.customer["id"])
def _live_flash_sale(session: Session, owner) -> None:
    """One 秒杀 running for a month on the first signature tea, at 60 % of its price (its product page shows it)."""
    product_id = session.exec(select(Product.id).where(Product.shop_id == owner.shop_id, Product.title == SIGNATURE_TEAS[0])).one()
    variant = session.exec(select(Variant).where(Variant.product_id == product_id).order_by(Variant.id)).first()
    now = utcnow()
    flash_sales.create_flash_sale(session, owner, {
        "name": "整点秒杀", "variant_id": variant.id, "price": variant.price * 6 // 10, "quantity": 50, "per_customer_limit": 1,
        "starts_at": (now - timedelta(minutes=1)).isoformat(), "ends_at": (now + timedelta(days=30)).isoformat(), "pay_minutes": 15,
    })


def _skip(session: Session, if_empty: bool) -> bool:
    if if_empty:
        return session.exec(select(Shop.id)).first() is not None
    return shops.slug_taken(session, DEMO_SLUG)


def _category_names() -> list[str]:
    return list(dict.fromkeys(row[0] for row in TEAS + TEAWARE))


def _products(categories: dict[str, int]) -> list[dict]:
    products = []
    for number, (category, title, description, price, colour) in enumerate(TEAS):
        variants = [
            {"sku": f"T{number + 1:02d}-{grams}", "option_values": [value], "price": _round(price * factor, 10),
             "stock": 0 if (number == 4 and grams == 250) else 20 + 7 * number % 40, "weight_grams": grams + 80}
            for value, factor, grams in zip(WEIGHTS["values"], WEIGHT_FACTORS, (50, 100, 250))
        ]
        data = _product(title, description, categories[category], [WEIGHTS], variants)
        if number == 13:  # the new-season silver needle is on pre-sale, 200 units of it; the big tin ships later
            data["presale"] = {"ships_at": (utcnow() + timedelta(days=20)).date().isoformat(), "quota": 200}
            variants[-1]["presale"] = {"ships_at": (utcnow() + timedelta(days=35)).date().isoformat(), "quota": 30}
        products.append({"data": data, "colour": colour, "teaware": False, "pictures": 1})
    for number, (category, title, description, option, price, colour) in enumerate(TEAWARE):
        values = option["values"] if option else [None]
        variants = [
            {"sku": f"W{number + 1:02d}-{index + 1}", "option_values": [value] if value else [],
             "price": price + index * _round(price * 15, 100), "stock": 8 + 3 * index, "weight_grams": 600}
            for index, value in enumerate(values)
        ]
        data = _product(title, description, categories[category], [option] if option else [], variants)
        products.append({"data": data, "colour": colour, "teaware": True, "pictures": 2 if option else 1})
    return products


def _product(title: str, description: str, category_id: int, options: list, variants: list) -> dict:
    return {
        "title": title, "description_html": f"<p>{description}</p>", "status": "active", "product_type": "physical",
        "options": options, "variants": variants, "category_ids": [category_id], "tags": ["demo"],
        "seo_description": description,
    }


def _round(amount: int, divisor: int) -> int:
    """amount / divisor in 分, rounded half up to whole yuan, as a shop would list it (integers only)."""
    return (amount + divisor * 50) // (divisor * 100) * 100
