"""数据报表: the reports pages (importing registers /console/reports)."""

from shopapp.ui.console.reports import page  # noqa: F401 - registers /console/reports
