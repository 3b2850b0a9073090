"""The demo shop: a tea-and-teaware shop with ~30 products, variants and generated pictures."""

from shopapp.demo.seed import DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG, seed_demo

__all__ = ["DEMO_EMAIL", "DEMO_PASSWORD", "DEMO_SLUG", "seed_demo"]
