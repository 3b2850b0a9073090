"""How much UI state a tab carries: every Reflex state, its vars computed, pickled as the state
manager stores it (in Redis, or on disk for the embedded default). Prints the biggest states and the
total, so a change to the state design can be weighed (issue 17: <= 40 KB per shopper in all).

    .venv/bin/python bench/state_size.py
"""

from __future__ import annotations

import reflex as rx

from shopapp.shopapp import app


def sizes(state: rx.State) -> list[tuple[str, int]]:
    found = [(state.get_full_name(), len(state._serialize()))]
    for sub in state.substates.values():
        found += sizes(sub)
    return found


def main() -> None:
    app._apply_decorated_pages()
    root = rx.State(_reflex_internal_init=True)
    root.dict()  # computes every computed var, as a page load does for the states it touches
    found = sorted(sizes(root), key=lambda pair: -pair[1])
    for name, size in found[:12]:
        print(f"{size:>8} B  {name.rsplit('.', 1)[-1]}")
    print(f"{sum(size for _, size in found):>8} B  in all ({len(found)} states; a storefront tab holds only its own path)")


if __name__ == "__main__":
    main()
