"""The connection gate: never more holders than slots, first come first served, no lost slot."""

from __future__ import annotations

import asyncio
import random

import pytest
from aiohttp import web

from instantly_async import AsyncInstantly
from instantly_async._session import Gate

from .conftest import API_KEY, serve_route


async def _hold(gate: Gate, seconds: float, active: list[int], peak: list[int]) -> None:
    if not gate.try_enter():
        await gate.enter()
    try:
        active[0] += 1
        peak[0] = max(peak[0], active[0])
        await asyncio.sleep(seconds)
    finally:
        active[0] -= 1
        gate.leave()


async def test_free_slots_are_taken_without_waiting() -> None:
    gate = Gate(2)
    assert gate.try_enter() and gate.try_enter()
    assert not gate.try_enter()
    gate.leave()
    assert gate.try_enter()


async def test_waiters_are_served_in_arrival_order() -> None:
    gate = Gate(1)
    assert gate.try_enter()
    order: list[int] = []

    async def waiter(i: int) -> None:
        await gate.enter()
        order.append(i)
        gate.leave()

    tasks = [asyncio.create_task(waiter(i)) for i in range(5)]
    await asyncio.sleep(0)  # all five queue up
    gate.leave()
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4]
    # Every slot came back: the gate is as it started.
    assert gate.try_enter() and not gate.try_enter()


async def test_a_newcomer_cannot_overtake_a_waiter() -> None:
    gate = Gate(1)
    assert gate.try_enter()
    queued = asyncio.create_task(gate.enter())
    await asyncio.sleep(0)
    gate.leave()  # handed to the queued task, not put back
    assert not gate.try_enter()
    await queued
    gate.leave()
    assert gate.try_enter()


async def test_cancelled_waiters_lose_no_slot() -> None:
    gate = Gate(1)
    assert gate.try_enter()
    first = asyncio.create_task(gate.enter())
    second = asyncio.create_task(gate.enter())
    await asyncio.sleep(0)
    first.cancel()  # cancelled while queued
    await asyncio.sleep(0)
    gate.leave()  # skips the cancelled waiter
    await second
    gate.leave()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert gate.try_enter() and not gate.try_enter()


async def test_cancelled_just_after_the_handover_passes_the_slot_on() -> None:
    gate = Gate(1)
    assert gate.try_enter()
    first = asyncio.create_task(gate.enter())
    second = asyncio.create_task(gate.enter())
    await asyncio.sleep(0)
    gate.leave()  # the slot goes to `first`...
    first.cancel()  # ...which is cancelled before it runs again
    with pytest.raises(asyncio.CancelledError):
        await first
    await asyncio.wait_for(second, 1)  # so `second` must get it
    gate.leave()
    assert gate.try_enter() and not gate.try_enter()


async def test_random_cancellations_never_exceed_the_size_or_leak() -> None:
    rng = random.Random(7)
    gate, active, peak = Gate(4), [0], [0]
    tasks = [
        asyncio.create_task(_hold(gate, rng.uniform(0, 0.003), active, peak)) for _ in range(300)
    ]
    for task in rng.sample(tasks, 100):
        await asyncio.sleep(rng.uniform(0, 0.001))
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert peak[0] == 4 and active[0] == 0
    assert all(r is None or isinstance(r, asyncio.CancelledError) for r in results)
    assert sum(isinstance(r, asyncio.CancelledError) for r in results) > 0
    # All four slots are free again.
    assert [gate.try_enter() for _ in range(5)] == [True, True, True, True, False]


async def test_client_never_has_more_requests_in_flight_than_connections() -> None:
    active, peak = [0], [0]

    async def handler(request: web.Request) -> web.Response:
        active[0] += 1
        peak[0] = max(peak[0], active[0])
        await asyncio.sleep(0.005)
        active[0] -= 1
        return web.json_response({"ok": True})

    async with (
        serve_route("POST", "/api/v2/anything", handler) as base_url,
        AsyncInstantly(
            api_key=API_KEY, base_url=base_url, max_connections=3, rate_limit=None
        ) as client,
    ):
        calls = (client.request("POST", "/api/v2/anything", safe_to_retry=True) for _ in range(40))
        answers = await asyncio.gather(*calls)
    assert answers == [{"ok": True}] * 40
    assert peak[0] == 3


async def test_waiting_for_a_connection_does_not_count_against_the_timeout() -> None:
    # One connection, held by the first request well past the timeout: the second
    # waits at the gate, and its timeout only starts once it has the connection.
    first_in, release = asyncio.Event(), asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        if not first_in.is_set():
            first_in.set()
            await release.wait()
        return web.json_response({"ok": True})

    async with (
        serve_route("POST", "/api/v2/anything", handler) as base_url,
        AsyncInstantly(
            api_key=API_KEY, base_url=base_url, max_connections=1, rate_limit=None, timeout=2.0
        ) as client,
    ):
        first = asyncio.ensure_future(
            client.request("POST", "/api/v2/anything", safe_to_retry=False)
        )
        await first_in.wait()
        second = asyncio.ensure_future(
            client.with_options(timeout=0.2).request(
                "POST", "/api/v2/anything", safe_to_retry=False
            )
        )
        # Well past the second request's 0.2 s, measured on the loop's clock.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 0.6
        while loop.time() < deadline:  # noqa: ASYNC110 - time is the behaviour here
            await asyncio.sleep(0.05)
        assert not second.done()
        release.set()
        assert await first == {"ok": True}
        assert await second == {"ok": True}
