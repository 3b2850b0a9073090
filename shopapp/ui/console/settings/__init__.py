"""Console settings: profile.py, team.py and keys.py each hold a section's state and view; page.py registers the page."""

from shopapp.ui.console.settings import page  # noqa: F401 - registers /console/settings
