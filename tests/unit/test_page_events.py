"""Fewer Reflex events per storefront navigation (shopapp/ui/page_events.py): the two functions of Reflex it
replaces are still there under these names, the pages marked @hydrating queue no set_is_hydrated, and a
navigation is one on_load_internal carrying the browser's storage values, applied before the page's load."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from typing import Any

import reflex.state as reflex_state
from reflex_base.event import EventHandler
from reflex_base.utils.format import format_event_handler

from shopapp.ui import page_events


def test_the_replaced_reflex_functions_exist_and_are_ours_once_installed():
    assert page_events._reflex_load_events_for_page.__module__ == "reflex.state"
    assert page_events._reflex_apply_client_storage_vars.__module__ == "reflex.state"
    page_events.install()
    assert reflex_state._load_events_for_page is page_events._load_events_for_page
    assert reflex_state._apply_client_storage_vars is page_events._apply_client_storage_vars


def test_the_storefront_journeys_pages_set_is_hydrated_in_their_one_load():
    from shopapp.shopapp import app

    app._apply_decorated_pages()
    for route in ("s/[slug]", "s/[slug]/p/[product_id]", "s/[slug]/cart", "s/[slug]/checkout", "s/[slug]/search",
                  "s/[slug]/orders/[order_no]"):
        events = app._load_events[next(r for r in app._load_events if r.strip("/") == route)]
        assert page_events._hydrates_itself(events), route
    assert not page_events._hydrates_itself([])


class _Page:
    is_hydrated = False


def test_a_hydrating_load_sets_the_flag_also_when_it_fails():
    @page_events.hydrating
    def fails(self):
        raise ValueError

    @page_events.hydrating
    async def loads(self):
        return "done"

    page = _Page()
    try:
        fails(page)
    except ValueError:
        pass
    assert page.is_hydrated
    page = _Page()
    assert _run(loads(page)) == "done" and page.is_hydrated
    assert getattr(loads, page_events.HYDRATING)


def _run(coroutine):
    """A coroutine that never waits, run to its end without an event loop (another test may have left one
    running in this thread, where asyncio.run refuses)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("the load waited for something")


def test_a_load_that_yields_cannot_be_marked():
    def yields(self):
        yield

    try:
        page_events.hydrating(yields)
    except TypeError:
        return
    raise AssertionError("a yielding load was marked")


def _context(**given) -> str:
    from reflex.compiler import templates  # where reflex/compiler/compiler.py calls it

    return templates.context_template(initial_state={}, state_name="reflex___state____state", is_dev_mode=False,
                                      default_color_mode="light", **given)


def test_a_navigation_is_one_event_carrying_the_browsers_storage_values():
    page_events.install()
    context = _context(client_storage={"local_storage": {}})
    navigation = context[context.index("export const onLoadInternalEvent"):].split("\n}\n", 1)[0]
    assert "update_vars_internal" not in navigation
    assert "on_load_internal_state.on_load_internal', payload)" in navigation
    assert "{vars: client_storage_vars}" in navigation
    # What the replacement is made from is still Reflex's: its two events, in the one place.
    reflex_context = page_events._reflex_context_template(initial_state={}, state_name="reflex___state____state",
                                                          is_dev_mode=False, default_color_mode="light",
                                                          client_storage={"local_storage": {}})
    assert len(page_events._NAVIGATION_EVENTS.findall(reflex_context)) == 1
    assert "update_vars_internal" in page_events._NAVIGATION_EVENTS.search(reflex_context).group()


def test_on_load_internal_applies_the_storage_values_before_it_queues_the_page_load(monkeypatch):
    page_events.install()
    handler = reflex_state.OnLoadInternalState.event_handlers["on_load_internal"]
    assert handler.fn is page_events.on_load_internal
    assert format_event_handler(handler).endswith("reflex___state____on_load_internal_state.on_load_internal")
    assert handler._is_coroutine_function and handler.supersedes  # a newer navigation still cancels an older one
    assert handler._type_hints == {"vars": dict[str, Any] | None}
    # What install makes again is still cached where it looks (EventHandler's cached properties and field).
    for cached in ("_is_coroutine_function", "supersedes", "is_background"):
        assert isinstance(inspect.getattr_static(EventHandler, cached), functools.cached_property), cached
    assert "_type_hints" in {field.name for field in dataclasses.fields(EventHandler)}
    steps = []

    async def applied(state, vars):
        steps.append(("applied", vars))
        return []

    monkeypatch.setattr(page_events, "_apply_client_storage_vars", applied)
    monkeypatch.setattr(reflex_state, "_load_events_for_page", lambda state: steps.append("queued") or ["load"])
    assert _run(handler.fn(_Page(), vars={"cart_tokens": "{}"})) == ["load"]
    assert steps == [("applied", {"cart_tokens": "{}"}), "queued"]
    steps.clear()
    assert _run(handler.fn(_Page())) == ["load"] and steps == ["queued"]  # a hydrate's chain: no values
