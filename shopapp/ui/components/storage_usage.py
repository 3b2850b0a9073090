"""A shop's storage as people read it (已用 x MB / y MB), on the owner's 套餐与账单 and the operator's shop page."""


def storage_text(text, usage: dict) -> str:
    """已用 x MB / y MB (or 不限) in the reader's language, from storage_use.usage; the operator's shop page says the same."""
    if usage["allowed_mb"] is None:
        return text("billing.storage_unlimited").format(used=usage["used_mb"])
    return text("billing.storage_usage").format(used=usage["used_mb"], allowed=usage["allowed_mb"])
