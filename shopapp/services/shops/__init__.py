"""Shops and the people who run them: profile, staff, owner accounts, API keys, themes, SEO, regions."""
