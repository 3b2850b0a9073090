"""Which states a tab's first hydrate needs: the ones it ever saved, not all 95 of the tree.

Reflex's `hydrate_and_load` is an event of the root state, so its Redis manager reads and builds every state
of the app (95 here, the console's included) for every page opened, turns each into a dict, and then drops
from the snapshot every var still at the default the compiled page already holds (the `hashes` the frontend
sends on a page's first hydrate). A state that was never saved for the tab is at its defaults by definition,
so all of that work ends in nothing sent: for a new tab, 13 ms of a 26 ms page opened (bench/README.md,
session 11).

So when the frontend's hashes say it holds exactly the backend's defaults, the hydrate reads from Redis the
states the tab saved, the root, and every state with a computed var the frontend sees (its value may depend
on something other than the defaults: the router, a cookie), each with its parents; the others stay unbuilt,
as they are for any other event, and Reflex builds one if something asks for it (`get_state`). When the
hashes are missing (a reconnect: the page may hold values of an expired state) or differ (a page compiled by
another version), the whole tree is read, as Reflex does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reflex.state import BaseState, _initial_snapshot_cache, all_base_state_classes

HYDRATE = "hydrate_and_load"

# Per root state class: (the snapshot Reflex cached, the hashes a frontend compiled with it sends).
_expected: dict[type[BaseState], tuple[Any, list[str]]] = {}
# Per (root class, number of state classes): the states every hydrate reads, saved or not.
_always: dict[tuple[type[BaseState], int], frozenset[type[BaseState]]] = {}


def is_default_hydrate(cls: type[BaseState], event: Any) -> bool:
    """Whether `event` (for a token of `cls`) is a tab's first hydrate of a page compiled with exactly the
    defaults this backend has (Reflex caches them at the first hydrate diffed in this worker)."""
    if event is None or cls.get_parent_state() is not None or event.name != f"{cls.get_name()}.{HYDRATE}":
        return False
    hashes = (event.payload or {}).get("hashes")
    return bool(hashes) and hashes == _default_hashes(cls)


def _default_hashes(root: type[BaseState]) -> list[str] | None:
    cached = _initial_snapshot_cache.get(root)
    if cached is None or cached.n_state_classes != len(all_base_state_classes):
        return None  # Reflex works the defaults out (again) in this hydrate: read the whole tree this once
    known = _expected.get(root)
    if known is None or known[0] is not cached:
        known = _expected[root] = (cached, [cached.names_digest, *(cached.hashes[name] for name in sorted(cached.hashes))])
    return known[1]


def hydrate_reads(classes: Sequence[type[BaseState]], stored: list) -> list[tuple[type[BaseState], Any]]:
    """Of `classes` (parents first) and `stored` (their MGET answer, same order), the pairs a default hydrate
    builds: the saved states, the root and the states with frontend computed vars, each with its parents."""
    wanted = set(_always_read(classes[0].get_root_state()))
    for cls, data in zip(classes, stored, strict=True):
        if data is not None:
            wanted.update(_with_parents(cls))
    return [(cls, data) for cls, data in zip(classes, stored, strict=True) if cls in wanted]


def _always_read(root: type[BaseState]) -> frozenset[type[BaseState]]:
    key = (root, len(all_base_state_classes))
    if (found := _always.get(key)) is None:
        found = _always[key] = frozenset(
            parent for cls in state_tree(root) if cls is root or any(not var._backend for var in cls.computed_vars.values())
            for parent in _with_parents(cls)
        )
    return found


def state_tree(cls: type[BaseState]) -> list[type[BaseState]]:
    """`cls` and every state under it, each before its substates."""
    return [cls, *(each for sub in cls.get_substates() for each in state_tree(sub))]


def _with_parents(cls: type[BaseState] | None) -> list[type[BaseState]]:
    found = []
    while cls is not None:
        found.append(cls)
        cls = cls.get_parent_state()
    return found
