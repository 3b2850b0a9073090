"""What the marketing centre hands the pricing pipeline: unit prices, savings and the basket each step sees.

These are plain values so that every activity (promotions, coupons, points, later flash sales) can build
them without knowing the pipeline, and the pipeline (checkout/pricing.py) stays the one place that
allocates, checks and adds them up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Where a saving comes from (PRICING.md, "What every quote and order says").
SOURCES = (
    "limited_discount", "member", "second_half", "bundle", "tiered", "coupon", "points",
    "flash_sale", "group_buy", "bargain",
)


@dataclass(frozen=True)
class Saving:
    """One saving: `amount` 分 off the lines it came from (indexes into the basket's lines).

    `free_shipping` waives step 6's fee (a 满包邮 tier or a free-shipping coupon); such a saving may
    have amount 0. `gift_variant_id` asks for a gift line at 0 (a 满赠 tier).
    """

    source: str
    id: int | None
    label: str
    amount: int
    lines: tuple[int, ...]
    free_shipping: bool = False
    gift_variant_id: int | None = None

    def as_dict(self) -> dict:
        return {"source": self.source, "id": self.id, "label": self.label, "amount": self.amount}


@dataclass(frozen=True)
class LineDiscount:
    """A saving's share on one line."""

    source: str
    id: int | None
    amount: int

    def as_dict(self) -> dict:
        return {"source": self.source, "id": self.id, "amount": self.amount}


@dataclass(frozen=True)
class UnitPrice:
    """Step 1's answer for a line: its unit price and, when lower than the variant's, where that comes from."""

    price: int
    source: str | None = None
    id: int | None = None
    label: str = ""
    exclusive: bool = False  # a flash sale, group buy or bargain: nothing from steps 2-5


@dataclass(frozen=True)
class Basket:
    """What a step of 2-5 sees: the lines (checkout's cart lines: variant_id, qty, unit_price, variant,
    product), each one's amount after the steps before, and which are exclusive."""

    lines: Sequence[Any]
    amounts: tuple[int, ...]
    exclusive: tuple[bool, ...]

    def open_lines(self) -> tuple[int, ...]:
        """The lines steps 2-5 may take from: every line not under an exclusive activity."""
        return tuple(n for n, shut in enumerate(self.exclusive) if not shut)
