"""Overhead: what the SDK costs per request against raw aiohttp and the peer SDK.

No latency, no server rate limit, the SDK's limiter off: the time per request
is the client's own work plus the fake's, so the SDK/raw ratio exposes the
SDK's overhead (fully so at concurrency 1; at 64 the fake's single core may be
the bottleneck for every client).  ``cpu us/req`` is the client process's CPU
per request, the overhead with the server taken out.  The clients run in
alternating blocks of 500 requests (see ``_load.interleaved``).
"""

from __future__ import annotations

from .._clients import CLIENTS
from .._config import Config
from .._load import race
from .._report import Results
from .._server import fake_server

NAME = "1. overhead (pauses, no latency, no rate limit)"
COUNT = 5_000
BLOCK = 500
CONCURRENCY = (1, 16, 64)


async def run(cfg: Config, results: Results) -> None:
    count = cfg.n(COUNT)
    with fake_server(seed=count) as server:
        for i in range(cfg.runs):
            for concurrency in CONCURRENCY:
                measured = await race(
                    cfg.order(CLIENTS, i),
                    server.base_url,
                    server.ids,
                    count=count,
                    concurrency=concurrency,
                    block=cfg.n(BLOCK),
                    timeout=600,
                )
                for kind, res in measured.items():
                    results.row(NAME, f"c={concurrency}", kind).add(
                        **{"req/s": res.rps, "cpu us/req": res.cpu_us_per_request}
                    )
                sdk, raw, peer = (measured[k].rps for k in ("sdk", "raw", "instantlyai"))
                results.row(NAME, f"c={concurrency}", "sdk").add(
                    **{"x raw": sdk / raw, "x instantlyai": sdk / peer}
                )
    for concurrency in CONCURRENCY:
        sdk_row = results.row(NAME, f"c={concurrency}", "sdk")
        vs_raw, vs_peer = sdk_row.median("x raw"), sdk_row.median("x instantlyai")
        results.target(f"overhead c={concurrency}: sdk/raw", vs_raw, ">= 0.85", vs_raw >= 0.85)
        results.target(
            f"overhead c={concurrency}: sdk/instantlyai", vs_peer, ">= 3", vs_peer >= 3.0
        )
