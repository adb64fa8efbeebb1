"""Latency: with 20 ms per request, does concurrency 64 buy 64 / 0.020 = 3,200 req/s?

Measures how well a client keeps its requests in flight (no head-of-line
blocking, no serialisation on a lock, pooled connections) when the server is
slow rather than busy.  Against the lean server, which holds each answer for
the latency and spends next to no CPU on it.
"""

from __future__ import annotations

from .._config import Config
from .._load import race
from .._report import Results
from .._server import lean_server

NAME = "3. latency (20 ms per request, concurrency 64)"
LATENCY = 0.020
CONCURRENCY = 64
COUNT = 2_000
IDEAL_RPS = CONCURRENCY / LATENCY
CLIENTS = ("sdk", "raw")


async def run(cfg: Config, results: Results) -> None:
    count = cfg.n(COUNT)
    with lean_server(campaigns=count, latency=LATENCY) as server:
        for i in range(cfg.runs):
            # Two blocks per client: long enough that ramp-up and drain stay small.
            measured = await race(
                cfg.order(CLIENTS, i),
                server.base_url,
                server.ids,
                count=count,
                concurrency=CONCURRENCY,
                block=count // 2,
                timeout=120,
            )
            for kind, res in measured.items():
                results.row(NAME, f"{count:,} pauses", kind).add(
                    **{
                        "req/s": res.rps,
                        "ideal req/s": IDEAL_RPS,
                        "x ideal": res.rps / IDEAL_RPS,
                        "cpu us/req": res.cpu_us_per_request,
                    }
                )
            results.row(NAME, f"{count:,} pauses", "sdk").add(
                **{"x raw": measured["sdk"].rps / measured["raw"].rps}
            )
    case = f"{count:,} pauses"
    sdk, raw = (results.row(NAME, case, k).median("x ideal") for k in ("sdk", "raw"))
    results.target(
        "latency: sdk achieved / ideal",
        sdk,
        ">= 0.90",
        sdk >= 0.90,
        f"raw aiohttp reaches {raw:.2f} here; "
        f"sdk / raw = {results.row(NAME, case, 'sdk').median('x raw'):.2f}",
    )
