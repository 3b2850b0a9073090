"""What the owner typed into the editor's text boxes, read as the catalogue takes it: yuan, whole numbers, a pre-sale.

Each reader adds a field's message to `errors` instead of raising, so one save names every wrong cell.
"""

from __future__ import annotations

from shopapp.services.core.errors import Invalid
from shopapp.services.core.money import parse_money


def money(text: str, field: str, errors: dict[str, str]) -> int | None:
    try:
        return parse_money(text, field=field)
    except Invalid as exc:
        errors.update(exc.fields)
        return None


def whole(text: str, field: str, errors: dict[str, str]) -> int | None:
    text = (text or "0").strip()
    if not text.lstrip("-").isdigit():
        errors[field] = "must_be_whole_number"
        return None
    return int(text)


def presale(ships_at: str, quota: str, quota_field: str, errors: dict[str, str]) -> dict | None:
    """A pre-sale as the catalogue takes it: no date, no pre-sale; an empty quota sells from stock."""
    if not ships_at.strip():
        return None
    return {"ships_at": ships_at.strip(), "quota": whole(quota, quota_field, errors) if quota.strip() else None}


def count_text(units: int | None) -> str:
    return "" if units is None else str(units)
