"""At most EVENTS_AT_ONCE page events of a worker hold their tab's state at a time; the others wait
their turn before they take the state lock, not while holding it.

Reflex 0.10 runs every page event in a task of its own as soon as it arrives. A burst (500 shoppers
opening the page at once) thus starts 500 events that each take their tab's lock (in Redis with
several workers) and then share one event loop: every await hands the core to the 499 others, so
each held its lock for about as long as the whole burst took to compute ("Lock … was held too long",
1-3.9 s, thousands of times; an event past 10 s fails). The work is the same either way, one core's
worth; gated, each event holds its lock for its own few milliseconds plus the few running beside it,
and the first shoppers are served first instead of all of them at the end.

Waiting events go in two queues: the events of tabs already being served (a click, the rest of a
page's load) before the events of tabs arriving (the hydrate a tab sends as it connects), so a crowd
arriving neither stalls the shoppers already on the page nor holds every newcomer's page to the end.

Background events (`@rx.event(background=True)`) are not gated: they run long and take the lock only
in short `async with self` blocks. An event's chained events are queued, never awaited inside the
gate, so the gate cannot deadlock on itself.
"""

from __future__ import annotations

import asyncio
import collections
import os
import time

import reflex.app
from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor

# A page event is mostly CPU (its queries, pickling, the delta) with short waits on Redis or the
# database: a few side by side keep the core busy through those waits. SHOPAPP_EVENTS_AT_ONCE
# overrides it for measuring (bench/storefront_scale.py); 0 turns the gate off.
EVENTS_AT_ONCE = int(os.environ.get("SHOPAPP_EVENTS_AT_ONCE", "8") or "8")

# The event a tab sends as it connects (in the socket.io CONNECT packet): it waits behind the events
# of tabs already being served, so a crowd arriving does not stall the shoppers already on the page,
# and each newcomer's page, once begun, is finished before the next newcomer's starts.
ARRIVAL = "reflex___state____state.hydrate_and_load"


class Gate:
    """A semaphore with two queues: events of tabs already served first, then arrivals, each in order."""

    def __init__(self, slots: int):
        self.free = slots
        self._waiting: tuple[collections.deque, collections.deque] = (collections.deque(), collections.deque())

    async def acquire(self, *, arrival: bool) -> None:
        if self.free > 0 and not any(self._waiting):
            self.free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        self._waiting[1 if arrival else 0].append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # handed a slot just as it was cancelled: pass it on
            raise

    def release(self) -> None:
        for queue in self._waiting:
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self.free += 1


_gate: Gate | None = None


def gate() -> Gate:
    """This worker's gate (the workers are forked from one import: each makes its own on first use)."""
    global _gate
    if _gate is None:
        _gate = Gate(EVENTS_AT_ONCE)
    return _gate


# For measuring only (bench/storefront_scale.py --event-stats): a folder where each worker appends one
# line per event, "name<TAB>CPU ms", so a navigation's events can be counted and each one's CPU told
# apart (Reflex's own events from our handlers). The CPU is the worker thread's during the event, so
# it is exact only while one event runs at a time, as in the bench's one-shopper rows.
EVENT_STATS = os.environ.get("SHOPAPP_EVENT_STATS", "")
_stats_file = None


def _record(name: str, cpu: float) -> None:
    global _stats_file
    if _stats_file is None:
        _stats_file = open(os.path.join(EVENT_STATS, f"{os.getpid()}.tsv"), "a", buffering=1)  # noqa: SIM115
    _stats_file.write(f"{name}\t{cpu * 1000:.3f}\n")


class GatedEventProcessor(BaseStateEventProcessor):
    """Reflex's event processor with its foreground events through the gate."""

    async def _execute_event(self, *, entry, registered_handler) -> None:
        if not EVENT_STATS:
            await self._gated(entry=entry, registered_handler=registered_handler)
            return
        began = time.thread_time()
        try:
            await self._gated(entry=entry, registered_handler=registered_handler)
        finally:
            _record(entry.event.name, time.thread_time() - began)

    async def _gated(self, *, entry, registered_handler) -> None:
        if registered_handler.handler.is_background or EVENTS_AT_ONCE <= 0:
            await super()._execute_event(entry=entry, registered_handler=registered_handler)
            return
        await gate().acquire(arrival=entry.event.name == ARRIVAL)
        try:
            await super()._execute_event(entry=entry, registered_handler=registered_handler)
        finally:
            gate().release()


def install() -> None:
    """Make the app's event processor a gated one: Reflex makes it from this name in each worker's
    start (reflex.app.App._setup_event_processor)."""
    reflex.app.BaseStateEventProcessor = GatedEventProcessor
