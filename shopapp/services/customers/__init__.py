"""Shoppers: accounts in one shop."""
