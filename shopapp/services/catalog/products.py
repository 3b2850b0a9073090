"""Products and their variants: create, edit, delete, with every field checked; lists go through search."""

from __future__ import annotations

import itertools
import math
from datetime import date

import nh3
from sqlalchemy import delete, func
from sqlmodel import Session, select

from shopapp.models import Category, Product, ProductCategory, Variant
from shopapp.models.base import utcnow
from shopapp.services.catalog import search
from shopapp.services.catalog.categories import categories_exist
from shopapp.services.catalog.media import forget_product_images
from shopapp.services.catalog.views import PRODUCT_TYPES, STATUSES, get_product, variant_values, variants_of
from shopapp.services.core import plan_limits
from shopapp.services.core.clock import shop_today
from shopapp.services.core.errors import Invalid, require_fields
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.validation import checked_text
from shopapp.services.inventory import availability, ledger

MAX_OPTIONS = 3
MAX_VARIANTS = 100
MAX_TAGS = 30
# ¥10,000,000 in 分: far above any real price, far below PostgreSQL INTEGER's limit.
MAX_AMOUNT = 1_000_000_000

PRODUCT_FIELDS = (
    "title", "description_html", "status", "product_type", "options", "variants", "category_ids",
    "tags", "seo_title", "seo_description", "presale",
)
VARIANT_FIELDS = (
    "id", "sku", "option_values", "price", "compare_at_price", "cost", "stock", "weight_grams",
    "barcode", "enabled", "presale",
)
# What GET answers but nobody sets: ignored, so a product read can be sent back as a PATCH.
_READ_ONLY = frozenset({"id", "images", "rating", "created_at", "updated_at"})  # rating: kept by reviews
_VARIANT_READ_ONLY = frozenset({"available", "sells_from", "presale_ships_at"})
_PRESALE_KEYS = frozenset({"ships_at", "quota", "sold"})  # sold is read-only
# Pre-sale dates are the shop's days, in China time.
QUOTA_REASON = "pre-sale quota"
_UNCHANGED = object()  # a field the edit leaves as it is
_TEXT_LIMITS = {"title": 120, "description_html": 100_000, "seo_title": 120, "seo_description": 300}


# Products ------------------------------------------------------------------------------------


def create_product(session: Session, actor: Actor, data: dict, *, stock_reason: str | None = None) -> Product:
    """A new product with its variants; every field is checked before anything is saved.

    Options without variants make the full grid of variants; no options make one variant.
    `stock_reason` names the stock moves in the ledger (default "initial stock").
    """
    require(actor, "manage_catalog")
    errors: dict[str, str] = {}
    # The title is the one field a new product must have, so it is checked even when absent.
    fields = _checked_fields(session, actor.shop_id, {"title": None, **_as_dict(data)}, errors)
    options = fields.get("options", [])
    if "variants" in data:
        specs = _checked_variants(session, actor.shop_id, data["variants"], _usable(options, errors), [], errors)
    else:
        specs = _grid(options, [], errors)
    require_fields(errors)
    plan_limits.check_room(session, actor.shop_id, "products", lambda s: product_count(s, actor.shop_id))
    product = Product(shop_id=actor.shop_id)
    _save(session, actor, product, fields, specs, stock_reason, current=[])
    search.index_product(session, product.id)
    return product


