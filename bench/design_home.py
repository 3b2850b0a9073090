"""Decorate the demo shop's home with one of every section type (real pictures through the upload path)
and publish it, for Lighthouse on a home that uses the whole section library:

    DATA_DIR=/tmp/x .venv/bin/python -m shopapp migrate && DATA_DIR=/tmp/x .venv/bin/python -m shopapp seed-demo
    DATA_DIR=/tmp/x .venv/bin/python bench/design_home.py
    PORT=8720 DATA_DIR=/tmp/x make run   # then: python3 bench/lighthouse.py http://localhost:8720 --runs 3
"""

from sqlmodel import select

from shopapp.db import session_scope
from shopapp.demo.pictures import product_picture
from shopapp.demo.seed import DEMO_SLUG
from shopapp.models import Product, Shop, StaffMember
from shopapp.services.core.permissions import Actor
from shopapp.services.shops import design, design_rules


def main() -> None:
    with session_scope() as session:
        shop = session.exec(select(Shop).where(Shop.slug == DEMO_SLUG)).one()
        owner = session.exec(select(StaffMember).where(StaffMember.shop_id == shop.id, StaffMember.role == "owner")).one()
        actor = Actor(shop_id=shop.id, role="owner", user_id=owner.user_id)
        product_ids = list(session.exec(select(Product.id).where(Product.shop_id == shop.id).limit(4)).all())
    pictures = []
    for colour in ("#2f855a", "#975a16", "#2b6cb0"):
        with session_scope() as session:
            pictures.append(design.add_picture(session, actor, product_picture("龙井", colour, teaware=False)))
    home = f"/s/{DEMO_SLUG}"
    sections = [
        {"type": "notice", "settings": {"text": "新茶上市，满 199 包邮", "link": home + "/search"}},
        {"type": "search"},
        {"type": "banner", "blocks": [{"image_url": p, "title": "春茶", "link": home} for p in pictures[:2]]},
        {"type": "category_list", "settings": {"layout": "icons"}},
        {"type": "featured_products", "settings": {"product_ids": product_ids, "columns": 2}},
        {"type": "product_carousel", "settings": {"source": "best_selling", "limit": 6}},
        {"type": "product_grid", "settings": {"source": "newest", "limit": 6, "columns": 2}},
        {"type": "rich_text", "settings": {"title": "关于我们", "html": "<p>三代茶农，<strong>明前</strong>手工炒制。</p>"}},
        {"type": "image_text", "settings": {"title": "茶园", "text": "海拔八百米", "image_url": pictures[2], "image_side": "left"}},
        {"type": "image_grid", "settings": {"columns": 2}, "blocks": [{"image_url": p, "alt": "茶", "link": home} for p in pictures[:2]]},
        {"type": "hotzone", "settings": {"image_url": pictures[0], "alt": "茶礼"},
         "blocks": [{"x": 0, "y": 0, "w": 50, "h": 100, "link": home + "/search", "label": "绿茶"}]},
        {"type": "video", "settings": {"title": "制茶", "poster_url": pictures[2]}},
        {"type": "recommended", "settings": {"limit": 4, "columns": 2}},
        {"type": "coupons"}, {"type": "flash_sale"}, {"type": "group_buy"},
        {"type": "store_info", "settings": {"address": "杭州西湖区龙井村", "hours": "9:00-18:00"}},
        {"type": "divider"}, {"type": "spacer", "settings": {"height": 16}},
    ]
    assert {s["type"] for s in sections} == set(design_rules.SECTION_TYPES)
    with session_scope() as session:
        design.save_draft(session, actor, {"pages": {"home": {"sections": sections}}})
        print("published version", design.publish(session, actor)["version"])


if __name__ == "__main__":
    main()
