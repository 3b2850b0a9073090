"""Logging set-up: one format, request ids, and secrets scrubbed from every line."""

from __future__ import annotations

import logging
import re

from shopapp.settings import get_settings

# Session tokens, API keys, invitation tokens, and "password": "..." style pairs.
_SECRET = re.compile(r"\b(ss|sk|inv|ct)_[A-Za-z0-9_\-]{16,}|(?i:(password|token|secret|api_key)[\"']?\s*[:=]\s*)[^\s,&}]+")


class SecretScrubber(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = _SECRET.sub(_redact, message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


def _redact(match: re.Match) -> str:
    if match.group(1):
        return f"{match.group(1)}_[redacted]"
    return f"{match.group(2)}=[redacted]"


def setup_logging() -> None:
    root = logging.getLogger()
    if any(isinstance(f, SecretScrubber) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretScrubber())
    root.addHandler(handler)
    root.setLevel(get_settings().log_level)
    # Migrations run at every start; their step-by-step chatter is not news.
    logging.getLogger("alembic").setLevel(logging.WARNING)
