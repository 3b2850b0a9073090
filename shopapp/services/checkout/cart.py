"""The shopper's cart: lines of variants with quantities, priced from the catalogue on every read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import and_, bindparam, delete, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, select

from shopapp.models import Cart, CartItem, Product, Shop, Variant
from shopapp.models.base import utcnow
from shopapp.services.catalog.media import first_images, image_urls
from shopapp.services.core.errors import Conflict, Invalid, NotFound
from shopapp.services.core.tokens import new_token, token_hash
from shopapp.services.inventory import availability

MAX_QTY = 99
MAX_LINES = 100


@dataclass
class Line:
    """One cart line as the catalogue prices it now; `problem` says why it cannot be bought as is."""

    variant_id: int
    qty: int
    variant: Variant | None
    product: Product | None
    problem: str | None  # None, "product_unavailable", "sold_out", "only_n_left"

    @property
    def unit_price(self) -> int:
        return self.variant.price if self.variant else 0

    @property
    def total(self) -> int:
        return self.unit_price * self.qty

    @property
    def weight_grams(self) -> int:
        if not self.variant or (self.product and self.product.product_type == "virtual"):
            return 0
        return self.variant.weight_grams * self.qty

    @property
    def available(self) -> int:
        """Stock, or the places left in the pre-sale quota the variant sells from."""
        return availability.available(self.variant, self.product) if self.variant and self.product else 0


def create_cart(session: Session, shop_id: int, email: str = "", customer_id: int | None = None) -> str:
    """A new empty cart (a logged-in shopper's when `customer_id` is given); returns its token, the only way back to it."""
    return _new_cart(session, shop_id, email, customer_id)[0]


def bring_into_account(session: Session, shop_id: int, customer_id: int, cart_token: str | None) -> str | None:
    """On log-in: the guest cart becomes the account's cart, with the lines the account's earlier cart held added in.

    Returns the token the browser keeps from now on: the guest cart's own; with no guest cart, a
    fresh token for the account's saved cart (a device that still holds its old token starts a new
    cart); None when there is no cart at all. Another account's cart is never taken over.
    """
    guest = _cart_or_none(session, shop_id, cart_token)
    if guest is not None and guest.customer_id not in (None, customer_id):
        guest = None
    saved = session.exec(
        select(Cart).where(Cart.shop_id == shop_id, Cart.customer_id == customer_id)
        .order_by(Cart.updated_at.desc(), Cart.id.desc())
    ).first()
    if guest is None:
        if saved is None:
            return None
        token = new_token("cart")
        saved.token_hash = token_hash(token)
        session.add(saved)
        session.flush()
        return token
    if saved is not None and saved.id != guest.id:
        _merge_lines(session, source=saved, into=guest)
        delete_cart(session, saved)
    guest.customer_id = customer_id
    guest.updated_at = utcnow()
    session.add(guest)
    session.flush()
    return cart_token


def add_item(session: Session, shop_id: int, cart_token: str, variant_id: int, qty: int = 1, *, view: bool = True) -> dict | None:
    """Put `qty` more of a variant in the cart (a line's quantity stays within 1..99); answers the cart,
    or nothing with `view=False` (a caller that prices the cart itself: quote.cart_view)."""
    cart_id, held = _held_lines(session, shop_id, cart_token)
    _add(session, shop_id, cart_id, held, variant_id, qty)
    return view_cart(session, shop_id, cart_token) if view else None


def add_to_cart(
    session: Session, shop_id: int, cart_token: str | None, variant_id: int, qty: int = 1, *, customer_id: int | None = None,
) -> tuple[str, int]:
    """加入购物车 on a product page: add_item into the cart of `cart_token`, or into a new cart (the
    shopper's with `customer_id`) when the token leads to none (none yet, or an expired one).
    Returns the cart's token and the header's count after the add (item_count's)."""
    try:
        cart_id, held = _held_lines(session, shop_id, cart_token)
    except NotFound:
        cart_token, cart_id = _new_cart(session, shop_id, customer_id=customer_id)
        held = []
    return cart_token, _units(_add(session, shop_id, cart_id, held, variant_id, qty))


def update_item(session: Session, shop_id: int, cart_token: str, variant_id: int, qty: int, *, view: bool = True) -> dict | None:
    """Set a line's quantity (1..99); use remove_item to take it out. `view` as for add_item."""
    cart_id, held = _held_lines(session, shop_id, cart_token)
    qty = _checked_qty(qty)
    line = _line(held, variant_id)
    if line is None:
        raise NotFound("cart_item_not_found")
    if qty > line.qty:  # fewer is always allowed, so a shopper can get down to what is left
        _check_sellable(line.variant, line.product)
        _check_stock(line.variant, line.product, qty)
    _set_qty(session, line, qty)
    _touch(session, cart_id, utcnow())
    return view_cart(session, shop_id, cart_token) if view else None


def remove_item(session: Session, shop_id: int, cart_token: str, variant_id: int, *, view: bool = True) -> dict | None:
    cart_id, held = _held_lines(session, shop_id, cart_token)
    line = _line(held, variant_id)
    if line is not None:
        session.execute(_DELETE_ITEM, {"item_id": line.item_id})
        loaded = session.identity_map.get(identity_key(CartItem, line.item_id))
        if loaded is not None:
            session.expunge(loaded)
        _touch(session, cart_id, utcnow())
    return view_cart(session, shop_id, cart_token) if view else None


def view_cart(session: Session, shop_id: int, cart_token: str) -> dict:
    return cart_dict(session, load_cart(session, shop_id, cart_token))


def item_count(session: Session, shop_id: int, cart_token: str) -> int:
    """The units the cart page would count (lines with a problem count for nothing), without the
    images and currency of the whole view: the storefront's header shows it on every page load."""
    return _units(_held_lines(session, shop_id, cart_token)[1])


# A checkout's statements, built once (on each call, SQLAlchemy's building them cost more CPU than their round trip).
_CART_BY_TOKEN = select(Cart).where(Cart.token_hash == bindparam("token_hash"))
# The lines with their variants and products (a variant of another shop is no variant).
_CART_LINES = (
    select(CartItem.variant_id, CartItem.qty, Variant, Product)
    .outerjoin(Variant, and_(Variant.id == CartItem.variant_id, Variant.shop_id == bindparam("shop_id")))
    .outerjoin(Product, Product.id == Variant.product_id)
    .where(CartItem.cart_id == bindparam("cart_id")).order_by(CartItem.id)
)
# The storefront's own events (the header's count on every page load, 加入购物车): one Core statement for
# the cart and what its rules read of each line (session 10: the lines' Variant and Product entities cost
# the count several times its round trip). A stock or a product's status changes without the cart
# changing, so the count is read afresh each time, never remembered.
_C, _I, _V, _P = Cart.__table__.c, CartItem.__table__.c, Variant.__table__.c, Product.__table__.c
_STOCK = (_V.id, _V.enabled, _V.stock, _V.presale_quota, _V.presale_sold,
          _P.status, _P.presale_quota.label("product_presale_quota"), _P.presale_sold.label("product_presale_sold"))
_CART_STOCK = (
    select(_C.id, _I.id, _I.variant_id, _I.qty, *_STOCK)
    .select_from(
        Cart.__table__.outerjoin(CartItem.__table__, _I.cart_id == _C.id)
        .outerjoin(Variant.__table__, and_(_V.id == _I.variant_id, _V.shop_id == _C.shop_id))
        .outerjoin(Product.__table__, _P.id == _V.product_id)
    )
    .where(_C.token_hash == bindparam("token_hash"), _C.shop_id == bindparam("shop_id")).order_by(_I.id)
)
_VARIANT_STOCK = (
    select(*_STOCK).select_from(Variant.__table__.outerjoin(Product.__table__, _P.id == _V.product_id))
    .where(_V.id == bindparam("variant_id"), _V.shop_id == bindparam("shop_id"))
)
_INSERT_ITEM = insert(CartItem.__table__)
_SET_QTY = update(CartItem.__table__).where(_I.id == bindparam("item_id")).values(qty=bindparam("new_qty"))
_DELETE_ITEM = delete(CartItem.__table__).where(_I.id == bindparam("item_id"))
_TOUCH_CART = update(Cart.__table__).where(_C.id == bindparam("cart_id")).values(updated_at=bindparam("now"))
# The cart page's: the cart, its lines with their variants and products, and the shop's currency.
_CART_WITH_LINES = (
    select(Cart, Shop.currency, CartItem.variant_id, CartItem.qty, Variant, Product)
    .join(Shop, Shop.id == Cart.shop_id)
    .outerjoin(CartItem, CartItem.cart_id == Cart.id)
    .outerjoin(Variant, and_(Variant.id == CartItem.variant_id, Variant.shop_id == Cart.shop_id))
    .outerjoin(Product, Product.id == Variant.product_id)
    .where(Cart.token_hash == bindparam("token_hash")).order_by(CartItem.id)
)
_DELETE_ITEMS = delete(CartItem.__table__).where(CartItem.__table__.c.cart_id == bindparam("cart_id"))
_DELETE_CART = delete(Cart.__table__).where(Cart.__table__.c.id == bindparam("cart_id"))


def load_cart(session: Session, shop_id: int, cart_token: str) -> Cart:
    cart = session.scalars(_CART_BY_TOKEN, {"token_hash": token_hash(cart_token or "")}).first()
    if cart is None or cart.shop_id != shop_id:
        raise NotFound("cart_not_found")
    return cart


def read_cart(session: Session, shop_id: int, cart_token: str) -> tuple[Cart, list[Line], str]:
    """load_cart, cart_lines and the shop's currency in one statement (the cart page, the checkout's quote)."""
    rows = session.execute(_CART_WITH_LINES, {"token_hash": token_hash(cart_token or "")}).all()
    if not rows or rows[0][0].shop_id != shop_id:
        raise NotFound("cart_not_found")
    lines = [Line(variant_id, qty, variant, product, _problem(variant, product, qty))
             for _, _, variant_id, qty, variant, product in rows if variant_id is not None]
    return rows[0][0], lines, rows[0][1]


def cart_lines(session: Session, cart: Cart) -> list[Line]:
    """Every line, priced from the catalogue now, in the order they were added."""
    # One statement: the lines with their variants and products (a variant of another shop is no variant).
    found = session.execute(_CART_LINES, {"shop_id": cart.shop_id, "cart_id": cart.id}).all()
    return [Line(variant_id, qty, variant, product, _problem(variant, product, qty))
            for variant_id, qty, variant, product in found]


def lines_of(session: Session, shop_id: int, wanted: list[tuple[int, int]]) -> list[Line]:
    """(variant_id, qty) bought without a cart (an activity's own order: a group buy's), as cart_lines prices them."""
    ids = [variant_id for variant_id, _ in wanted]
    found = session.exec(
        select(Variant, Product).join(Product, Product.id == Variant.product_id)
        .where(Variant.shop_id == shop_id, Variant.id.in_(ids))
    ).all() if ids else []
    by_id = {variant.id: (variant, product) for variant, product in found}
    return [Line(variant_id, qty, *by_id.get(variant_id, (None, None)), _problem(*by_id.get(variant_id, (None, None)), qty))
            for variant_id, qty in wanted]


def line_of(session: Session, shop_id: int, variant_id: int, qty: int) -> Line:
    """One line bought straight from a product page without a cart (a 秒杀 order), as a cart would price it."""
    return lines_of(session, shop_id, [(variant_id, qty)])[0]


def cart_dict(session: Session, cart: Cart, lines: list[Line] | None = None, currency: str | None = None) -> dict:
    """What the cart page shows (from `lines` and `currency` when the caller has read them). Lines with
    a problem stay visible but count for nothing."""
    lines = cart_lines(session, cart) if lines is None else lines
    images = _first_images(session, cart.shop_id, {line.product.id for line in lines if line.product})
    good = [line for line in lines if line.problem is None]
    return {
        "items": [_line_dict(line, images) for line in lines],
        "item_count": sum(line.qty for line in good),
        "subtotal": sum(line.total for line in good),
        "weight_grams": sum(line.weight_grams for line in good),
        "currency": currency or _currency(session, cart.shop_id),
        "can_checkout": bool(lines) and len(good) == len(lines),
        "needs_shipping": needs_shipping(lines),
        "updated_at": cart.updated_at,
    }


def needs_shipping(lines: list[Line]) -> bool:
    """Whether anything in the cart is delivered: a cart of virtual goods only (a gift card, a
    course) needs no address and pays no shipping. An empty cart counts as delivered."""
    return not lines or any(line.product is None or line.product.product_type != "virtual" for line in lines)


def line_problem(line: Line) -> Conflict:
    """The error that stops checkout on this line; `available` says how many are left."""
    return Conflict(line.problem or "product_unavailable", variant_id=line.variant_id, available=line.available)


def delete_cart(session: Session, cart: Cart) -> None:
    """Checkout consumes the cart: its token leads nowhere afterwards."""
    # Two DELETEs straight to the database, not the session's unit of work (checkout's hot path).
    session.execute(_DELETE_ITEMS, {"cart_id": cart.id})
    session.execute(_DELETE_CART, {"cart_id": cart.id})
    session.expunge(cart)


# Helpers ---------------------------------------------------------------------------------------

def _checked_qty(qty) -> int:
    if not isinstance(qty, int) or isinstance(qty, bool):
        raise Invalid(fields={"qty": "must_be_whole_number"})
    if not 1 <= qty <= MAX_QTY:
        raise Invalid(fields={"qty": "qty_out_of_range"})
    return qty


class _VariantStock(NamedTuple):
    """What the cart's rules read of a variant (availability.available's fields), without the entity."""

    id: int
    enabled: bool
    stock: int
    presale_quota: int | None
    presale_sold: int


class _ProductStock(NamedTuple):
    status: str
    presale_quota: int | None
    presale_sold: int


@dataclass
class _Held:
    """A cart line as add_item and item_count read it: its quantity and what can be bought of its variant now."""

    item_id: int
    variant_id: int
    qty: int
    variant: _VariantStock | None
    product: _ProductStock | None


def _held_lines(session: Session, shop_id: int, cart_token: str | None) -> tuple[int, list[_Held]]:
    """The cart's id and its lines, in one statement; NotFound as load_cart."""
    session.flush()  # a Core statement does not flush what the caller changed in the session first
    rows = session.execute(_CART_STOCK, {"token_hash": token_hash(cart_token or ""), "shop_id": shop_id}).all()
    if not rows:
        raise NotFound("cart_not_found")
    return rows[0][0], [_Held(row[1], row[2], row[3], *_stock(row[4:])) for row in rows if row[1] is not None]


def _stock(row) -> tuple[_VariantStock | None, _ProductStock | None]:
    variant_id, enabled, stock, quota, sold, status, product_quota, product_sold = row
    variant = _VariantStock(variant_id, enabled, stock, quota, sold) if variant_id is not None else None
    return variant, (_ProductStock(status, product_quota, product_sold) if status is not None else None)


def _units(held: list[_Held]) -> int:
    """The units the cart page counts: a line with a problem counts for nothing."""
    return sum(line.qty for line in held if _problem(line.variant, line.product, line.qty) is None)


def _add(session: Session, shop_id: int, cart_id: int, held: list[_Held], variant_id, qty) -> list[_Held]:
    """add_item's rules and its writes (Core statements); returns the cart's lines after the add."""
    qty = _checked_qty(qty)
    line = _line(held, variant_id)
    variant, product = (line.variant, line.product) if line else _variant_stock(session, shop_id, variant_id)
    _check_sellable(variant, product)
    wanted = qty + (line.qty if line else 0)
    if wanted > MAX_QTY:
        raise Invalid(fields={"qty": "qty_out_of_range"})
    _check_stock(variant, product, wanted)
    if line is None:
        if len(held) >= MAX_LINES:
            raise Conflict("cart_full")
        item_id = session.execute(_INSERT_ITEM.returning(_I.id), {
            "cart_id": cart_id, "shop_id": shop_id, "variant_id": variant.id, "qty": wanted, "created_at": utcnow(),
        }).scalar_one()
        held = [*held, _Held(item_id, variant.id, wanted, variant, product)]
    else:
        _set_qty(session, line, wanted)
    _touch(session, cart_id, utcnow())
    return held


def _line(held: list[_Held], variant_id) -> _Held | None:
    return next((line for line in held if line.variant_id == variant_id), None)


def _set_qty(session: Session, line: _Held, qty: int) -> None:
    session.execute(_SET_QTY, {"item_id": line.item_id, "new_qty": qty})
    _in_step(session, CartItem, line.item_id, qty=qty)
    line.qty = qty


def _variant_stock(session: Session, shop_id: int, variant_id) -> tuple[_VariantStock | None, _ProductStock | None]:
    is_id = isinstance(variant_id, int) and not isinstance(variant_id, bool)
    row = session.execute(_VARIANT_STOCK, {"variant_id": variant_id, "shop_id": shop_id}).first() if is_id else None
    return _stock(row) if row is not None else (None, None)


def _check_sellable(variant, product) -> None:
    if variant is None:
        raise Invalid(fields={"variant_id": "variant_not_found"})
    if not variant.enabled or product is None or product.status != "active":
        raise Conflict("product_unavailable", variant_id=variant.id)


def _touch(session: Session, cart_id: int, now: datetime) -> None:
    session.execute(_TOUCH_CART, {"cart_id": cart_id, "now": now})
    _in_step(session, Cart, cart_id, updated_at=now)


def _in_step(session: Session, model, row_id: int, **values) -> None:
    """A row written by a Core statement, kept in step in the session when it holds it (as the ledger does for a variant)."""
    loaded = session.identity_map.get(identity_key(model, row_id))
    if loaded is not None:
        for name, value in values.items():
            set_committed_value(loaded, name, value)


def _new_cart(session: Session, shop_id: int, email: str = "", customer_id: int | None = None) -> tuple[str, int]:
    if session.get(Shop, shop_id) is None:
        raise NotFound()
    token = new_token("cart")
    cart = Cart(shop_id=shop_id, token_hash=token_hash(token), email=(email or "").strip()[:254], customer_id=customer_id)
    session.add(cart)
    session.flush()
    return token, cart.id


def _check_stock(variant: Variant, product: Product, wanted: int) -> None:
    left = availability.available(variant, product)
    if left <= 0:
        raise Conflict("sold_out", variant_id=variant.id, available=0)
    if wanted > left:
        raise Conflict("only_n_left", available=left, variant_id=variant.id)


def _problem(variant: Variant | None, product: Product | None, qty: int) -> str | None:
    if variant is None or product is None or not variant.enabled or product.status != "active":
        return "product_unavailable"
    left = availability.available(variant, product)
    if left <= 0:
        return "sold_out"
    if qty > left:
        return "only_n_left"
    return None


def _cart_or_none(session: Session, shop_id: int, cart_token: str | None) -> Cart | None:
    try:
        return load_cart(session, shop_id, cart_token) if cart_token else None
    except NotFound:
        return None


def _merge_lines(session: Session, *, source: Cart, into: Cart) -> None:
    """Add the source cart's lines to `into`: same variant, quantities add up (to at most 99).

    Stock is not checked here: a line that cannot be bought shows its problem in the cart.
    """
    lines = {item.variant_id: item for item in session.exec(select(CartItem).where(CartItem.cart_id == into.id)).all()}
    for item in session.exec(select(CartItem).where(CartItem.cart_id == source.id).order_by(CartItem.id)).all():
        kept = lines.get(item.variant_id)
        if kept is not None:
            kept.qty = min(MAX_QTY, kept.qty + item.qty)
            session.add(kept)
        elif len(lines) < MAX_LINES:
            lines[item.variant_id] = CartItem(cart_id=into.id, shop_id=into.shop_id, variant_id=item.variant_id, qty=item.qty)
            session.add(lines[item.variant_id])
    session.flush()


def _line_dict(line: Line, images: dict[int, str]) -> dict:
    variant, product = line.variant, line.product
    presale: date | None = availability.presale_date(variant, product) if variant and product else None
    shown = {
        "variant_id": line.variant_id,
        "product_id": product.id if product else None,
        "title": product.title if product else "",
        "sku": variant.sku if variant else None,
        "option_values": variant.option_values if variant else [],
        "qty": line.qty,
        "unit_price": line.unit_price,
        "compare_at_price": variant.compare_at_price if variant else None,
        "total": line.total,
        "image_url": images.get(product.id) if product else None,
        "presale_ships_at": presale,
        "problem": line.problem,
    }
    if line.problem == "only_n_left":
        shown["available"] = line.available
    return shown


def _first_images(session: Session, shop_id: int, product_ids: set[int]) -> dict[int, str]:
    return {product_id: image_urls(image)["thumb_url"] for product_id, image in first_images(session, shop_id, product_ids).items()}


def _currency(session: Session, shop_id: int) -> str:
    return session.exec(select(Shop.currency).where(Shop.id == shop_id)).one()