def create_products(
    session: Session, actor: Actor, items: list[dict], *, stock_reason: str | None = None,
) -> list[dict[str, str]]:
    """Many new products at once (the CSV import): each item is checked exactly as create_product
    checks it, and all are saved, in bulk, only when none has a problem. Returns each item's field errors."""
    require(actor, "manage_catalog")
    shop_categories = set(session.exec(select(Category.id).where(Category.shop_id == actor.shop_id)).all())
    checked: list[tuple[dict, list[dict]]] = []
    problems: list[dict[str, str]] = []
    for data in items:
        errors: dict[str, str] = {}
        fields = _checked_fields(session, actor.shop_id, {"title": None, **_as_dict(data)}, errors, shop_categories)
        options = fields.get("options", [])
        if "variants" in data:
            specs = _checked_variants(
                session, actor.shop_id, data["variants"], _usable(options, errors), [], errors, check_skus=False,
            )
        else:
            specs = _grid(options, [], errors)
        checked.append((fields, specs))
        problems.append(errors)
    _check_batch_skus(session, actor.shop_id, [specs for _, specs in checked], problems)
    if not any(problems):
        plan_limits.check_room(session, actor.shop_id, "products", lambda s: product_count(s, actor.shop_id), len(checked))
        _save_new(session, actor, checked, stock_reason or "initial stock")
    return problems


def product_count(session: Session, shop_id: int) -> int:
    """Every product the shop keeps (drafts and archived ones too): what the plan's product limit counts."""
    return session.exec(select(func.count()).select_from(Product).where(Product.shop_id == shop_id)).one()


def update_product(
    session: Session, actor: Actor, product_id: int, changes: dict, *, stock_reason: str | None = None,
    reindex: bool = True,
) -> Product:
    """Change any subset of fields. A `variants` list is the whole new list: entries with an
    `id` update that variant, entries without one are new, variants left out are deleted.
    New options without `variants` keep the variants that still fit and add the missing ones.
    `stock_reason` names the stock moves in the ledger (default "product edit"); `reindex=False`
    when the caller updates many products and then calls search.index_products once for them all."""
    require(actor, "manage_catalog")
    product = get_product(session, actor.shop_id, product_id)
    errors: dict[str, str] = {}
    fields = _checked_fields(session, actor.shop_id, _as_dict(changes), errors, current=product)
    options = fields.get("options", product.options)
    current = variants_of(session, product)
    specs = None
    if "variants" in changes:
        specs = _checked_variants(
            session, actor.shop_id, changes["variants"], _usable(options, errors), current, errors, product.id,
        )
    elif "options" in fields and fields["options"] != product.options:
        specs = _grid(options, current, errors)
    require_fields(errors)
    ledger.lock_variants(session, product.shop_id, product.id)
    _save(session, actor, product, fields, specs, stock_reason, current=current)
    if reindex:
        search.index_product(session, product.id)
    return product


def delete_product(session: Session, actor: Actor, product_id: int) -> None:
    """Remove the product, its variants, their stock ledger, its images and category links."""
    require(actor, "manage_catalog")
    product = get_product(session, actor.shop_id, product_id)
    variant_ids = [v.id for v in variants_of(session, product)]
    ledger.forget_variants(session, actor.shop_id, variant_ids, product_id=product.id)
    forget_product_images(session, actor.shop_id, product.id)
    for table in (ProductCategory, Variant):
        session.exec(delete(table).where(table.shop_id == actor.shop_id, table.product_id == product.id))
    session.delete(product)
    session.flush()
    search.index_product(session, product.id)


def list_products(
    session: Session, shop_id: int, *, q: str | None = None, status: str | None = None,
    category_id: int | None = None, page: int = 1, per_page: int = 50, active_only: bool = False,
    price_min: int | None = None, price_max: int | None = None, in_stock: bool | None = None,
    sort: str = "relevance",
) -> tuple[list[dict], int]:
    """One page of product summaries and how many match in all: the console, the storefront and
    the API all list through services/search.py (its search_products says what each filter does)."""
    return search.search_products(
        session, shop_id, q=q, status=status, active_only=active_only, category_id=category_id,
        price_min=price_min, price_max=price_max, in_stock=in_stock, sort=sort, page=page, per_page=per_page,
    )


# Checking input ------------------------------------------------------------------------------


