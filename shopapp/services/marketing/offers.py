"""What the marketing centre offers one cart at one moment, loaded once per quote or order.

The pricing pipeline reads only this (never the database), so a quote and the order placed from it
price the same way, and the best coupon can be found by pricing the same cart with each candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlmodel import Session

from shopapp.services.core.errors import require_fields
from shopapp.services.core.validation import checked_whole
from shopapp.services.marketing import points, promotion_rules
from shopapp.services.marketing.savings import Saving

MAX_CODE = 40  # a typed code longer than this is not one of ours


@dataclass(frozen=True)
class Choices:
    """What the shopper chose at checkout: a typed code or a coupon from their wallet, and points to spend.

    Nothing here is trusted: each activity checks its part when it loads the offers, and a choice
    that cannot be used is refused with its reason, never priced.
    """

    coupon_code: str | None = None
    customer_coupon_id: int | None = None
    points: int = 0


NO_CHOICES = Choices()


def checked_choices(coupon_code: Any = None, customer_coupon_id: Any = None, points: Any = 0) -> Choices:
    """The shopper's choices as sent (a form or JSON), checked for shape: a code is trimmed and upper-cased
    (codes are typed with spaces and in lower case), ids and points are whole numbers. Bad shapes are
    refused with the field's code; whether the choice can be used is the activity's question."""
    errors: dict[str, str] = {}
    code = str(coupon_code or "").replace(" ", "").upper() or None
    if code is not None and len(code) > MAX_CODE:
        errors["coupon_code"] = "coupon_code_invalid"
    wallet_id = checked_whole(customer_coupon_id, "customer_coupon_id", errors) if customer_coupon_id not in (None, "") else None
    spent = checked_whole(points, "points", errors) if points not in (None, "") else 0
    require_fields(errors)
    return Choices(coupon_code=code, customer_coupon_id=wallet_id, points=spent or 0)


@dataclass(frozen=True)
class Offers:
    """The activities that may lower this cart's price for this shopper now.

    Each part is filled by the module that owns it: `promotions` (限时折扣, 第二件, 打包一口价, 满减 …)
    by marketing.promotions, `member_percent` by the shopper's member level, `coupon` (the one chosen
    for this pricing) by marketing.coupons, `points` (how many the shopper spends, and the shop's rate
    and cap) by marketing.points. `extra` carries what a later activity needs before it has a field.
    """

    shop_id: int | None = None
    customer_id: int | None = None
    choices: Choices = NO_CHOICES
    promotions: tuple[Any, ...] = ()
    member_percent: int = 0
    coupon: Any = None
    points: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def with_coupon(self, coupon: Any) -> Offers:
        """The same offers with another coupon (or none): how the quote compares the shopper's coupons."""
        return replace(self, coupon=coupon)


NO_OFFERS = Offers()


def load_offers(
    session: Session, shop_id: int, *, customer_id: int | None = None, choices: Choices = NO_CHOICES,
) -> Offers:
    """Everything the shop offers this shopper (None: a guest) now, with their choices checked.
    Each activity adds its part here as it is built."""
    loyalty = points.for_pricing(session, shop_id, customer_id, choices.points)  # member level and 积分抵现
    running = promotion_rules.active_for_pricing(session, shop_id, customer_id=customer_id)
    return Offers(
        shop_id=shop_id, customer_id=customer_id, choices=choices, promotions=running,
        member_percent=loyalty.member_percent, points=loyalty.points,
    )


def take_up(session: Session, offers: Offers, order: Any, discounts: Sequence[Saving]) -> None:
    """What the order uses up, in the checkout's own transaction: the coupon it was priced with, the
    points it spends, a limited discount's units. Each activity adds its part here; one that can no
    longer be had (a one-use coupon used a moment ago, points spent elsewhere) raises a Conflict, and
    the checkout keeps nothing at all."""
    points.take_up(session, offers.points, order, discounts)
    promotion_rules.take_up(session, offers, order, discounts)
