"""The console's product editor: details, description and AI copy, pictures, options and the variant grid, the stock ledger.

One module per concern, each with its state (a mixin of ProductEditorState, or the ledger's own state)
and its view; page.py puts them together and registers the page.
"""

from shopapp.ui.console.product_editor import page  # noqa: F401 - registers /console/products/[product_id]
