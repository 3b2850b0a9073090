"""The support desk (/support): state.py (the queue and the open conversation), assistant.py (AI drafts),
quick_replies.py, each with its view; page.py puts them together and registers the page."""

from shopapp.ui.support.desk import page  # noqa: F401 - registers /support
