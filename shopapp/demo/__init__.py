"""The demo shop: a tea-and-teaware shop with ~30 products, variants and generated pictures."""

from shopapp.demo.seed import (
    DEMO_EMAIL,
    DEMO_SLUG,
    bring_up_to_date,
    reset_password,
    retire_published_password,
    seed_demo,
)

__all__ = ["DEMO_EMAIL", "DEMO_SLUG", "bring_up_to_date", "reset_password", "retire_published_password", "seed_demo"]
