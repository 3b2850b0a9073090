"""Who may do what in a shop: roles, the acting person or key, and the one check every service calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import Session

from shopapp.services.core.errors import Forbidden, NotFound, ShopSuspended

Row = TypeVar("Row")

ROLES = ("owner", "admin", "operations", "support")
_RANK = {"support": 1, "operations": 2, "admin": 3, "owner": 4}

# The least role each action needs. One table, so a newcomer sees the whole policy at once.
ACTIONS = {
    "view_console": "support",
    "answer_customers": "support",
    "manage_catalog": "operations",
    "view_orders": "support",
    "manage_orders": "operations",
    "view_reports": "operations",
    "manage_marketing": "operations",
    "moderate_reviews": "operations",
    "edit_shop": "admin",
    "manage_staff": "admin",
    "manage_api_keys": "admin",
}
# What a suspended shop may still do: look (its console is read-only while the operator's suspension holds).
READ_ACTIONS = frozenset({"view_console", "view_orders", "view_reports"})


@dataclass(frozen=True)
class Actor:
    """The person or API key a service acts for, always inside one shop."""

    shop_id: int
    role: str
    user_id: int | None = None
    api_key_id: int | None = None
    suspended: bool = False  # the operator has suspended the shop: every action but READ_ACTIONS is refused

    @property
    def label(self) -> str:
        return f"user:{self.user_id}" if self.user_id else f"api_key:{self.api_key_id}"



def role_at_least(role: str, least: str) -> bool:
    return _RANK.get(role, 0) >= _RANK[least]


def can(actor: Actor, action: str) -> bool:
    return _RANK.get(actor.role, 0) >= _RANK[ACTIONS[action]]


def require(actor: Actor, action: str) -> None:
    if actor.suspended and action not in READ_ACTIONS:
        raise ShopSuspended()
    if not can(actor, action):
        raise Forbidden("role_not_allowed", role=actor.role, action=action)


def shop_row(session: Session, model: type[Row], shop_id: int, row_id: int, not_found: str | None = None) -> Row:
    """The row of `model` with this id, if it is the shop's. Another shop's row is NotFound, as
    a missing one is: a shop never learns that another shop's object exists."""
    row = session.get(model, row_id)
    if row is None or row.shop_id != shop_id:
        raise NotFound(not_found) if not_found else NotFound()
    return row
