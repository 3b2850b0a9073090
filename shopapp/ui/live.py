"""Keeping an open page fresh: a background event re-reads its data every few seconds while the page stays open."""

import asyncio
from collections.abc import Callable


async def refresh_while_open(state, path_end: str, every_seconds: int, for_minutes: int, refresh: Callable[[], None]) -> None:
    """Call `refresh` under the state's lock every `every_seconds`, until the browser leaves `path_end` or time runs out.

    The state needs a `watching` flag, so a page opened twice does not start two loops.
    """
    async with state:
        state.watching = True
    try:
        for _ in range(for_minutes * 60 // every_seconds):
            await asyncio.sleep(every_seconds)
            async with state:
                if not state.router.url.path.rstrip("/").endswith(path_end):
                    return
                refresh()
    finally:
        async with state:
            state.watching = False
