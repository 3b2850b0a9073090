"""Carts and the shipping methods a checkout offers."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopapp.models.base import json_column, utcnow

# Cart lines keep variant ids as plain numbers, not foreign keys: deleting a product must not fail on old carts.


class Cart(SQLModel, table=True):
    __table_args__ = (
        Index("ix_cart_shop_updated", "shop_id", "updated_at"),
        Index("ix_cart_shop_customer", "shop_id", "customer_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    email: str = Field(default="", max_length=254)
    customer_id: int | None = None  # a logged-in shopper's cart
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CartItem(SQLModel, table=True):
    __tablename__ = "cart_item"
    __table_args__ = (UniqueConstraint("cart_id", "variant_id"),)
    id: int | None = Field(default=None, primary_key=True)
    cart_id: int = Field(foreign_key="cart.id")
    shop_id: int = Field(foreign_key="shop.id", index=True)
    variant_id: int
    qty: int
    created_at: datetime = Field(default_factory=utcnow)


class ShippingMethod(SQLModel, table=True):
    __tablename__ = "shipping_method"
    __table_args__ = (Index("ix_shipping_method_shop_position", "shop_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id")
    name: str = Field(max_length=40)
    base_fee: int = 0  # covers the first kilogram
    per_kg_fee: int = 0  # each further kilogram begun
    free_over: int | None = None  # subtotal at or above which shipping is free
    regions: list = Field(default_factory=list, sa_column=json_column())  # provinces; empty = everywhere
    active: bool = True
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
