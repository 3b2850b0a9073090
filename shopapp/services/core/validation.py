"""Checks of input shared by several services."""

import re
from datetime import UTC, datetime

from email_validator import EmailNotValidError, validate_email

from shopapp.services.core.clock import typed_moment
from shopapp.services.core.errors import NotFound


def checked_email(email: str, errors: dict[str, str], field: str = "email") -> str:
    """The normalised (lower-case) address, or a field error "required" / "email_invalid"."""
    email = (email or "").strip()
    if not email:
        errors[field] = "required"
        return ""
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors[field] = "email_invalid"
        return email


def checked_text(value, errors: dict[str, str], field: str, *, limit: int, required: bool = False) -> str:
    """Free text, trimmed; a field error "must_be_text", "required" or "too_long" when it does not do."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = "must_be_text"
        return ""
    if not storable_text(value):
        errors[field] = "text_invalid"
        return ""
    value = value.strip()
    if required and not value:
        errors[field] = "required"
    elif len(value) > limit:
        errors[field] = "too_long"
    return value


# What a database column can hold: SQLite and PostgreSQL integers are 64-bit, and text is UTF-8,
# which cannot hold a lone UTF-16 surrogate (JSON's "\ud800" decodes to one).
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# The deepest list page anyone asks for: beyond it an offset is a scan of nothing.
MAX_PAGE = 100_000


def storable_integer(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX


def id_from_text(text: str | int | None) -> int:
    """The id a URL or a form names ("42"); NotFound when no row could have it (not a whole number, or beyond 64 bits)."""
    text = str(text if text is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19 or not 1 <= int(text) <= INT64_MAX:
        raise NotFound()
    return int(text)


def checked_whole(value, field: str, errors: dict[str, str], *, limit: int = INT64_MAX) -> int | None:
    """A whole number ≥ 0 sent as a number or as text ("42"): the number, or None with the field's code
    ("must_be_whole_number", "must_not_be_negative", "number_too_large") in `errors`."""
    text = str(value).strip() if isinstance(value, str) else None
    if text is not None and text.lstrip("-").isascii() and text.lstrip("-").isdigit() and len(text) <= 20:
        value = int(text)
    if not isinstance(value, int) or isinstance(value, bool):
        errors[field] = "must_be_whole_number"
        return None
    if value < 0:
        errors[field] = "must_not_be_negative"
        return None
    if value > limit:
        errors[field] = "number_too_large"
        return None
    return value


def storable_text(value: str) -> bool:
    """False for text with a lone surrogate, which no UTF-8 column (nor JSON answer) can carry."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_values(value, field: str = "body") -> dict[str, str]:
    """Field problems for every integer outside 64 bits ("number_too_large") and every text with
    a lone surrogate ("text_invalid") anywhere in a decoded JSON document."""
    problems: dict[str, str] = {}
    stack = [(field, value)]
    while stack:
        name, item = stack.pop()
        if isinstance(item, bool):
            continue
        if isinstance(item, int) and not storable_integer(item):
            problems.setdefault(name, "number_too_large")
        elif isinstance(item, str) and not storable_text(item):
            problems.setdefault(name, "text_invalid")
        elif isinstance(item, dict):
            for key, inner in item.items():
                if not storable_text(key):
                    problems.setdefault(name, "text_invalid")
                    continue
                stack.append((f"{name}.{key}" if name != "body" else key, inner))
        elif isinstance(item, list):
            stack.extend((f"{name}.{i}", inner) for i, inner in enumerate(item))
    return problems


def checked_whole_between(value, field: str, errors: dict[str, str], *, low: int = 0, high: int = INT64_MAX,
                          code: str = "number_out_of_range") -> int | None:
    """A required whole number in low..high (an activity's quantity, a percent): the number, or None with
    "required", checked_whole's codes, or `code` when it is out of range."""
    if value in (None, ""):
        errors[field] = "required"
        return None
    if isinstance(value, bool):
        errors[field] = "must_be_whole_number"
        return None
    number = checked_whole(value, field, errors)
    if number is not None and not low <= number <= high:
        errors[field] = code
        return None
    return number


def checked_moment(value, field: str, errors: dict[str, str]) -> datetime | None:
    """A required ISO 8601 time (an activity's start or end); one without a zone is UTC (API.md: activity
    times are UTC). None with "required" or "date_invalid" in `errors`."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            errors[field] = "date_invalid"
            return None
    else:
        errors[field] = "required"
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def checked_shop_moment(typed, field: str, errors: dict[str, str], shop_id: int | None = None) -> str | None:
    """A console form's time ("2026-12-12T10:00" from a datetime-local field) on the shop's clock, as ISO 8601
    with its zone for the service; None when empty, or with "time_invalid" in `errors`."""
    try:
        moment = typed_moment(typed, shop_id)
    except ValueError:
        errors[field] = "time_invalid"
        return None
    return moment.isoformat() if moment else None



def typed_ids(typed: str, field: str, errors: dict[str, str]) -> list[int]:
    """Ids as a form sends them ("3, 5", also with Chinese commas or spaces); anything else is `ids_invalid`."""
    parts = [p for p in re.split(r"[\s,，、]+", str(typed or "")) if p]
    if any(not (p.isascii() and p.isdigit() and storable_integer(int(p))) for p in parts):
        errors[field] = "ids_invalid"
        return []
    return [int(p) for p in parts]