def _checked_fields(
    session: Session, shop_id: int, data: dict, errors: dict[str, str], shop_categories: set[int] | None = None,
    *, current: Product | None = None,
) -> dict:
    """The product's own fields (not its variants), cleaned; problems go to `errors`.
    `shop_categories`: all the shop's category ids, when the caller has read them already;
    `current`: the product being changed (None for a new one)."""
    clean: dict = {}
    for field, value in data.items():
        if field in _READ_ONLY or field == "variants":
            continue
        if field not in PRODUCT_FIELDS:
            errors[field] = "unknown_field"
        elif field in _TEXT_LIMITS:
            clean[field] = _text(value, errors, field, _TEXT_LIMITS[field], required=field == "title")
        elif field == "status":
            clean[field] = _choice(value, STATUSES, errors, field, "status_invalid")
        elif field == "product_type":
            clean[field] = _choice(value, PRODUCT_TYPES, errors, field, "product_type_invalid")
        elif field == "options":
            clean[field] = _checked_options(value, errors)
        elif field == "tags":
            clean[field] = _checked_tags(value, errors)
        elif field == "category_ids":
            clean[field] = _checked_category_ids(session, shop_id, value, errors, shop_categories)
        elif field == "presale":
            clean["presale"] = _checked_presale(
                value, errors, "presale", current.presale_ships_at if current else None,
                current.presale_sold if current else 0,
            )
    if "description_html" in clean:
        clean["description_html"] = _clean_html(clean["description_html"])
    return clean


def _clean_html(html: str) -> str:
    """Shop owners paste descriptions from anywhere: keep the formatting, drop scripts,
    styles, event handlers and javascript: links (nh3 is the Ammonia sanitiser)."""
    return nh3.clean(html) if html else ""


def _checked_options(raw, errors: dict[str, str]) -> list[dict]:
    if not isinstance(raw, list):
        errors["options"] = "invalid"
        return []
    if len(raw) > MAX_OPTIONS:
        errors["options"] = "too_many_options"
        return []
    options, names = [], set()
    for i, option in enumerate(raw):
        if not isinstance(option, dict):
            errors[f"options.{i}"] = "invalid"
            continue
        name = _text(option.get("name"), errors, f"options.{i}.name", 30, required=True)
        if name and name in names:
            errors[f"options.{i}.name"] = "option_name_duplicate"
        names.add(name)
        values = _checked_option_values(option.get("values"), errors, f"options.{i}.values")
        options.append({"name": name, "values": values})
    return options


def _checked_option_values(raw, errors: dict[str, str], field: str) -> list[str]:
    if not isinstance(raw, list) or not raw:
        errors[field] = "required"
        return []
    if len(raw) > MAX_VARIANTS:
        errors[field] = "too_many_values"
        return []
    values: list[str] = []
    for j, value in enumerate(raw):
        value = _text(value, errors, f"{field}.{j}", 60, required=True)
        if value and value in values:
            errors[f"{field}.{j}"] = "option_value_duplicate"
        values.append(value)
    return values


def _usable(options: list[dict], errors: dict[str, str]) -> list[dict] | None:
    """The options to match variants against, or None when they are wrong themselves
    (matching against wrong options would only add noise to the form)."""
    return None if any(key.startswith("options") for key in errors) else options


def _grid(options: list[dict], current: list[Variant], errors: dict[str, str]) -> list[dict]:
    """One variant for every combination of option values; existing variants that fit are kept."""
    if math.prod(len(option["values"]) for option in options) > MAX_VARIANTS:
        errors["options"] = "too_many_variants"
        return []
    combos = list(itertools.product(*(option["values"] for option in options)))
    kept = {tuple(v.option_values): v.id for v in current}
    if len(current) == 1 and not current[0].option_values:
        # A product's first option turns its one plain variant into the first combination,
        # so its SKU and stock stay.
        kept = {combos[0]: current[0].id}
    # New combinations start at the product's lowest price, so the shop's price range stays the same.
    price = min((v.price for v in current), default=0)
    return [
        {"id": kept[combo], "option_values": list(combo)} if combo in kept
        else {"option_values": list(combo), "price": price}
        for combo in combos
    ]


