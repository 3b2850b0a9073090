"""Visual parts shared by every area of the UI."""
