"""A new owner's getting-started checklist ticks itself as the shop is set up, and greets them "欢迎" the first time."""

import base64

from shopapp.services.analytics import onboarding
from shopapp.services.checkout import shipping
from shopapp.services.shops import accounts, sharing, shops, themes
from tests.shopping import paid_order, product_on_sale


def _ticked(session, owner) -> dict[str, bool]:
    return {step["key"]: step["done"] for step in onboarding.checklist(session, owner)["steps"]}


def test_a_brand_new_shop_starts_with_every_step_open_and_a_first_time_welcome(session, owner):
    checklist = onboarding.checklist(session, owner)
    assert checklist["first_visit"] is True and checklist["done"] is False
    assert [step["key"] for step in checklist["steps"]] == ["add_product", "set_shipping", "set_up_payment", "decorate", "share"]
    assert not any(_ticked(session, owner).values())


def test_the_owner_is_welcomed_back_from_the_second_log_in(session, owner):
    accounts.login(session, email="owner@example.com", password="secret-pass")
    assert onboarding.checklist(session, owner)["first_visit"] is False


def test_a_draft_is_not_a_product_on_sale_but_is_counted(session, owner):
    product_on_sale(session, owner, status="draft")
    checklist = onboarding.checklist(session, owner)
    assert checklist["drafts"] == 1 and _ticked(session, owner)["add_product"] is False
    product_on_sale(session, owner, sku="TEA-2")
    assert _ticked(session, owner)["add_product"] is True


def test_each_step_ticks_when_the_shop_does_it(session, owner):
    # Only looking at the shipping page creates the default method: that is not a choice yet.
    shipping.list_methods(session, owner)
    assert _ticked(session, owner)["set_shipping"] is False
    shipping.create_method(session, owner, {"name": "顺丰", "base_fee": 1500})
    shops.update_profile(session, owner, {"logo_url": "https://cdn.example.com/logo.webp"})
    shops.mark_shared(session, owner)
    ticked = _ticked(session, owner)
    assert ticked["set_shipping"] and ticked["decorate"] and ticked["share"]
    assert ticked["set_up_payment"] is False  # the sandbox: nothing paid yet


def test_arranging_the_home_page_counts_as_decorating(session, owner):
    themes.save_sections(session, owner, themes.home_sections(session, owner.shop_id))
    assert _ticked(session, owner)["decorate"] is True


def test_a_test_order_paid_in_the_sandbox_proves_payment_works(session, owner):
    paid_order(session, owner, (product_on_sale(session, owner), 1))
    ticked = _ticked(session, owner)
    assert ticked["set_up_payment"] is True and ticked["share"] is True  # an order came in: someone found the shop


def test_the_shop_link_and_its_qr_code_point_at_the_storefront(session, owner):
    shop = shops.get_shop(session, owner.shop_id)
    link = sharing.storefront_link(shop)
    assert link.endswith("/s/tea-house") and link.startswith("http")
    picture = base64.b64decode(sharing.qr_code_png(link).removeprefix("data:image/png;base64,"))
    assert picture.startswith(b"\x89PNG")
