"""Money: integer minor units everywhere; how an amount is shown and rounded lives here alone."""

from decimal import ROUND_HALF_UP, Decimal

from shopapp.services.core.errors import Invalid

SYMBOLS = {"CNY": "¥", "HKD": "HK$", "TWD": "NT$", "USD": "$", "EUR": "€", "JPY": "¥", "SGD": "S$"}
# Currencies whose minor unit is the unit itself (no cents).
ZERO_DECIMAL = {"JPY", "TWD"}


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


def parse_money(text: str | int, *, allow_negative: bool = False, field: str = "price") -> int:
    """Yuan as people type them ("12.99", "¥1,299", "8") to 分, without floats; Invalid names `field`."""
    cleaned = str(text).strip().replace(",", "").replace("，", "").lstrip("¥￥")
    try:
        amount = Decimal(cleaned)
    except ArithmeticError:
        raise Invalid(fields={field: "must_be_money"}) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise Invalid(fields={field: "must_be_money"})
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
