"""What one process remembers for a moment: answers that every request would otherwise ask the database or Redis."""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class Remembered(Generic[Key, Value]):
    """Values kept `seconds` each, in this process only (another worker learns when its own copy runs out).
    Plain dict steps, so threads may share it; past `most` keys it starts again from nothing."""

    def __init__(self, seconds: float, *, most: int = 10_000) -> None:
        self.seconds = seconds
        self._most = most
        self._kept: dict[Key, tuple[float, Value]] = {}

    def get(self, key: Key) -> Value | None:
        found = self._kept.get(key)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, key: Key, value: Value) -> None:
        if len(self._kept) > self._most:
            self._kept.clear()
        self._kept[key] = (time.monotonic() + self.seconds, value)

    def forget(self, key: Key | None = None) -> None:
        """One key, or everything when none is named."""
        if key is None:
            self._kept.clear()
        else:
            self._kept.pop(key, None)
