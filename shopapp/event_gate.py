"""At most EVENTS_AT_ONCE page events of a worker hold their tab's state at a time; the others wait
their turn before they take the state lock, not while holding it.

Reflex 0.10 runs every page event in a task of its own as soon as it arrives. A burst (500 shoppers
opening the page at once) thus starts 500 events that each take their tab's lock (in Redis with
several workers) and then share one event loop: every await hands the core to the 499 others, so
each held its lock for about as long as the whole burst took to compute ("Lock … was held too long",
1-3.9 s, thousands of times; an event past 10 s fails). The work is the same either way, one core's
worth; gated, each event holds its lock for its own few milliseconds plus the few running beside it,
and the first shoppers are served first instead of all of them at the end.

Background events (`@rx.event(background=True)`) are not gated: they run long and take the lock only
in short `async with self` blocks. An event's chained events are queued, never awaited inside the
gate, so the gate cannot deadlock on itself.
"""

from __future__ import annotations

import asyncio
import os

import reflex.app
from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor

# A page event is mostly CPU (its queries, pickling, the delta) with short waits on Redis or the
# database: a few side by side keep the core busy through those waits. SHOPAPP_EVENTS_AT_ONCE
# overrides it for measuring (bench/storefront_scale.py); 0 turns the gate off.
EVENTS_AT_ONCE = int(os.environ.get("SHOPAPP_EVENTS_AT_ONCE", "8") or "8")

_gate: asyncio.Semaphore | None = None


def gate() -> asyncio.Semaphore:
    """This worker's gate, made in its own event loop (the workers are forked from one import)."""
    global _gate
    if _gate is None:
        _gate = asyncio.Semaphore(EVENTS_AT_ONCE)
    return _gate


class GatedEventProcessor(BaseStateEventProcessor):
    """Reflex's event processor with its foreground events through the gate."""

    async def _execute_event(self, *, entry, registered_handler) -> None:
        if registered_handler.handler.is_background or EVENTS_AT_ONCE <= 0:
            await super()._execute_event(entry=entry, registered_handler=registered_handler)
            return
        async with gate():
            await super()._execute_event(entry=entry, registered_handler=registered_handler)


def install() -> None:
    """Make the app's event processor a gated one: Reflex makes it from this name in each worker's
    start (reflex.app.App._setup_event_processor)."""
    reflex.app.BaseStateEventProcessor = GatedEventProcessor