def _checked_variants(
    session: Session, shop_id: int, raw, options: list[dict] | None, current: list[Variant],
    errors: dict[str, str], product_id: int | None = None, *, check_skus: bool = True,
) -> list[dict]:
    """The variants, checked; `check_skus=False` when the caller checks the shop's SKUs itself, for many products at once."""
    if not isinstance(raw, list) or not raw:
        errors["variants"] = "required"
        return []
    if len(raw) > MAX_VARIANTS:
        errors["variants"] = "too_many_variants"
        return []
    by_id = {v.id: v for v in current}
    specs, skus, combos = [], {}, set()
    for i, item in enumerate(raw):
        spec = _checked_variant(item, by_id, options, errors, f"variants.{i}")
        if spec is None:
            continue
        if spec["sku"] in skus:
            errors[f"variants.{i}.sku"] = "sku_duplicate"
        elif spec["sku"]:
            skus[spec["sku"]] = i
        if tuple(spec["option_values"]) in combos:
            errors[f"variants.{i}.option_values"] = "variant_duplicate"
        combos.add(tuple(spec["option_values"]))
        specs.append(spec)
    if check_skus:
        # A SKU one of the product's own variants already carries cannot be another product's.
        owned = {v.sku for v in current}
        _check_skus_free(session, shop_id, {sku: i for sku, i in skus.items() if sku not in owned}, product_id, errors)
    return specs


def _checked_variant(
    item, by_id: dict[int, Variant], options: list[dict] | None, errors: dict[str, str], prefix: str,
) -> dict | None:
    """One variant entry, merged over the variant it updates (if any) and checked whole."""
    if not isinstance(item, dict):
        errors[prefix] = "invalid"
        return None
    for field in item.keys() - set(VARIANT_FIELDS) - _VARIANT_READ_ONLY:
        errors[f"{prefix}.{field}"] = "unknown_field"
    variant_id = item.get("id")
    existing = by_id.get(variant_id) if isinstance(variant_id, int) else None
    if variant_id is not None and existing is None:
        errors[f"{prefix}.id"] = "variant_not_found"
        return None
    values = {**(variant_values(existing) if existing else {"stock": 0}), **item}

    def number(field: str, *, required=False, negative="must_not_be_negative", too_large="number_too_large"):
        return _whole(
            values.get(field), errors, f"{prefix}.{field}", required=required, negative=negative, too_large=too_large,
        )

    spec = {
        "sku": _text(values.get("sku"), errors, f"{prefix}.sku", 64) or None,
        "option_values": _checked_option_choice(
            values.get("option_values", []), options, errors, f"{prefix}.option_values",
        ),
        "price": number("price", required=True, negative="price_negative"),
        "compare_at_price": number("compare_at_price", negative="price_negative"),
        "cost": number("cost"),
        "weight_grams": number("weight_grams"),
        "barcode": _text(values.get("barcode"), errors, f"{prefix}.barcode", 64),
        "enabled": values.get("enabled", True),
        "presale": _checked_presale(
            values.get("presale"), errors, f"{prefix}.presale", existing.presale_ships_at if existing else None,
            existing.presale_sold if existing else 0,
        ),
    }
    if not isinstance(spec["enabled"], bool):
        errors[f"{prefix}.enabled"] = "invalid"
    if spec["compare_at_price"] is not None and spec["price"] is not None and spec["compare_at_price"] < spec["price"]:
        errors.setdefault(f"{prefix}.compare_at_price", "compare_at_price_below_price")
    # Stock is only written when asked: re-writing a value read earlier could undo a sale made since.
    if existing is None or "stock" in item:
        spec["stock"] = number("stock", required=True, negative="stock_negative", too_large="stock_too_large")
    if existing is not None:
        spec["id"] = existing.id
    return spec


