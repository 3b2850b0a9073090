"""Console orders: the list (list_state, list_page) and one order in full (detail_state, detail_page)."""

from shopapp.ui.console.orders import (
    detail_page,  # noqa: F401 - registers /console/orders/[order_id]
    list_page,  # noqa: F401 - registers /console/orders
)
