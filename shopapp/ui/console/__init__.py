"""The owner's console: every page a shop's staff work in."""