def _checked_option_choice(raw, options: list[dict] | None, errors: dict[str, str], field: str) -> list[str]:
    """A variant's option values: one value of each option, in the options' order."""
    if not isinstance(raw, list) or not all(isinstance(value, str) for value in raw):
        errors[field] = "option_values_mismatch"
        return []
    chosen = [value.strip() for value in raw]
    if options is not None and (
        len(chosen) != len(options) or any(value not in option["values"] for value, option in zip(chosen, options))
    ):
        errors[field] = "option_values_mismatch"
    return chosen


def _check_batch_skus(
    session: Session, shop_id: int, batch: list[list[dict]], problems: list[dict[str, str]],
) -> None:
    """A SKU names one variant in the whole shop: none of the batch's may be taken, or used twice in it."""
    wanted = [spec["sku"] for specs in batch for spec in specs if spec.get("sku")]
    taken: set[str] = set()
    for start in range(0, len(wanted), 1000):
        taken.update(session.exec(
            select(Variant.sku).where(Variant.shop_id == shop_id, Variant.sku.in_(wanted[start:start + 1000]))
        ).all())
    seen: set[str] = set()
    for specs, errors in zip(batch, problems):
        for i, spec in enumerate(specs):
            sku = spec.get("sku")
            if sku and (sku in taken or sku in seen):
                errors.setdefault(f"variants.{i}.sku", "sku_taken")
        seen.update(spec["sku"] for spec in specs if spec.get("sku"))


def _check_skus_free(
    session: Session, shop_id: int, skus: dict[str, int], product_id: int | None, errors: dict[str, str],
) -> None:
    """A SKU names one variant in the whole shop (another shop may use the same one)."""
    if not skus:
        return
    query = select(Variant.sku).where(Variant.shop_id == shop_id, Variant.sku.in_(list(skus)))
    if product_id is not None:
        query = query.where(Variant.product_id != product_id)
    for sku in session.exec(query).all():
        errors.setdefault(f"variants.{skus[sku]}.sku", "sku_taken")


def _checked_tags(raw, errors: dict[str, str]) -> list[str]:
    if not isinstance(raw, list):
        errors["tags"] = "invalid"
        return []
    tags: list[str] = []
    for i, tag in enumerate(raw):
        tag = _text(tag, errors, f"tags.{i}", 30)
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        errors["tags"] = "too_many_tags"
    return tags


def _checked_category_ids(
    session: Session, shop_id: int, raw, errors: dict[str, str], shop_categories: set[int] | None,
) -> list[int]:
    if not isinstance(raw, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in raw):
        errors["category_ids"] = "invalid"
        return []
    ids = sorted(set(raw))
    if shop_categories is not None:
        found = shop_categories.issuperset(ids)
    else:
        found = categories_exist(session, shop_id, ids)
    if not found:
        errors["category_ids"] = "category_not_found"
    return ids


