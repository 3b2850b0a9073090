"""The domain logic: plain Python, no web framework. The UI and the API only call these."""
