"""A shop's identity and profile: name, slug, logo, currency, contact and policies."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import bindparam
from sqlmodel import Session, select

from shopapp.models import Shop
from shopapp.models.base import utcnow
from shopapp.services.catalog import media, storage, storage_use
from shopapp.services.core.errors import NotFound, require_fields
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.remembered import Remembered
from shopapp.services.core.validation import checked_email
from shopapp.services.shops import regions

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")
# Words that are, or may become, our own paths or look official to shoppers.
RESERVED_SLUGS = frozenset(
    "admin api console support login logout signup register static assets media app www mail help "
    "shop shops store s p cart checkout orders account settings billing docs status blog about "
    "shopapp root system official test".split()
)
CURRENCIES = ("CNY", "HKD", "TWD", "USD", "EUR", "JPY", "SGD")
PROFILE_FIELDS = (
    "name", "description", "logo_url", "currency", "contact_email", "contact_phone",
    "shipping_policy", "returns_policy",
)
MAX_LOW_STOCK_THRESHOLD = 100_000
SENDER_FIELDS = ("name", "phone", "province", "city", "district", "line1", "postcode")
_SENDER_LIMITS = {"name": 40, "phone": 20, "province": 20, "city": 40, "district": 40, "line1": 120, "postcode": 6}
# A mobile, a landline with its area code, or a 400 number: what Chinese carriers accept for the sender.
_SENDER_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}|[48]00-?\d{3}-?\d{4})$")
_POSTCODE = re.compile(r"^\d{6}$")
_LIMITS = {"description": 500, "logo_url": 500, "contact_phone": 30, "shipping_policy": 5000, "returns_policy": 5000}


def check_name(name: str, errors: dict[str, str], field: str = "shop_name") -> str:
    name = (name or "").strip()
    if not name:
        errors[field] = "required"
    elif len(name) > 60:
        errors[field] = "too_long"
    return name


def check_slug(slug: str, errors: dict[str, str], field: str = "shop_slug") -> str:
    slug = (slug or "").strip()
    if not slug:
        errors[field] = "required"
    elif not SLUG_PATTERN.match(slug):
        errors[field] = "slug_format"
    elif slug in RESERVED_SLUGS:
        errors[field] = "slug_reserved"
    return slug


def slug_taken(session: Session, slug: str) -> bool:
    return session.exec(select(Shop.id).where(Shop.slug == slug)).first() is not None


def get_shop(session: Session, shop_id: int) -> Shop:
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise NotFound()
    return shop


_SHOP_BY_SLUG = select(Shop).where(Shop.slug == bindparam("slug"))  # built once: every storefront request asks


def shop_by_slug(session: Session, slug: str) -> Shop:
    shop = session.scalars(_SHOP_BY_SLUG, {"slug": (slug or "").lower()}).first()
    if shop is None:
        raise NotFound("shop_not_found")
    return shop


def names_by_id(session: Session, shop_ids) -> dict[int, tuple[str, str]]:
    """{shop_id: (name, slug)} for the platform's lists (reports, payouts, invoices), in one query."""
    ids = set(shop_ids)
    if not ids:
        return {}
    return {shop_id: (name, slug) for shop_id, name, slug in session.exec(
        select(Shop.id, Shop.name, Shop.slug).where(Shop.id.in_(ids))).all()}


def update_profile(session: Session, actor: Actor, changes: dict) -> Shop:
    """Change any of PROFILE_FIELDS, low_stock_threshold and sender_address; every field is checked before anything is saved."""
    require(actor, "edit_shop")
    shop = get_shop(session, actor.shop_id)
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for field, value in changes.items():
        if field == "low_stock_threshold":
            clean[field] = _checked_threshold(value, errors)
            continue
        if field == "sender_address":
            clean[field] = checked_sender_address(value, errors)
            continue
        if field not in PROFILE_FIELDS:
            errors[field] = "unknown_field"
            continue
        value = (value or "").strip() if isinstance(value, str) or value is None else value
        if not isinstance(value, str):
            errors[field] = "must_be_text"
        elif field == "name":
            clean[field] = check_name(value, errors, "name")
        elif field == "currency":
            if value.upper() not in CURRENCIES:
                errors[field] = "currency_unsupported"
            clean[field] = value.upper()
        elif field == "contact_email":
            clean[field] = checked_email(value, errors, field) if value else ""
        elif len(value) > _LIMITS[field]:
            errors[field] = "too_long"
        else:
            clean[field] = value
    require_fields(errors)
    for field, value in clean.items():
        setattr(shop, field, value)
    _changed(shop)
    session.add(shop)
    return shop


