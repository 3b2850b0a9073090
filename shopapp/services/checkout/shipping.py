"""Shipping methods, the regions they serve, and what they cost for a cart."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, select

from shopapp.models import ShippingMethod, Shop
from shopapp.models.base import utcnow
from shopapp.services.core.errors import Invalid, NotFound, require_fields
from shopapp.services.core.money import parse_money
from shopapp.services.core.permissions import Actor, require, shop_row

# The 34 province-level divisions, as addresses and shipping regions name them.
PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区",
    "新疆维吾尔自治区", "台湾省", "香港特别行政区", "澳门特别行政区",
)
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
METHOD_FIELDS = ("name", "base_fee", "per_kg_fee", "free_over", "regions", "active", "position")
MAX_FEE = 100_000_000  # ¥1,000,000 in 分
DEFAULT_METHOD = {"name": "快递", "base_fee": 1000, "per_kg_fee": 0, "free_over": 9900}


def shipping_fee(method: ShippingMethod, weight_grams: int, subtotal: int) -> int:
    """The base fee covers the first kilogram, each further kilogram begun adds per_kg_fee;
    free when the subtotal reaches free_over."""
    if method.free_over is not None and subtotal >= method.free_over:
        return 0
    extra_kg = max(0, -(-(weight_grams - 1000) // 1000))
    return method.base_fee + method.per_kg_fee * extra_kg


def serves(method: ShippingMethod, province: str | None) -> bool:
    return not method.regions or (province or "") in method.regions


def normalise_province(text: str | None) -> str | None:
    """The full name of a province written fully or shortly ("广东" -> "广东省"), or None."""
    text = (text or "").strip()
    if text in PROVINCES:
        return text
    return _SHORT_NAMES.get(text)


def list_methods(session: Session, actor: Actor) -> list[dict]:
    """Every method of the shop, inactive ones too, for the console."""
    require(actor, "manage_orders")
    return [method_dict(m) for m in _methods(session, actor.shop_id)]


def store_methods(
    session: Session, shop_id: int, *, province: str | None = None, weight_grams: int = 0, subtotal: int = 0,
) -> list[dict]:
    """The methods a shopper may choose for this province, each with its fee for the cart."""
    province = normalise_province(province) if province else None
    return [
        {**method_dict(m), "fee": shipping_fee(m, weight_grams, subtotal)}
        for m in _methods(session, shop_id) if m.active and (province is None or serves(m, province))
    ]


def method_for_checkout(
    session: Session, shop_id: int, method_id: int | None, province: str | None, errors: dict[str, str],
) -> ShippingMethod | None:
    """The chosen method (or the first one serving the province), or a field error on shipping_method_id."""
    field = "shipping_method_id"
    active = [m for m in _methods(session, shop_id) if m.active]
    if not active:
        errors[field] = "shipping_method_not_found"
        return None
    if method_id is not None:
        chosen = next((m for m in active if m.id == method_id), None)
        if chosen is None:
            errors[field] = "shipping_method_not_found"
        elif province and not serves(chosen, province):
            errors[field] = "shipping_region_not_served"
        return chosen
    chosen = next((m for m in active if serves(m, province)), None)
    if chosen is None and province:
        errors[field] = "shipping_region_not_served"
    return chosen


def create_method(session: Session, actor: Actor, data: dict) -> dict:
    require(actor, "manage_orders")
    errors: dict[str, str] = {}
    fields = _checked(data if isinstance(data, dict) else {}, errors, new=True)
    require_fields(errors)
    method = ShippingMethod(shop_id=actor.shop_id, **fields)
    session.add(method)
    session.flush()
    return method_dict(method)


def update_method(session: Session, actor: Actor, method_id: int, changes: dict) -> dict:
    """Change any subset of METHOD_FIELDS; `active: false` takes a method off the checkout."""
    require(actor, "manage_orders")
    method = shop_row(session, ShippingMethod, actor.shop_id, method_id)
    errors: dict[str, str] = {}
    fields = _checked(changes if isinstance(changes, dict) else {}, errors, new=False)
    require_fields(errors)
    for name, value in fields.items():
        setattr(method, name, value)
    method.updated_at = utcnow()
    session.add(method)
    session.flush()
    return method_dict(method)


def typed_method(form: dict[str, str], regions: list[str]) -> dict:
    """A method as the console's form types it (fees in yuan, a blank "free over" for never) as
    create_method and update_method take it (fees in 分); Invalid names every wrong amount."""
    errors: dict[str, str] = {}
    data: dict = {"name": form.get("name", ""), "regions": regions}
    for field in ("base_fee", "per_kg_fee", "free_over"):
        typed = str(form.get(field) or "").strip()
        if not typed:
            data[field] = None if field == "free_over" else 0
            continue
        try:
            data[field] = parse_money(typed, field=field)
        except Invalid as refused:
            errors.update(refused.fields)
    require_fields(errors)
    return data


def method_dict(method: ShippingMethod) -> dict:
    return {
        "id": method.id, "name": method.name, "base_fee": method.base_fee, "per_kg_fee": method.per_kg_fee,
        "free_over": method.free_over, "regions": method.regions, "active": method.active, "position": method.position,
    }


# Helpers ---------------------------------------------------------------------------------------

def _short_names() -> dict[str, str]:
    names = {}
    for province in PROVINCES:
        for suffix in _SUFFIXES:
            if province.endswith(suffix):
                names[province[: -len(suffix)]] = province
                break
    return names


_SHORT_NAMES = _short_names()


# Built once (every checkout and quote asks): built on each call, SQLAlchemy's building it cost more CPU than its round trip.
_METHODS = select(ShippingMethod).where(ShippingMethod.shop_id == bindparam("shop_id")).order_by(ShippingMethod.position, ShippingMethod.id)


def _methods(session: Session, shop_id: int) -> list[ShippingMethod]:
    """The shop's methods, giving it the default one the first time it has none."""
    methods = list(session.scalars(_METHODS, {"shop_id": shop_id}).all())
    if methods:
        return methods
    # Lock the shop row so two first visits cannot both create the default. FOR NO KEY UPDATE
    # (key_share): a plain FOR UPDATE would also block every row being written that points at
    # the shop (foreign-key checks), e.g. a stock move, and deadlock with the checkout holding it.
    if session.exec(select(Shop.id).where(Shop.id == shop_id).with_for_update(key_share=True)).first() is None:
        raise NotFound()
    methods = list(session.scalars(_METHODS, {"shop_id": shop_id}).all())
    if not methods:
        methods = [ShippingMethod(shop_id=shop_id, **DEFAULT_METHOD)]
        session.add(methods[0])
        session.flush()
    return methods


