"""The shopper's storefront, mobile first."""
