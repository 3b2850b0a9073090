"""Money: integer minor units everywhere; how an amount is shown and rounded lives here alone."""

from decimal import ROUND_HALF_UP, Decimal

from shopapp.services.core.errors import Invalid

SYMBOLS = {"CNY": "¥", "HKD": "HK$", "TWD": "NT$", "USD": "$", "EUR": "€", "JPY": "¥", "SGD": "S$"}
# Currencies whose minor unit is the unit itself (no cents).
ZERO_DECIMAL = {"JPY", "TWD"}
# The largest amount anyone types: a trillion yuan, far inside a 64-bit count of 分.
MAX_TYPED_YUAN = Decimal(10**12)


def format_money(amount: int, currency: str = "CNY") -> str:
    """1299 CNY -> "¥12.99"; trailing ".00" is dropped, as Chinese shops show prices."""
    symbol = SYMBOLS.get(currency, currency + " ")
    if currency in ZERO_DECIMAL:
        return f"{symbol}{amount:,}"
    sign = "-" if amount < 0 else ""
    units, cents = divmod(abs(amount), 100)
    text = f"{units:,}" if cents == 0 else f"{units:,}.{cents:02d}"
    return f"{sign}{symbol}{text}"


def format_price_range(low: int, high: int, currency: str = "CNY") -> str:
    if low == high:
        return format_money(low, currency)
    return f"{format_money(low, currency)}–{format_money(high, currency)}"


def change_by_percent(amount: int, percent: int | float | str) -> int:
    """A price raised or cut by a percentage, rounded half up to the fen (10% off ¥12.99 is ¥11.69)."""
    changed = Decimal(amount) * (Decimal(100) + Decimal(str(percent))) / Decimal(100)
    return int(changed.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(amount: int, percent: int) -> int:
    """`percent` % of `amount` 分, rounded half up to the 分 (PRICING.md: 15 % of ¥33.33 = 499.95 → 500 分)."""
    return int((Decimal(amount) * Decimal(percent) / Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_money(text: str | int, *, allow_negative: bool = False, field: str = "price") -> int:
    """Yuan as people type them ("12.99", "¥1,299", "8") to 分, without floats; Invalid names `field`."""
    cleaned = str(text).strip().replace(",", "").replace("，", "").lstrip("¥￥")
    try:
        amount = Decimal(cleaned)
        if amount.is_finite() and abs(amount) > MAX_TYPED_YUAN:
            raise Invalid(fields={field: "number_too_large"})
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            raise Invalid(fields={field: "must_be_money"})
    except ArithmeticError:
        raise Invalid(fields={field: "must_be_money"}) from None
    if amount < 0 and not allow_negative:
        raise Invalid(fields={field: "price_negative"})
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def yuan_text(amount: int | None) -> str:
    """分 as a plain number people type back in: 1299 -> "12.99", 1200 -> "12", None -> ""."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    units, cents = divmod(abs(amount), 100)
    return f"{sign}{units}" if cents == 0 else f"{sign}{units}.{cents:02d}"


def average(total: int, count: int) -> int:
    """An average amount (e.g. per order), rounded half up to the fen; 0 when there is nothing to share."""
    if count <= 0:
        return 0
    return int((Decimal(total) / Decimal(count)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def allocate(amount: int, weights: list[int]) -> list[int]:
    """`amount` shared over lines in proportion to `weights` (each line's amount before it), in whole 分;
    the 分 left over go one each to the largest remainders, the earlier line first on a tie (PRICING.md).

    allocate(100, [1000, 1000, 1000]) -> [34, 33, 33]; the shares always add up to `amount`.
    """
    if amount < 0 or any(weight < 0 for weight in weights):
        raise ValueError("amounts are never negative")
    whole = sum(weights)
    if whole == 0:
        if amount:
            raise ValueError("nothing to allocate to")
        return [0] * len(weights)
    shares = [amount * weight // whole for weight in weights]
    left = amount - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda n: (-(amount * weights[n] % whole), n))
    for n in by_remainder[:left]:
        shares[n] += 1
    return shares


def refund_for_units(paid: int, qty: int, units: int, earlier_refunds: list[int] | tuple[int, ...] = ()) -> int:
    """What `units` of a line's `qty` units give back of what the line was `paid` (PRICING.md): k of n
    refund floor(paid × k / n); the refund that takes the line's last units takes what is left, so
    refunding every unit, in any steps, gives back exactly `paid`.

    `earlier_refunds` are the units of each earlier refund of the line, in order: what is left is
    `paid` minus what each of them gave back by the same rule.
    """
    before = sum(earlier_refunds)
    if units < 1 or min(earlier_refunds, default=1) < 1 or before + units > qty:
        raise ValueError("units out of range")
    if before + units == qty:
        return paid - sum(paid * earlier // qty for earlier in earlier_refunds)
    return paid * units // qty