def _checked(data: dict, errors: dict[str, str], *, new: bool) -> dict:
    fields: dict = {}
    for name in data:
        if name not in METHOD_FIELDS and name != "id":
            errors[name] = "unknown_field"
    if new or "name" in data:
        name = data.get("name")
        name = name.strip() if isinstance(name, str) else name
        if not name:
            errors["name"] = "required"
        elif not isinstance(name, str):
            errors["name"] = "must_be_text"
        elif len(name) > 40:
            errors["name"] = "too_long"
        else:
            fields["name"] = name
    for name in ("base_fee", "per_kg_fee", "free_over", "position"):
        if name in data:
            value = data[name]
            if value is None and name == "free_over":
                fields[name] = None
            elif not isinstance(value, int) or isinstance(value, bool):
                errors[name] = "must_be_whole_number"
            elif value < 0:
                errors[name] = "must_not_be_negative"
            elif value > MAX_FEE:
                errors[name] = "number_too_large"
            else:
                fields[name] = value
    if "regions" in data:
        regions = data["regions"] or []
        if not isinstance(regions, list):
            errors["regions"] = "province_invalid"
        else:
            names = [normalise_province(r) if isinstance(r, str) else None for r in regions]
            if None in names:
                errors["regions"] = "province_invalid"
            else:
                fields["regions"] = list(dict.fromkeys(names))
    if "active" in data:
        if not isinstance(data["active"], bool):
            errors["active"] = "invalid"
        else:
            fields["active"] = data["active"]
    return fields
