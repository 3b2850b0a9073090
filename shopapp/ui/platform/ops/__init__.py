"""The platform operator's console at /ops (issue 23): log-in, shops, one shop, figures, plans, audit log."""

from shopapp.ui.platform.ops import audit, figures, invoices, login, payouts, plans, reports, shop, shops  # noqa: F401 - registers the pages
