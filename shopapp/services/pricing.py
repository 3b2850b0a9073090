"""Money: integer minor units everywhere; how an amount is shown lives here alone."""

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
