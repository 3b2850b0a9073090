"""Pages of a list: one limit on how many rows a page may ask for, and where a page starts."""

from __future__ import annotations

# The most rows one page of any list returns, whoever asks (the console, the API, an export walking pages).
MAX_PER_PAGE = 250


def page_size(per_page: int) -> int:
    """`per_page` kept between 1 and MAX_PER_PAGE."""
    return max(1, min(per_page, MAX_PER_PAGE))


def page_start(page: int, per_page: int) -> int:
    """The offset of `page` (counted from 1; anything lower is the first page) of `per_page` rows."""
    return (max(1, page) - 1) * per_page


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` rows make, at least one (an empty list still shows its first page)."""
    return max(1, -(-total // per_page))
