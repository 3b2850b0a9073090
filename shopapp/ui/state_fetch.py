"""Other states an event only reads, from Redis in one round trip and attached to nothing.

(States an event changes come in the event's own read when its handler declares them:
`redis_states.reads_too`.)
"""

from __future__ import annotations

from reflex.istate.manager import get_state_manager
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex.state import BaseState

from shopapp.redis_states import stored_state


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
