"""Checks of input shared by several services."""

from email_validator import EmailNotValidError, validate_email


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
    value = value.strip()
    if required and not value:
        errors[field] = "required"
    elif len(value) > limit:
        errors[field] = "too_long"
    return value
