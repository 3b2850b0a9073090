"""Shopper accounts: register and log in per shop, the guest cart comes along, orders land in the account."""

from __future__ import annotations

import pytest
from sqlmodel import select

from shopapp.models import OutboxEmail
from shopapp.services.checkout import cart, place, shopper_sign_in
from shopapp.services.core.errors import Invalid, NotFound, RateLimited, Unauthorized
from shopapp.services.customers import email_verification, shoppers
from shopapp.services.orders import listing
from tests.conftest import make_shop
from tests.shopping import ADDRESS, cart_with, product_on_sale


def _register(session, shop_id, email="lin@example.com", cart_token=None):
    logged_in = shopper_sign_in.register(session, shop_id, email=email, password="tea-lover-1", name="林", cart_token=cart_token)
    session.commit()
    return logged_in


def test_registering_logs_the_shopper_in(session, owner):
    logged_in = _register(session, owner.shop_id, email=" Lin@Example.com ")
    assert logged_in.customer["email"] == "lin@example.com" and logged_in.customer["name"] == "林"
    assert shoppers.customer_for_token(session, owner.shop_id, logged_in.token).email == "lin@example.com"
    assert logged_in.cart_token is None  # nothing in a cart yet


def test_registration_refuses_bad_input_and_a_taken_email(session, owner):
    with pytest.raises(Invalid) as caught:
        shopper_sign_in.register(session, owner.shop_id, email="not-an-email", password="short", name="x" * 41)
    assert caught.value.fields == {"email": "email_invalid", "password": "password_too_short", "name": "too_long"}
    _register(session, owner.shop_id)
    with pytest.raises(Invalid) as caught:
        shopper_sign_in.register(session, owner.shop_id, email="lin@example.com", password="another-pass-1")
    assert caught.value.fields == {"email": "email_taken"}


def test_an_account_belongs_to_one_shop(session, owner):
    other = make_shop(session, "green-leaf")
    logged_in = _register(session, owner.shop_id)
    with pytest.raises(Unauthorized):
        shoppers.customer_for_token(session, other.shop_id, logged_in.token)
    with pytest.raises(Unauthorized):
        shopper_sign_in.log_in(session, other.shop_id, email="lin@example.com", password="tea-lover-1")
    # The same e-mail may open its own account in the other shop.
    assert _register(session, other.shop_id).customer["email"] == "lin@example.com"


def test_wrong_passwords_slow_the_guesser_down_but_never_lock_the_shopper_out(session, owner):
    _register(session, owner.shop_id)
    for _ in range(5):
        try:
            shopper_sign_in.log_in(session, owner.shop_id, email="lin@example.com", password="wrong-password", ip="198.51.100.7")
        except (Unauthorized, RateLimited):
            pass
    with pytest.raises(RateLimited):
        shopper_sign_in.log_in(session, owner.shop_id, email="lin@example.com", password="tea-lover-1", ip="198.51.100.7")
    # The shopper on their own phone gets in, and has been told someone was guessing.
    assert shopper_sign_in.log_in(session, owner.shop_id, email="lin@example.com", password="tea-lover-1", ip="192.0.2.10").token


def test_the_shopper_is_emailed_when_someone_keeps_guessing_their_password(session, owner):
    _register(session, owner.shop_id)
    for n in range(6):
        with pytest.raises(Unauthorized):
            shopper_sign_in.log_in(session, owner.shop_id, email="lin@example.com", password="wrong-password", ip=f"198.51.100.{n}")
    mail = session.exec(select(OutboxEmail).where(OutboxEmail.to == "lin@example.com", OutboxEmail.subject.contains("登录"))).all()
    assert [m.shop_id for m in mail] == [owner.shop_id]
    assert "有人在尝试登录" in mail[0].subject


def test_log_out_ends_the_session(session, owner):
    logged_in = _register(session, owner.shop_id)
    shoppers.log_out(session, logged_in.token)
    with pytest.raises(Unauthorized):
        shoppers.customer_for_token(session, owner.shop_id, logged_in.token)


def test_the_guest_cart_merges_into_the_account_on_log_in(session, owner):
    tea = product_on_sale(session, owner, stock=50)
    cup = product_on_sale(session, owner, sku="CUP-1", title="茶杯", stock=50)
    # Yesterday, on the laptop, logged in: 2 teas.
    laptop = _register(session, owner.shop_id)
    laptop_cart = cart.create_cart(session, owner.shop_id, customer_id=laptop.customer["id"])
    cart.add_item(session, owner.shop_id, laptop_cart, tea, 2)
    # Today, on the phone, as a guest: 1 tea and 1 cup; then log in.
    phone_cart = cart_with(session, owner.shop_id, (tea, 1), (cup, 1))
    logged_in = shopper_sign_in.log_in(session, owner.shop_id, email="lin@example.com", password="tea-lover-1", cart_token=phone_cart)
    session.commit()
    assert logged_in.cart_token == phone_cart
    lines = {line["variant_id"]: line["qty"] for line in cart.view_cart(session, owner.shop_id, phone_cart)["items"]}
    assert lines == {tea: 3, cup: 1}
    with pytest.raises(NotFound):
        cart.view_cart(session, owner.shop_id, laptop_cart)  # one cart per account


