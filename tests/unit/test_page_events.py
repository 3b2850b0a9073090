"""Fewer Reflex events per storefront navigation (shopapp/ui/page_events.py): the two functions of Reflex it
replaces are still there under these names, and the pages marked @hydrating queue no set_is_hydrated."""

from __future__ import annotations

import reflex.state as reflex_state

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
