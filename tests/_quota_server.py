"""The fake Instantly in its own process, counting requests per sliding window.

Run as a script by tests/test_quota_windows.py.  A separate process, so the
arrival times it records are not bent by the client's event loop (the client
under test stalls its own loop on purpose).  It prints its base URL, then
serves until SIGTERM/SIGINT.

``POST /_quota/start?spike=S`` forgets the requests so far and starts a
latency spike: every request arriving in the next S seconds is held until they
are over, then all are answered at once (the client builds a backlog).
``GET /_quota`` reports ``{"requests", "max_1s", "max_60s"}``: the most
requests that arrived within any 1 s and any 60 s span.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import gc
import signal
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from instantly_async.testing import FakeInstantly


def max_in_window(stamps: list[float], window: float) -> int:
    """The most stamps inside any half-open span ``[t, t + window)``."""
    ordered = sorted(stamps)
    best = 0
    for i, start in enumerate(ordered):
        best = max(best, bisect.bisect_left(ordered, start + window, lo=i) - i)
    return best


async def serve(args: argparse.Namespace) -> None:
    fake = FakeInstantly(api_key=args.api_key)
    fake.seed_campaigns(args.seed, status=1)
    # A collection pause here would hold arriving requests back and stamp them
    # together: a burst the client never sent.  The process lives for seconds.
    gc.disable()
    lags: list[float] = []

    async def watch_lag() -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.005)
            lags.append(loop.time() - before - 0.005)

    lag_task = asyncio.create_task(watch_lag())
    stamps: list[float] = []
    spike_end = [0.0]

    @web.middleware
    async def count(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path == "/_quota/start":
            stamps.clear()
            spike_end[0] = time.monotonic() + float(request.query.get("spike", 0))
            return web.json_response({})
        if request.path == "/_quota":
            return web.json_response(
                {
                    "requests": len(stamps),
                    "max_1s": max_in_window(stamps, 1.0),
                    "max_60s": max_in_window(stamps, 60.0),
                    "max_lag_ms": round(max(lags, default=0.0) * 1000, 1),
                    **({"stamps": stamps} if "stamps" in request.query else {}),
                }
            )
        now = time.monotonic()
        stamps.append(now)
        # The answer is made on arrival and only its sending is held: answering
        # a whole backlog at the end of a spike would keep this loop too busy
        # to stamp the next arrivals on time.
        response = await handler(request)
        if now < spike_end[0]:
            await asyncio.sleep(spike_end[0] - now)
        return response

    app = fake.app
    app.middlewares.append(count)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print(f"http://127.0.0.1:{runner.addresses[0][1]}", flush=True)
    try:
        await stop.wait()
    finally:
        lag_task.cancel()
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--seed", type=int, default=0)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
