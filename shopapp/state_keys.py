"""Where a tab's states live in Redis: a short key per state, and no key at all for a state at its defaults.

Reflex keys each of a tab's states by the tab's token and the state's full path
(`{token}_reflex___state____state.shopapp___ui___state____lang_state.shopapp___ui___store___state____store_state
.shopapp___ui___store___coupons____coupon_block_state`): up to 200 bytes a key, which Redis holds in its key
table, ~1.5 KB of a storefront tab's 5.3 KB there (bench/README.md, session 14). Here the path is replaced by
8 characters of its SHA-1, the same in every worker since it comes from the path alone (`state_key`, installed
over `BaseStateToken._state_key`, which Reflex's Redis and disk managers and ours key states by).

A state whose every field is at its class's default (the coupon block of a product without coupons, the chat
of a tab that never opened it, the language of a zh-CN shopper) is what Reflex builds when its key is missing,
so storing it keeps nothing Reflex could not rebuild: the Redis save deletes its key instead (`is_blank`). Six
of a product tab's eleven states are blank.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from reflex.istate.manager.token import BaseStateToken
from reflex.state import BaseState

_CACHED = "__cached_"  # a computed var's cached value: recomputed when missing, so not part of what is kept

_short_names: dict[type[BaseState], str] = {}
_blanks: dict[type[BaseState], dict[str, Any]] = {}


def short_name(cls: type[BaseState]) -> str:
    """8 URL-safe characters for the state's full path (48 bits: no two of a few hundred states meet)."""
    if (name := _short_names.get(cls)) is None:
        digest = hashlib.sha1(cls.get_full_name().encode()).digest()[:6]
        name = _short_names[cls] = base64.urlsafe_b64encode(digest).decode()
    return name


def state_key(self: BaseStateToken, cls: type[BaseState]) -> str:
    """The key a state of this token's tab is stored under (Reflex: `{ident}_{cls.get_full_name()}`)."""
    return f"{self.ident}_{short_name(cls)}"


def _kept(state: BaseState) -> dict[str, Any]:
    return {name: value for name, value in state.__getstate__().items() if not name.startswith(_CACHED)}


def is_blank(state: BaseState) -> bool:
    """Whether the state holds exactly what a fresh one of its class holds (its computed vars' caches aside).
    A field made by a factory (a uuid) differs from a fresh one's, so such a state is never blank."""
    cls = type(state)
    if (blank := _blanks.get(cls)) is None:
        blank = _blanks[cls] = _kept(cls(init_substates=False, _reflex_internal_init=True))
    return _kept(state) == blank


def install() -> None:
    BaseStateToken._state_key = state_key
