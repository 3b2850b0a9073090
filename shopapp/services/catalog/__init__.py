"""The catalogue: products, categories, product views, search, bulk edits, CSV, pictures and their storage."""
