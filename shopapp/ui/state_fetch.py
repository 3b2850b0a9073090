"""Several states an event will use, read from Redis in one round trip.

With Redis, Reflex reads a state that an event reaches through `await self.get_state(Other)` in a
read of its own (an MGET, its unpickling, the tree bookkeeping). A product page's one on_load fills
five blocks' states that way: five round trips, about a sixth of the event's CPU in a py-spy profile
of the worker (most of it in the socket writes). `fetch_states` reads them all in one MGET, as
Reflex's own get_state reads one state's tree, and attaches them to the event's tree, so each
`get_state` after it finds its state there. Without Redis (the memory manager holds every state of a
tab already) it does nothing.
"""

from __future__ import annotations

import contextlib

from reflex.istate.manager import get_state_manager
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex.state import BaseState
from reflex_base.utils.exceptions import StateSchemaMismatchError


async def fetch_states(state: BaseState, *classes: type[BaseState]) -> None:
    """Attach to `state`'s tree every state of `classes` (and what Reflex reads with each) not in it yet."""
    manager = get_state_manager()
    if not isinstance(manager, StateManagerRedis):
        return
    root = state._get_root_state()
    linked = getattr(root, "_reflex_internal_links", None) or {}
    tree = manager._get_populated_states(root)
    have = {type(s) for s in tree.values()}
    wanted: set[type[BaseState]] = set()
    for cls in classes:
        if cls.get_full_name() not in linked:  # a shared state is read through its link, by Reflex
            wanted |= manager._get_required_state_classes(cls, subclasses=True)
    # Parents before their substates (a full name sorts after its parent's), as Reflex's get_state does.
    missing = sorted(wanted - have, key=lambda cls: cls.get_full_name())
    if not missing:
        return
    token = BaseStateToken(ident=root.rx_router_session.client_token, cls=type(root))
    stored = await manager.redis.mget([token._state_key(cls) for cls in missing])
    for cls, data in zip(missing, stored, strict=True):
        fetched = None
        if data is not None:
            with contextlib.suppress(StateSchemaMismatchError):
                fetched = BaseState._deserialize(data=data)
        if fetched is None:  # never saved, or saved by another version of the app: a fresh one
            fetched = cls(init_substates=False, _reflex_internal_init=True)
        full_name = fetched.get_full_name()
        tree[full_name] = fetched
        parent_name, _, name = full_name.rpartition(".")
        parent = tree[parent_name]
        parent.substates[name] = fetched
        fetched.parent_state = parent