def test_a_new_device_gets_the_accounts_saved_cart(session, owner):
    tea = product_on_sale(session, owner)
    first = _register(session, owner.shop_id, cart_token=cart_with(session, owner.shop_id, (tea, 2)))
    elsewhere = shopper_sign_in.log_in(session, owner.shop_id, email="lin@example.com", password="tea-lover-1")
    session.commit()
    assert elsewhere.cart_token not in (None, first.cart_token)
    assert cart.view_cart(session, owner.shop_id, elsewhere.cart_token)["item_count"] == 2


def test_orders_placed_while_logged_in_are_in_the_account_history(session, owner):
    tea = product_on_sale(session, owner)
    logged_in = _register(session, owner.shop_id)
    placed = place.place_order(
        session, owner.shop_id, cart_with(session, owner.shop_id, (tea, 1)), "lin@example.com", ADDRESS,
        customer_token=logged_in.token,
    )
    guest = place.place_order(session, owner.shop_id, cart_with(session, owner.shop_id, (tea, 1)), "lin@example.com", ADDRESS)
    session.commit()
    history, total = listing.customer_orders(session, owner.shop_id, logged_in.token)
    assert total == 1 and [row["order_no"] for row in history] == [placed["order_no"]]
    # The account opens its own order without the link's token, never someone else's.
    page = place.order_page(session, owner.shop_id, placed["order_no"], logged_in.token)
    assert page["order_no"] == placed["order_no"] and "cs_" not in (page["pay_url"] or "")
    with pytest.raises(NotFound):
        place.order_page(session, owner.shop_id, guest["order_no"], logged_in.token)
    other = _register(session, owner.shop_id, email="wang@example.com")
    with pytest.raises(NotFound):
        place.order_page(session, owner.shop_id, placed["order_no"], other.token)


def test_a_logged_in_shopper_is_verified_in_the_chat_at_once(session, owner):
    from shopapp.services.support import conversations

    logged_in = _register(session, owner.shop_id)
    mine, _ = conversations.start_conversation(session, owner.shop_id, "lin@example.com", "我的订单到哪了？", shopper_token=logged_in.token)
    assert mine.verified and mine.verified_by == "logged_in"
    # Someone else's e-mail with this log-in proves nothing.
    theirs, _ = conversations.start_conversation(session, owner.shop_id, "wang@example.com", "查订单", shopper_token=logged_in.token)
    assert not theirs.verified


def _verify_link(session, email="lin@example.com") -> str:
    body = session.exec(select(OutboxEmail.body).where(OutboxEmail.to == email, OutboxEmail.subject.contains("验证"))
                        .order_by(OutboxEmail.id.desc())).first()
    return next(word for word in body.split() if "/account/verify/" in word)


def _guest_order(session, owner, email="lin@example.com") -> str:
    tea = product_on_sale(session, owner, stock=20, sku=f"TEA-{len(session.exec(select(OutboxEmail)).all())}")
    placed = place.place_order(session, owner.shop_id, cart_with(session, owner.shop_id, (tea, 1)), email, ADDRESS)
    session.commit()
    return placed["order_no"]


def _history(session, owner, token) -> list[str]:
    return [row["order_no"] for row in listing.customer_orders(session, owner.shop_id, token)[0]]


def test_guest_orders_join_the_account_once_its_email_is_verified(session, owner):
    # Last month Lin ordered twice as a guest; today Lin registers with the same address.
    earlier = {_guest_order(session, owner, "Lin@Example.com"), _guest_order(session, owner)}
    someone_else = _guest_order(session, owner, "wang@example.com")
    logged_in = _register(session, owner.shop_id)
    assert logged_in.customer["email_verified"] is False
    assert _history(session, owner, logged_in.token) == []  # not before the address is proven
    link = _verify_link(session)
    assert "/s/tea-house/account/verify/ev_" in link

    verified = email_verification.verify_email(session, owner.shop_id, link.rsplit("/", 1)[1])
    session.commit()
    assert verified["orders_joined"] == 2
    assert set(_history(session, owner, logged_in.token)) == earlier
    assert someone_else not in _history(session, owner, logged_in.token)
    # Opening the link again changes nothing; a guest order placed later with the address joins at once.
    assert email_verification.verify_email(session, owner.shop_id, link.rsplit("/", 1)[1])["orders_joined"] == 0
    later = _guest_order(session, owner)
    assert later in _history(session, owner, logged_in.token)


def test_a_verification_link_works_only_in_its_shop_for_its_address_and_unaltered(session, owner):
    _register(session, owner.shop_id)
    token = _verify_link(session).rsplit("/", 1)[1]
    other = make_shop(session, "other-shop")
    for shop_id, tampered in ((other.shop_id, token), (owner.shop_id, token[:-1] + ("0" if token[-1] != "0" else "1")),
                              (owner.shop_id, "ev_1_99999999999_x"), (owner.shop_id, "nonsense")):
        with pytest.raises(NotFound) as refused:
            email_verification.verify_email(session, shop_id, tampered)
        assert refused.value.code == "verify_link_invalid"


def test_the_verification_e_mail_can_be_sent_again_but_not_every_second(session, owner):
    _register(session, owner.shop_id)
    customer = shoppers.customer_by_email(session, owner.shop_id, "lin@example.com")
    with pytest.raises(RateLimited):
        email_verification.send_verification(session, owner.shop_id, customer)
    customer.verification_sent_at -= email_verification.RESEND_AFTER
    email_verification.send_verification(session, owner.shop_id, customer)
    assert len(session.exec(select(OutboxEmail).where(OutboxEmail.subject.contains("验证"))).all()) == 2
