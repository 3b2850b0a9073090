"""The console's coupon form as create_coupon takes it, and the one-time codes as a CSV file.

The form types money in yuan and times on the shop's clock (a datetime-local field); the service
takes 分 and ISO 8601 times with their zone. Every typo is named at once, as create_coupon does.
"""

from __future__ import annotations

import io

from sqlmodel import Session

from shopapp.services.core.errors import Invalid
from shopapp.services.core.money import parse_money
from shopapp.services.core.permissions import Actor
from shopapp.services.core.spreadsheet import SafeWriter
from shopapp.services.core.validation import checked_shop_moment, typed_ids
from shopapp.services.marketing import coupons

MONEY_FIELDS = ("amount_off", "max_off", "min_amount")
WHOLE_FIELDS = ("percent_off", "valid_days", "total_quantity", "per_customer_limit")
TEXT_FIELDS = ("name", "kind", "code")


def create_from_form(session: Session, actor: Actor, form: dict[str, str]) -> dict:
    """The console's new coupon: what the form could not read and what create_coupon refuses, named together."""
    errors: dict[str, str] = {}
    return coupons.create_coupon(session, actor, typed_coupon(form, errors, actor.shop_id), errors)


def typed_coupon(form: dict[str, str], errors: dict[str, str], shop_id: int | None = None) -> dict:
    """A coupon as the console's form types it; every unreadable amount or time is named in `errors`
    and left out, so create_coupon checks the rest."""
    data: dict = {field: str(form.get(field) or "").strip() for field in TEXT_FIELDS}
    for field in MONEY_FIELDS:
        typed = str(form.get(field) or "").strip()
        if typed:
            try:
                data[field] = parse_money(typed, field=field)
            except Invalid as refused:
                errors.update(refused.fields)  # these win over create_coupon's "required" for the field
    for field in WHOLE_FIELDS:
        typed = str(form.get(field) or "").strip()
        if typed:
            data[field] = typed  # create_coupon reads whole numbers written as text
    if str(form.get("dates") or "fixed") == "fixed":
        for field in ("starts_at", "ends_at"):
            data[field] = checked_shop_moment(form.get(field), field, errors, shop_id)
        data.pop("valid_days", None)
    for field in ("product_ids", "category_ids"):
        data[field] = typed_ids(form.get(field, ""), field, errors)
    data["claimable"] = bool(form.get("claimable"))
    data["combines_with_promotions"] = bool(form.get("combines_with_promotions"))
    return data


def codes_csv(codes: list[dict]) -> str:
    """The one-time codes as a CSV file Excel opens (with a BOM): code, used."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = SafeWriter(out)
    writer.writerow(["code", "used"])
    for row in codes:
        writer.writerow([row["code"], "yes" if row["used"] else "no"])
    return out.getvalue()

