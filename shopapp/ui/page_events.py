"""Fewer Reflex events per storefront navigation, and none that changes nothing.

A client-side navigation in Reflex 0.10 is four events, each taking the tab's lock, loading its states
(with Redis: a round trip and unpickling) and saving what it touched (bench/README.md, session 9):

1. `update_vars_internal`: the browser sends its LocalStorage and cookie values (the cart and shopper
   tokens, the language) on every navigation, and Reflex assigns them all, equal or not: every assigned
   var is dirty, so the storefront's state was saved again and sent back each time. `install` makes it
   assign only what differs, so a navigation with nothing new touches nothing.
2. `on_load_internal`, which queues the page's on_load handlers and then
3. the page's own load (ours) and
4. `set_is_hydrated(True)`, an event of its own only to flip one flag. A page whose one on_load is
   marked `@hydrating` sets the flag itself at its end (also when it fails, as the separate event
   did), so that fourth event is not queued.

Both are replacements of two module functions of `reflex.state` (0.10.1), checked by
tests/unit/test_page_events.py against the installed Reflex.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import reflex.state as reflex_state

from shopapp.ui.state_fetch import stored_states

HYDRATING = "_shopapp_hydrating"  # the mark `hydrating` leaves on a handler's function


def hydrating(fn):
    """Mark a page's one on_load handler as setting `is_hydrated` itself, when it ends or fails, so Reflex
    does not queue `set_is_hydrated` as an event after it. Put it under `@rx.event`."""
    if inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn):
        # A handler that yields sends deltas as it goes: the flag would have to wait for its last one.
        raise TypeError(f"{fn.__qualname__}: @hydrating is for a load that returns, not one that yields")
    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def load(self, *args, **kwargs):
            try:
                return await fn(self, *args, **kwargs)
            finally:
                self.is_hydrated = True  # the root state's var: set through this substate
    else:
        @functools.wraps(fn)
        def load(self, *args, **kwargs):
            try:
                return fn(self, *args, **kwargs)
            finally:
                self.is_hydrated = True
    setattr(load, HYDRATING, True)
    return load


def _hydrates_itself(load_events: list) -> bool:
    """Whether the page's on_load is one handler marked `@hydrating` (an EventHandler or its EventSpec)."""
    if len(load_events) != 1:
        return False
    handler = getattr(load_events[0], "handler", load_events[0])
    return getattr(getattr(handler, "fn", None), HYDRATING, False)


_reflex_load_events_for_page = reflex_state._load_events_for_page
_reflex_apply_client_storage_vars = reflex_state._apply_client_storage_vars


def _load_events_for_page(state):
    """Reflex's, without the trailing `set_is_hydrated` event when the page's load sets the flag itself."""
    load_events = reflex_state.RegistrationContext.get().app.get_load_events(state.rx_router_url.path)
    if not _hydrates_itself(load_events):
        return _reflex_load_events_for_page(state)
    state.is_hydrated = False
    return reflex_state.Event.from_event_type(load_events)


async def _apply_client_storage_vars(state, vars: dict[str, Any]):
    """Reflex's, given only the browser's values that differ from the state's: an equal value assigned
    would still mark the var dirty, save its state and send it back. The values are compared with the
    owning states read alone (state_fetch.stored_states), not with Reflex's get_state, which would read
    StoreState's 27 substates for the two tokens it holds."""
    owned = []
    for name, value in vars.items():
        state_name, _, var_name = name.rpartition(".")
        var_name = var_name.removesuffix(reflex_state.FIELD_MARKER)
        owner = reflex_state.State.get_class_substate(state_name)
        if owner._is_client_storage(var_name):
            owned.append((name, value, owner, var_name))
    current = await stored_states(state, list({owner for _, _, owner, _ in owned}))
    changed = {name: value for name, value, owner, var_name in owned if getattr(current[owner], var_name) != value}
    return await _reflex_apply_client_storage_vars(state, changed) if changed else []


def install() -> None:
    """Replace the two functions where `reflex.state`'s handlers look them up (at call time)."""
    reflex_state._load_events_for_page = _load_events_for_page
    reflex_state._apply_client_storage_vars = _apply_client_storage_vars
