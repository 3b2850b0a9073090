"""All tables, imported here so SQLModel.metadata (and Alembic) sees every one."""

from shopapp.models.accounts import AuthSession, LoginAttempt, User
from shopapp.models.catalog import Category, Product, ProductCategory, ProductImage, Variant
from shopapp.models.inventory import StockMove
from shopapp.models.jobs import JobLease
from shopapp.models.notifications import OutboxEmail
from shopapp.models.shops import ApiKey, Shop, StaffInvite, StaffMember

__all__ = [
    "ApiKey", "AuthSession", "Category", "JobLease", "LoginAttempt", "OutboxEmail", "Product",
    "ProductCategory", "ProductImage", "Shop", "StaffInvite", "StaffMember", "StockMove",
    "User", "Variant",
]
