"""A tab's states stored compressed against the app's names (shopapp/state_zip.py): smaller, read back the
same, states stored before still read, another build's treated as Reflex treats another version's."""

from __future__ import annotations

import inspect
import io
import os
import subprocess
import sys
import zlib

import pytest
from reflex.istate.manager import disk as reflex_disk
from reflex.istate.manager import redis as reflex_redis
from reflex.state import BaseState
from reflex_base.utils.exceptions import StateSchemaMismatchError

import shopapp.shopapp  # noqa: F401 - every state class of the app, and state_zip installed, as in a worker
from shopapp import state_zip
from shopapp.ui.store.product import ProductPageState


def a_product_page() -> ProductPageState:
    page = ProductPageState(init_substates=False, _reflex_internal_init=True)
    page.product = {"id": "7", "title": "明前龙井", "description_html": "<p>西湖龙井，明前采摘。</p>"}
    page.qty = 3
    return page


def read(data: bytes) -> BaseState:
    return state_zip._deserialize(BaseState, data=data)


def test_a_state_is_stored_smaller_and_read_back_the_same():
    page = a_product_page()
    packed, plain = state_zip._serialize(page), state_zip._reflex_serialize(page)
    assert packed.startswith(state_zip.MARK) and len(packed) < 0.75 * len(plain)
    again = read(packed)
    assert type(again) is ProductPageState
    assert again.product == page.product and again.qty == 3


def test_a_state_stored_before_compression_still_reads():
    plain = state_zip._reflex_serialize(a_product_page())
    assert read(plain).qty == 3


def test_the_disk_state_manager_hands_a_file_and_it_reads():
    packed = state_zip._serialize(a_product_page())
    assert state_zip._deserialize(BaseState, fp=io.BytesIO(packed)).qty == 3


def test_a_state_compressed_by_another_build_is_a_fresh_state_as_reflex_does_for_another_version():
    plain = state_zip._reflex_serialize(a_product_page())
    words = b"another build's names"
    packer = zlib.compressobj(1, zdict=words)
    other = state_zip.MARK + b"\x01\x02\x03\x04" + packer.compress(plain) + packer.flush()
    with pytest.raises(StateSchemaMismatchError):
        read(other)
    with pytest.raises(StateSchemaMismatchError):  # damaged on the way: the same
        read(state_zip._serialize(a_product_page())[:-8])


def test_every_worker_and_every_restart_of_one_build_makes_the_same_dictionary():
    """Workers are forked from one import, but a restarted worker (or the next start) makes its own: sets
    iterate in another order under another hash seed, and the dictionary must not depend on it."""
    state_zip._dictionary = None  # made again here, with every state of the app imported
    ident, _ = state_zip.dictionary()
    code = "import shopapp.shopapp; from shopapp import state_zip; print(state_zip.dictionary()[0].hex())"
    for seed in ("1", "2"):
        made = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert made.stdout.strip().splitlines()[-1] == ident.hex()


def test_what_it_replaces_in_reflex_is_still_there():
    assert list(inspect.signature(state_zip._reflex_serialize).parameters) == ["self"]
    assert list(inspect.signature(state_zip._reflex_deserialize).parameters) == ["cls", "data", "fp"]
    # The state managers pickle and unpickle through these two, and nowhere else.
    for manager in (reflex_redis, reflex_disk):
        source = inspect.getsource(manager)
        assert "._serialize()" in source or "serialize(" in source
        assert "pickle.loads" not in source and "pickle.dumps" not in source


def test_the_app_stores_its_states_compressed():
    assert BaseState._serialize is state_zip._serialize
    assert BaseState._deserialize.__func__ is state_zip._deserialize


def test_a_state_class_made_while_serving_does_not_change_the_dictionary():
    """Reflex makes state classes for some components as pages compile, in whichever worker compiles them:
    a worker that made one must still read what the others saved."""
    state_zip._dictionary = None
    before = state_zip.dictionary()

    class MadeAtRunTime(BaseState):  # like a ComponentState's, not at the top of a module
        note: str = ""

    state_zip._dictionary = None
    assert state_zip.dictionary() == before
    assert MadeAtRunTime not in state_zip._all_state_classes()


def test_a_reflex_module_imported_later_does_not_change_the_dictionary():
    state_zip._dictionary = None
    before = state_zip.dictionary()
    import reflex.istate.shared  # noqa: F401 - imported by Reflex only when first used
    import reflex.testing  # noqa: F401

    state_zip._dictionary = None
    assert state_zip.dictionary() == before
