"""The embedded default (one worker, page state in its memory) drops a gone tab's page state once its
websocket has been closed GONE_TAB_SECONDS, instead of an hour after its last event; a tab that came
back, or one an event is running for, keeps it (shopapp/worker_tokens.LocalTabTokenManager)."""

import asyncio

from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken
from reflex.state import State

from shopapp import worker_tokens
from shopapp.ui.store.product import ProductPageState
from tests.loops import run_coroutine


def test_embedded_default_makes_the_tab_token_manager(monkeypatch):
    from reflex.utils import prerequisites

    monkeypatch.setattr(prerequisites, "check_redis_used", lambda: False)
    assert isinstance(worker_tokens._create(None), worker_tokens.LocalTabTokenManager)


def test_a_gone_tabs_state_is_dropped_and_a_returning_tabs_is_kept(monkeypatch):
    monkeypatch.setattr(worker_tokens, "GONE_TAB_SECONDS", 0.05)
    run_coroutine(_tabs())


async def _tabs() -> None:
    manager = StateManagerMemory()
    tokens = worker_tokens.LocalTabTokenManager()
    tokens._state_manager = lambda: manager
    for tab in ("gone", "back", "busy"):
        async with manager.modify_state(BaseStateToken(ident=tab, cls=State)) as root:
            (await root.get_state(ProductPageState)).qty = 3
        await tokens.link_token_to_sid(tab, f"sid-{tab}")
        await tokens.disconnect_token(tab, f"sid-{tab}")
    await tokens.link_token_to_sid("back", "sid-back-again")  # a reload within the grace
    async with manager.modify_state(BaseStateToken(ident="busy", cls=State)):
        await asyncio.sleep(0.2)  # an event still running when the grace ends
    assert set(manager.states) == {"back", "busy"}
    async with manager.modify_state(BaseStateToken(ident="back", cls=State)) as root:
        assert (await root.get_state(ProductPageState)).qty == 3
    assert worker_tokens.forget_tab_state(manager, "busy") is True  # once nothing holds it
    assert worker_tokens.forget_tab_state(manager, "busy") is False
    await manager.close()