def _checked_presale(
    raw, errors: dict[str, str], field: str, current_date: date | None, sold: int,
) -> tuple[date | None, int | None] | None:
    """A pre-sale {ships_at, quota?} as (date, quota), or None for none. A new date must not be
    in the past (the one already set may be: the shop is shipping it); the quota is a whole number
    of units, never below those already sold on it."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        errors[field] = "invalid"
        return None
    for key in raw.keys() - _PRESALE_KEYS:
        errors[f"{field}.{key}"] = "unknown_field"
    ships_at = None
    try:
        ships_at = date.fromisoformat(raw.get("ships_at"))
    except (TypeError, ValueError):
        errors[f"{field}.ships_at"] = "date_invalid"
    if ships_at and ships_at != current_date and ships_at < shop_today():
        errors[f"{field}.ships_at"] = "date_in_past"
    quota = raw.get("quota")
    if quota is not None:
        _whole(
            quota, errors, f"{field}.quota", required=False, negative="must_not_be_negative", too_large="number_too_large",
        )
        if f"{field}.quota" not in errors and quota < sold:
            errors[f"{field}.quota"] = "presale_quota_below_sold"
    return ships_at, quota


def _text(value, errors: dict[str, str], field: str, limit: int, *, required: bool = False) -> str:
    return checked_text(value, errors, field, limit=limit, required=required)


def _whole(value, errors: dict[str, str], field: str, *, required: bool, negative: str, too_large: str) -> int | None:
    """A whole number of 分, grams or units; None when absent and allowed to be."""
    if value is None:
        if required:
            errors[field] = "required"
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        errors[field] = "must_be_whole_number"
        return None
    if value < 0:
        errors[field] = negative
    elif value > MAX_AMOUNT:
        errors[field] = too_large
    return value


def _choice(value, allowed: tuple[str, ...], errors: dict[str, str], field: str, code: str) -> str:
    if value not in allowed:
        errors[field] = code
    return value


def _as_dict(data) -> dict:
    if not isinstance(data, dict):
        raise Invalid(fields={"product": "invalid"})
    return data


# Saving --------------------------------------------------------------------------------------


def _save(
    session: Session, actor: Actor, product: Product, fields: dict, specs: list[dict] | None, stock_reason: str | None,
    *, current: list[Variant],
) -> None:
    category_ids = fields.pop("category_ids", None)
    presale = fields.pop("presale", _UNCHANGED)
    for field, value in fields.items():
        setattr(product, field, value)
    if presale is not _UNCHANGED:
        product.presale_ships_at = presale[0] if presale else None
    product.updated_at = utcnow()
    session.add(product)
    session.flush()
    quota = presale and presale[1] if presale is not _UNCHANGED else None
    if presale is not _UNCHANGED and _quota_changes(product, quota):
        ledger.set_presale_quota(session, actor.label, product.shop_id, product.id, quota, QUOTA_REASON)
    if category_ids is not None:
        session.exec(delete(ProductCategory).where(
            ProductCategory.shop_id == product.shop_id, ProductCategory.product_id == product.id,
        ))
        session.add_all(
            ProductCategory(shop_id=product.shop_id, product_id=product.id, category_id=c) for c in category_ids
        )
    if specs is not None:
        _save_variants(session, actor.label, product, specs, stock_reason, current)
    session.flush()
    availability.refresh_products(session, product.shop_id, [product.id])


def _save_new(session: Session, actor: Actor, checked: list[tuple[dict, list[dict]]], stock_reason: str) -> None:
    """create_products' writing: a few statements for all products, instead of a dozen for each."""
    products = [
        Product(
            shop_id=actor.shop_id, presale_ships_at=(fields.get("presale") or (None,))[0],
            **{k: v for k, v in fields.items() if k not in ("category_ids", "presale")},
        )
        for fields, _ in checked
    ]
    session.add_all(products)
    session.flush()
    rows: list = []
    stock: list[int] = []
    quotas: list[tuple[Product, Variant | None, int]] = []  # pre-sale quotas, set once the rows exist
    for product, (fields, specs) in zip(products, checked):
        if (fields.get("presale") or (None, None))[1] is not None:
            quotas.append((product, None, fields["presale"][1]))
        rows += [
            ProductCategory(shop_id=actor.shop_id, product_id=product.id, category_id=c)
            for c in fields.get("category_ids", [])
        ]
        for position, spec in enumerate(specs):
            # Values left out (None) take the column's default, as in create_product.
            values = {k: v for k, v in spec.items() if k not in ("stock", "presale") and v is not None}
            presale = spec.get("presale") or (None, None)
            variant = Variant(
                shop_id=actor.shop_id, product_id=product.id, position=position, presale_ships_at=presale[0], **values,
            )
            rows.append(variant)
            stock.append(spec.get("stock") or 0)
            if presale[1] is not None:
                quotas.append((product, variant, presale[1]))
    session.add_all(rows)
    session.flush()
    variants = [row for row in rows if isinstance(row, Variant)]
    ledger.stock_new_variants(
        session, actor.label, actor.shop_id, {v.id: units for v, units in zip(variants, stock)}, stock_reason,
    )
    for product, variant, quota in quotas:
        ledger.set_presale_quota(
            session, actor.label, actor.shop_id, product.id, quota, QUOTA_REASON, variant_id=variant and variant.id,
        )
    availability.refresh_products(session, actor.shop_id, [product.id for product in products])
    search.index_products(session, actor.shop_id, [product.id for product in products])
    session.flush()


