"""The shop's loyalty settings (积分 rates and cap) and member levels (会员等级) reached by lifetime spend.

`enabled: false` pauses the whole programme: no points earned or spent, no member discount.
"""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, select

from shopapp.models import LoyaltySettings, MemberLevel
from shopapp.models.base import utcnow
from shopapp.services.core.errors import require_fields
from shopapp.services.core.permissions import Actor, require
from shopapp.services.core.validation import checked_text, checked_whole

MAX_LEVELS = 20
MAX_LEVEL_NAME = 20
MAX_POINTS_PER_YUAN = 10_000
MAX_POINTS_PER_YUAN_OFF = 1_000_000
MAX_SPENT = 10**12  # 分: ¥10 billion, far beyond any shopper
# What a shop without settings shows the owner: points off, and the usual 1 point per ¥1, 100 points = ¥1.
DEFAULTS = {"enabled": False, "points_per_yuan": 1, "points_per_yuan_off": 100, "max_points_percent": 50}


_SETTINGS = select(LoyaltySettings).where(LoyaltySettings.shop_id == bindparam("shop_id"))  # built once: every checkout asks


def settings_of(session: Session, shop_id: int) -> LoyaltySettings | None:
    return session.scalars(_SETTINGS, {"shop_id": shop_id}).first()


def active_settings(session: Session, shop_id: int) -> LoyaltySettings | None:
    """The settings when the programme is on, else None."""
    found = settings_of(session, shop_id)
    return found if found is not None and found.enabled else None


def levels_of(session: Session, shop_id: int) -> list[MemberLevel]:
    """The shop's levels from the lowest threshold up."""
    return list(session.exec(
        select(MemberLevel).where(MemberLevel.shop_id == shop_id).order_by(MemberLevel.min_spent, MemberLevel.id)
    ).all())


def level_for(levels: list[MemberLevel], lifetime_spent: int) -> MemberLevel | None:
    """The highest level whose threshold the lifetime spend reached (levels sorted by min_spent)."""
    reached = [level for level in levels if level.min_spent <= lifetime_spent]
    return reached[-1] if reached else None


def level_dict(level: MemberLevel | None) -> dict | None:
    if level is None:
        return None
    return {"id": level.id, "name": level.name, "min_spent": level.min_spent, "discount_percent": level.discount_percent}


def loyalty_dict(session: Session, shop_id: int) -> dict:
    """The settings as the API and the console show them, with the levels (lowest first)."""
    found = settings_of(session, shop_id)
    values = DEFAULTS if found is None else {name: getattr(found, name) for name in DEFAULTS}
    return {**values, "levels": [level_dict(level) for level in levels_of(session, shop_id)]}


def read_loyalty(session: Session, actor: Actor) -> dict:
    require(actor, "view_console")
    return loyalty_dict(session, actor.shop_id)


def save_loyalty(session: Session, actor: Actor, data: dict) -> dict:
    """PUT: the rates, the cap and the whole list of levels (levels keep their id when their name stays)."""
    require(actor, "manage_marketing")
    values, levels = _checked(data if isinstance(data, dict) else {})
    found = settings_of(session, actor.shop_id) or LoyaltySettings(shop_id=actor.shop_id)
    for name, value in values.items():
        setattr(found, name, value)
    found.updated_at = utcnow()
    session.add(found)
    kept = {level.name: level for level in levels_of(session, actor.shop_id)}
    for wanted in levels:
        row = kept.pop(wanted["name"], None) or MemberLevel(shop_id=actor.shop_id, name=wanted["name"])
        row.min_spent, row.discount_percent = wanted["min_spent"], wanted["discount_percent"]
        session.add(row)
    for gone in kept.values():
        session.delete(gone)
    session.flush()
    return loyalty_dict(session, actor.shop_id)


# Helpers ---------------------------------------------------------------------------------------

def _checked(data: dict) -> tuple[dict, list[dict]]:
    errors: dict[str, str] = {}
    current = {**DEFAULTS, "enabled": True}
    values = {
        "points_per_yuan": checked_whole(
            data.get("points_per_yuan", current["points_per_yuan"]), "points_per_yuan", errors, limit=MAX_POINTS_PER_YUAN,
        ),
        "points_per_yuan_off": checked_whole(
            data.get("points_per_yuan_off", current["points_per_yuan_off"]), "points_per_yuan_off", errors,
            limit=MAX_POINTS_PER_YUAN_OFF,
        ),
        "max_points_percent": _percent(data.get("max_points_percent", current["max_points_percent"]), "max_points_percent", errors),
        "enabled": data.get("enabled", True),
    }
    if values["points_per_yuan_off"] == 0:
        errors["points_per_yuan_off"] = "must_be_positive"
    if not isinstance(values["enabled"], bool):
        errors["enabled"] = "yes_or_no"
    levels = _checked_levels(data.get("levels", []), errors)
    require_fields(errors)
    return values, levels


def _checked_levels(raw, errors: dict[str, str]) -> list[dict]:
    if not isinstance(raw, list):
        errors["levels"] = "invalid"
        return []
    if len(raw) > MAX_LEVELS:
        errors["levels"] = "too_many"
        return []
    levels: list[dict] = []
    names: set[str] = set()
    thresholds: set[int] = set()
    for n, level in enumerate(raw):
        level = level if isinstance(level, dict) else {}
        name = checked_text(level.get("name"), errors, f"levels.{n}.name", limit=MAX_LEVEL_NAME, required=True)
        spent = checked_whole(level.get("min_spent", 0), f"levels.{n}.min_spent", errors, limit=MAX_SPENT)
        percent = _percent(level.get("discount_percent", 0), f"levels.{n}.discount_percent", errors)
        if name and name in names:
            errors[f"levels.{n}.name"] = "duplicate"
        if spent is not None and spent in thresholds:
            errors[f"levels.{n}.min_spent"] = "duplicate"
        names.add(name)
        thresholds.add(spent)
        levels.append({"name": name, "min_spent": spent, "discount_percent": percent})
    return levels


def _percent(value, field: str, errors: dict[str, str]) -> int | None:
    """A whole percent 0-100; more is "percent_over_100"."""
    percent = checked_whole(value, field, errors)
    if percent is not None and percent > 100:
        errors[field] = "percent_over_100"
        return None
    return percent
