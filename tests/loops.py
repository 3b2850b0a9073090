"""Running a coroutine from a test: in a thread of its own, because in the whole suite the browser journeys'
Playwright (sync API) leaves an event loop running in the main thread, where asyncio.run refuses to start."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(coroutine)` in a thread of its own, with this thread's context variables (Reflex's
    event context among them), as asyncio.run here would have had them."""
    context = contextvars.copy_context()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(context.run, asyncio.run, coroutine).result()
