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

And 1 and 2 are one event: the compiled frontend's `onLoadInternalEvent` sends the browser's storage values
with `on_load_internal` (`_one_navigation_event`), and our `on_load_internal` applies them before it queues
the page's load. A navigation is two events, the page's own load among them (0.7 ms of a cart navigation's
4.6 ms of CPU was update_vars_internal: bench/README.md, session 14). `update_vars_internal` stays for what
else sends it (a LocalStorage value synced from another tab).

These replace module functions of `reflex.state` and `reflex.compiler.templates` and one handler's
function (0.10.1), checked by tests/unit/test_page_events.py against the installed Reflex.
"""

from __future__ import annotations

import functools
import inspect
import re
from typing import Any

import reflex.state as reflex_state
from reflex.compiler import templates  # the module the compiler calls it in (a re-export of reflex_base's)
from reflex_base.constants import CompileVars
from reflex_base.event import SUPERSEDES_MARKER

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


async def on_load_internal(self, vars: dict[str, Any] | None = None):
    """Reflex's `on_load_internal` (queue the page's on_load handlers), which first applies the browser's
    storage values a navigation sends with it, as `update_vars_internal` did in an event of its own."""
    if vars:
        await _apply_client_storage_vars(self, vars)
    return reflex_state._load_events_for_page(self)


# Reflex names the event after its handler's function, and a newer navigation cancels an older one's chain.
on_load_internal.__qualname__ = "OnLoadInternalState.on_load_internal"
setattr(on_load_internal, SUPERSEDES_MARKER, True)

# Reflex's compiled `onLoadInternalEvent` (reflex_base/compiler/templates.py): update_vars_internal with the
# storage values when the browser holds any, then on_load_internal.
_NAVIGATION_EVENTS = re.compile(r"export const onLoadInternalEvent = \(\) => \{\n.*?\n\}\n", re.S)

_ONE_NAVIGATION_EVENT = f"""export const onLoadInternalEvent = () => {{
    // One event per navigation (shopapp/ui/page_events.py): the browser's storage values go with on_load_internal.
    const client_storage_vars = clientStorageVars();
    const payload = client_storage_vars === undefined ? {{}} : {{{CompileVars.PAYLOAD_VARS}: client_storage_vars}};
    return [ReflexEvent(state_name + '.{CompileVars.ON_LOAD_INTERNAL}', payload)];
}}
"""

_reflex_context_template = templates.context_template


def _one_navigation_event(*args, **kwargs) -> str:
    """Reflex's compiled context, whose navigation sends on_load_internal alone, with the storage values."""
    return _NAVIGATION_EVENTS.sub(lambda _: _ONE_NAVIGATION_EVENT, _reflex_context_template(*args, **kwargs), count=1)


def install() -> None:
    """Replace the two functions where `reflex.state`'s handlers look them up (at call time), the template
    function the compiler calls for the frontend's context (also at call time), and on_load_internal's
    function in its EventHandler, whose caches of what it read from the function are made again."""
    reflex_state._load_events_for_page = _load_events_for_page
    reflex_state._apply_client_storage_vars = _apply_client_storage_vars
    templates.context_template = _one_navigation_event
    handler = reflex_state.OnLoadInternalState.event_handlers["on_load_internal"]
    object.__setattr__(handler, "fn", on_load_internal)
    object.__setattr__(handler, "_type_hints", None)
    for cached in ("_is_coroutine_function", "supersedes", "is_background"):
        handler.__dict__.pop(cached, None)
    handler._get_type_hints()
