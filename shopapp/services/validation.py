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
