"""Domain errors. Services raise them; the API and the UI each translate them in one place.

`code` and the values in `fields` are message keys in shopapp.i18n ("error.<code>",
"field.<code>"), so every door shows the same words in the reader's language.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(self, code: str | None = None, fields: dict[str, str] | None = None, **params):
        self.code = code or self.code
        self.fields = fields or {}
        self.params = params
        super().__init__(self.code)


class Invalid(DomainError):
    """Bad input; `fields` maps each bad field to the code of what is wrong with it."""

    code = "invalid_input"
    status = 422


class NotFound(DomainError):
    """Missing, or belongs to another shop: the two are never told apart."""

    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


class RateLimited(DomainError):
    code = "too_many_attempts"
    status = 429


def require_fields(errors: dict[str, str]) -> None:
    """Raise Invalid with every collected field error at once, so a form shows them all."""
    if errors:
        raise Invalid(fields=errors)
