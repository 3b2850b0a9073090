"""Domain errors. Services raise them; the API and the UI each translate them in one place.

`code` and the values in `fields` are message keys in shopapp.i18n ("error.<code>",
"field.<code>"), so every door shows the same words in the reader's language. The kind of error says what
went wrong in the shop's terms; which HTTP status that is, is the API's business (api/errors.py).
"""

from __future__ import annotations


class DomainError(Exception):
    code = "error"

    def __init__(self, code: str | None = None, fields: dict[str, str] | None = None, **params):
        self.code = code or self.code
        self.fields = fields or {}
        self.params = params
        super().__init__(self.code)


class Invalid(DomainError):
    """Bad input; `fields` maps each bad field to the code of what is wrong with it."""

    code = "invalid_input"


class NotFound(DomainError):
    """Missing, or belongs to another shop: the two are never told apart."""

    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class Forbidden(DomainError):
    code = "forbidden"


class Unauthorized(DomainError):
    code = "unauthorized"


class RateLimited(DomainError):
    code = "too_many_attempts"


class Unavailable(DomainError):
    """An outside service (a payment provider, a parcel tracker) could not be reached or answered nonsense."""

    code = "unavailable"


class TooLarge(DomainError):
    """More than the platform takes at once (an upload, a request body)."""

    code = "too_large"


def require_fields(errors: dict[str, str]) -> None:
    """Raise Invalid with every collected field error at once, so a form shows them all."""
    if errors:
        raise Invalid(fields=errors)


class ShopSuspended(DomainError):
    """The platform's operator has suspended the shop: it may be read, nothing in it may change."""

    code = "shop_suspended"


class PlanLimit(Forbidden):
    """The shop's plan does not include this (a count reached, a feature missing); the params name
    the plan that does (`plan_zh`, `plan_en`)."""

    code = "plan_limit_reached"