def _save_variants(
    session: Session, actor_label: str, product: Product, specs: list[dict], stock_reason: str | None,
    variants: list[Variant],
) -> None:
    current = {v.id: v for v in variants}
    kept = {spec["id"] for spec in specs if "id" in spec}
    removed = [variant_id for variant_id in current if variant_id not in kept]
    ledger.forget_variants(session, product.shop_id, removed)
    for variant_id in removed:
        session.delete(current[variant_id])
    # Two variants may swap SKUs in one edit; clearing the changed ones first keeps the
    # shop-wide unique SKU index from seeing a duplicate half-way through.
    for spec in specs:
        if "id" in spec and "sku" in spec and spec["sku"] != current[spec["id"]].sku:
            current[spec["id"]].sku = None
    session.flush()

    stock_moves = []
    quotas = []
    for position, spec in enumerate(specs):
        spec = dict(spec)
        stock = spec.pop("stock", None)
        presale = spec.pop("presale", _UNCHANGED)
        variant = current.get(spec.pop("id", None)) or Variant(shop_id=product.shop_id, product_id=product.id)
        stock_moves.append((variant, stock, stock_reason or ("product edit" if variant.id else "initial stock")))
        for field, value in spec.items():
            setattr(variant, field, value)
        if presale is not _UNCHANGED:
            variant.presale_ships_at = presale[0] if presale else None
            quotas.append((variant, presale and presale[1], position))
        variant.position = position
        session.add(variant)
    session.flush()
    for variant, stock, reason in stock_moves:
        if stock is not None:
            ledger.set_stock(session, actor_label, product.shop_id, variant.id, stock, reason)
    for variant, quota, position in quotas:
        if not _quota_changes(variant, quota):
            continue
        ledger.set_presale_quota(
            session, actor_label, product.shop_id, product.id, quota, QUOTA_REASON, variant_id=variant.id,
            field=f"variants.{position}.presale.quota",
        )


# Reading -------------------------------------------------------------------------------------


def _quota_changes(row: Product | Variant, quota: int | None) -> bool:
    """Whether setting this quota changes anything (ending a pre-sale also clears its count)."""
    return quota != row.presale_quota or (quota is None and row.presale_sold != 0)


def plan_variant_grid(raw_options: list[dict], current: list[dict]) -> list[dict]:
    """The variant grid the product editor shows for these options, before anything is saved.

    Rows that still fit keep their values (price, SKU, stock ...); new combinations start at the
    lowest current price. Raises Invalid for bad options or a grid over MAX_VARIANTS.
    """
    errors: dict[str, str] = {}
    options = _checked_options(raw_options, errors)
    require_fields(errors)
    if math.prod(len(option["values"]) for option in options) > MAX_VARIANTS:
        raise Invalid(fields={"options": "too_many_variants"})
    combos = list(itertools.product(*(option["values"] for option in options)))
    rows = {tuple(row.get("option_values") or ()): row for row in current}
    if len(current) == 1 and not current[0].get("option_values"):
        rows = {combos[0]: current[0]}  # the first option turns the plain variant into the first combination
    price = min((row.get("price") or 0 for row in current), default=0)
    return [
        {**rows[combo], "option_values": list(combo)} if combo in rows
        else {"option_values": list(combo), "price": price, "stock": 0, "enabled": True}
        for combo in combos
    ]
