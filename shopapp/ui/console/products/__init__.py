"""The console's product list: state.py (the list), bulk.py and low_stock.py (mixins with their views), page.py."""

from shopapp.ui.console.products import page  # noqa: F401 - registers /console/products
