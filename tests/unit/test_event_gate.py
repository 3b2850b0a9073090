"""The event gate (shopapp/event_gate.py): at most N page events of a worker at a time, the events of
tabs already served ahead of arriving tabs, each queue in order; a cancelled waiter loses no slot."""

import asyncio

import reflex.app

from shopapp import event_gate
from tests.loops import run_coroutine


def test_reflex_makes_the_gated_event_processor():
    event_gate.install()
    assert reflex.app.BaseStateEventProcessor is event_gate.GatedEventProcessor


def test_at_most_n_at_once_and_served_tabs_before_arrivals():
    async def run() -> tuple[list[str], int]:
        gate, order, running, most = event_gate.Gate(2), [], 0, 0

        async def event(name: str, arrival: bool):
            nonlocal running, most
            await gate.acquire(arrival=arrival)
            try:
                running += 1
                most = max(most, running)
                order.append(name)
                await asyncio.sleep(0.01)
            finally:
                running -= 1
                gate.release()

        tasks = [asyncio.create_task(event(f"new-{n}", True)) for n in range(4)]
        await asyncio.sleep(0)  # new-0 and new-1 run, new-2 and new-3 wait
        tasks += [asyncio.create_task(event(f"click-{n}", False)) for n in range(2)]
        await asyncio.gather(*tasks)
        return order, most

    order, most = run_coroutine(run())
    assert most == 2
    assert order == ["new-0", "new-1", "click-0", "click-1", "new-2", "new-3"]


def test_a_cancelled_waiter_gives_its_turn_on():
    async def run() -> int:
        gate = event_gate.Gate(1)
        await gate.acquire(arrival=False)
        waiting = asyncio.create_task(gate.acquire(arrival=True))
        await asyncio.sleep(0)
        waiting.cancel()
        gate.release()
        await asyncio.gather(waiting, return_exceptions=True)
        await asyncio.wait_for(gate.acquire(arrival=True), 1)  # the slot is free again
        return gate.free

    assert run_coroutine(run()) == 0