def shop_settings(shop: Shop) -> dict:
    """What the shop's own staff see of it: the public profile and the settings behind the counter."""
    return {**shop_public(shop), "low_stock_threshold": shop.low_stock_threshold, "sender_address": dict(shop.sender_address or {})}


def mark_shared(session: Session, actor: Actor) -> Shop:
    """The owner copied the shop's link or saved its QR code: the getting-started checklist's last step.
    Only the first time is kept."""
    require(actor, "view_console")
    shop = get_shop(session, actor.shop_id)
    if shop.shared_at is None:
        shop.shared_at = utcnow()
        session.add(shop)
    return shop


def has_sender_address(shop: Shop) -> bool:
    """Whether labels can be printed: a shipping label without the sender's address is refused by carriers."""
    return bool((shop.sender_address or {}).get("line1"))


def checked_sender_address(raw, errors: dict[str, str]) -> dict:
    """The address parcels are sent from: who, a phone carriers accept, 省/市/区, the street; the postcode is optional.
    Field errors are named `sender_address.<field>`."""
    raw = raw if isinstance(raw, dict) else {}
    address: dict[str, str] = {}
    for field in SENDER_FIELDS:
        value = raw.get(field)
        value = value.strip() if isinstance(value, str) else "" if value is None else value
        name = f"sender_address.{field}"
        if not isinstance(value, str):
            errors[name] = "must_be_text"
            value = ""
        elif not value and field != "postcode":
            errors[name] = "required"
        elif len(value) > _SENDER_LIMITS[field]:
            errors[name] = "too_long"
        address[field] = value
    address["phone"] = re.sub(r"\s", "", address["phone"]).removeprefix("+86")
    if address["phone"] and "sender_address.phone" not in errors and not _SENDER_PHONE.match(address["phone"]):
        errors["sender_address.phone"] = "sender_phone_invalid"
    if address["province"] and address["province"] not in regions.provinces():
        errors["sender_address.province"] = "province_invalid"
    if address["postcode"] and not _POSTCODE.match(address["postcode"]):
        errors["sender_address.postcode"] = "postcode_invalid"
    return address


def _checked_threshold(value, errors: dict[str, str]) -> int | None:
    """A whole number of units from 0 up, typed ("10") or sent as a number."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        errors["low_stock_threshold"] = "must_be_whole_number"
    elif value > MAX_LOW_STOCK_THRESHOLD:
        errors["low_stock_threshold"] = "number_too_large"
    else:
        return value
    return None


PUBLIC_FIELDS = ("id", "slug", "name", "description", "logo_url", "currency", "contact_email", "contact_phone",
                 "shipping_policy", "returns_policy")


def shop_public(shop: Shop) -> dict:
    """What anyone may see of a shop."""
    return {name: getattr(shop, name) for name in PUBLIC_FIELDS}


# Every storefront event asks for its shop: remembered a second per worker (another worker's change is
# seen a second later at most; this process's own changes forget it at once, `_changed`).
_public = Remembered[str, dict](1.0)


def public_shop_by_slug(session: Session, slug: str) -> dict:
    """shop_public of the shop at this address, reading only those columns: every storefront page
    load asks, and a whole Shop row (some 40 columns into an ORM object) cost more than the page's
    own product did. A copy each time: one caller's changes never reach another's."""
    key = (slug or "").lower()
    found = _public.get(key)
    if found is None:
        row = session.exec(select(*(getattr(Shop, name) for name in PUBLIC_FIELDS)).where(Shop.slug == key)).first()
        if row is None:
            raise NotFound("shop_not_found")
        found = dict(zip(PUBLIC_FIELDS, row))
        _public.put(key, found)
    return dict(found)


def forget_public() -> None:
    """Forget every shop's remembered public fields (the tests' next "tea-house" is another shop)."""
    _public.forget()


def _changed(shop: Shop) -> None:
    """A shop's public fields changed: forget what this process remembered of them."""
    shop.updated_at = utcnow()
    _public.forget()


def set_logo(session: Session, actor: Actor, data: bytes) -> Shop:
    """An uploaded logo, checked and re-encoded like every image, kept as a small square-ish WebP."""
    require(actor, "edit_shop")
    processed = media.process_image(data)  # before any query: image work never holds the write lock
    width = min(processed.renditions)  # the smallest rendition (160 px, or less for a tiny logo) is plenty
    key = f"shops/{actor.shop_id}/logo/{uuid.uuid4().hex}/{width}.webp"
    storage_use.make_room(session, actor.shop_id, len(processed.renditions[width]))
    storage.put(key, processed.renditions[width], "image/webp")
    storage_use.record(session, actor.shop_id, key, "logo", len(processed.renditions[width]))
    shop = get_shop(session, actor.shop_id)
    shop.logo_url = storage.url(key)
    _changed(shop)
    session.add(shop)
    return shop
