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

from reflex.istate.manager import get_state_manager
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex.state import BaseState

from shopapp.redis_states import attach_stored_states, stored_state


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
    attach_stored_states(tree, zip(missing, stored, strict=True))


async def stored_states(state: BaseState, classes: list[type[BaseState]]) -> dict[type[BaseState], BaseState]:
    """Each of `classes` as the tab has it, to read, not to change: the one in `state`'s tree, or with Redis a
    copy of that state alone, read in one MGET for all of them and attached to nothing.

    Reflex's `get_state(Cls)` reads Cls with every substate below it (StoreState: 27 storefront states) and
    puts them in the event's tree; an event that only compares a value needs none of them."""
    manager = get_state_manager()
    root = state._get_root_state()
    if not isinstance(manager, StateManagerRedis) or getattr(root, "_reflex_internal_links", None):
        return {cls: await state.get_state(cls) for cls in classes}  # in memory, or shared states: Reflex's way
    tree = manager._get_populated_states(root)
    found = {cls: tree[cls.get_full_name()] for cls in classes if cls.get_full_name() in tree}
    missing = [cls for cls in classes if cls not in found]
    if missing:
        token = BaseStateToken(ident=root.rx_router_session.client_token, cls=type(root))
        stored = await manager.redis.mget([token._state_key(cls) for cls in missing])
        found.update((cls, stored_state(cls, data)) for cls, data in zip(missing, stored, strict=True))
    return found
