"""A tab's first hydrate reads only the states it saved (shopapp/hydrate_states.py): the page is sent exactly
what Reflex's read of the whole tree sends it, and anything but the first hydrate of a page compiled with this
backend's defaults reads the whole tree."""

from __future__ import annotations

import types

from reflex.istate.delta import _resolve_delta
from reflex.state import State, _diff_against_initial_state, cache_initial_snapshot

from shopapp import hydrate_states
from shopapp.redis_states import attach_stored_states
from shopapp.ui.state import LangState
from shopapp.ui.store.coupons import CouponBlockState
from shopapp.ui.store.product import ProductPageState
from shopapp.ui.store.state import StoreState
from tests.loops import run_coroutine


def _defaults() -> list[str]:
    """The hashes a page compiled with this backend's defaults sends (Reflex caches them as its compiler does)."""
    import shopapp.shopapp  # noqa: F401  every page's states defined, as in a worker

    cache_initial_snapshot(State, run_coroutine(_resolve_delta(State(_reflex_internal_init=True).dict(initial=True))))
    return hydrate_states._default_hashes(State)


def _hydrate(hashes) -> types.SimpleNamespace:
    return types.SimpleNamespace(name=f"{State.get_name()}.hydrate_and_load", payload={"hashes": hashes})


def _classes() -> list:
    return sorted(hydrate_states.state_tree(State), key=lambda cls: cls.get_full_name())


def _saved_product_page() -> bytes:
    page = ProductPageState(init_substates=False, _reflex_internal_init=True)
    page.chosen, page.qty = ["红", "L"], 3
    return page._serialize()


def _sent(tree: dict, hashes: list[str]) -> dict:
    root = tree[State.get_full_name()]
    root.is_hydrated = False
    return run_coroutine(_diff_against_initial_state(State, run_coroutine(_resolve_delta(root.dict())), hashes))


def test_a_new_tabs_hydrate_sends_what_reading_the_whole_tree_sends_from_a_few_states():
    hashes = _defaults()
    assert hydrate_states.is_default_hydrate(State, _hydrate(hashes))
    classes = _classes()
    stored = [_saved_product_page() if cls is ProductPageState else None for cls in classes]
    whole, few = {}, {}
    attach_stored_states(whole, zip(classes, stored, strict=True))
    attach_stored_states(few, hydrate_states.hydrate_reads(classes, stored))
    assert len(whole) == len(classes) > 90
    assert len(few) < 10 and ProductPageState.get_full_name() in few
    assert CouponBlockState.get_full_name() not in few  # never saved: left unbuilt
    sent = _sent(few, hashes)
    assert sent == _sent(whole, hashes)
    assert sent[ProductPageState.get_full_name()] == {"chosen_rx_state_": ["红", "L"], "qty_rx_state_": 3}


def test_a_saved_state_is_read_with_its_parents_and_the_computed_ones_always():
    classes = _classes()
    stored = [b"saved" if cls is CouponBlockState else None for cls in classes]
    read = {cls for cls, _ in hydrate_states.hydrate_reads(classes, stored)}
    assert {State, LangState, StoreState, CouponBlockState, ProductPageState} <= read
    assert [data for cls, data in hydrate_states.hydrate_reads(classes, stored) if cls is CouponBlockState] == [b"saved"]


def test_anything_but_a_first_hydrate_of_this_backends_page_reads_the_whole_tree():
    hashes = _defaults()
    assert not hydrate_states.is_default_hydrate(State, _hydrate(None))  # a reconnect sends no hashes
    assert not hydrate_states.is_default_hydrate(State, _hydrate([*hashes[:-1], "0" * 16]))  # another build
    assert not hydrate_states.is_default_hydrate(State, types.SimpleNamespace(name=f"{State.get_name()}.hydrate", payload={}))
    assert not hydrate_states.is_default_hydrate(ProductPageState, _hydrate(hashes))
    assert not hydrate_states.is_default_hydrate(State, None)
