"""Console customers: the list (list_state, list_page), one customer (profile_state, profile_page), segments."""

from shopapp.ui.console.customers import (
    list_page,  # noqa: F401 - registers /console/customers
    profile_page,  # noqa: F401 - registers /console/customers/[customer_id]
    segments_page,  # noqa: F401 - registers /console/segments
)
