"""Overhead: what the SDK costs per request against raw aiohttp and the peer SDK.

Against the lean server (``benchmarks/_lean.py``: precomputed answers, a few
tens of us per request, its own process), no latency, the SDK's limiter off:
the client is the bottleneck, so requests/s is the client's speed.  Each
answer is a Campaign with every field of the schema set (about 1.9 KB), which
the SDK structures into a model and raw aiohttp only decodes (``resp.json()``).
``cpu us/req`` is the client process's CPU per request.  The clients run in
alternating blocks of 500 requests (see ``_load.interleaved``).
"""

from __future__ import annotations

from .._clients import CLIENTS
from .._config import Config, json_codec
from .._load import race
from .._report import Results
from .._server import lean_server

NAME = "1. overhead (pauses, no latency, no rate limit)"
COUNT = 5_000
BLOCK = 500
CONCURRENCY = (1, 16, 64)


async def run(cfg: Config, results: Results) -> None:
    count = cfg.n(COUNT)
    clients = CLIENTS if cfg.peer else tuple(c for c in CLIENTS if c != "instantlyai")
    with lean_server(campaigns=count) as server:
        for i in range(cfg.runs):
            for concurrency in CONCURRENCY:
                measured = await race(
                    cfg.order(clients, i),
                    server.base_url,
                    server.ids,
                    count=count,
                    concurrency=concurrency,
                    block=cfg.n(BLOCK),
                    timeout=600,
                )
                for kind in clients:  # a fixed row order, whoever ran first
                    res = measured[kind]
                    results.row(NAME, f"c={concurrency}", kind).add(
                        **{"req/s": res.rps, "cpu us/req": res.cpu_us_per_request}
                    )
                sdk, raw = measured["sdk"], measured["raw"]
                ratios = {"x raw": sdk.rps / raw.rps, "x raw cpu": sdk.cpu / raw.cpu}
                if cfg.peer:
                    ratios["x instantlyai"] = sdk.rps / measured["instantlyai"].rps
                results.row(NAME, f"c={concurrency}", "sdk").add(**ratios)
    goal, floor = (">= 1.0", 1.0) if json_codec() != "json" else (">= 0.85", 0.85)
    for concurrency in CONCURRENCY:
        sdk_row = results.row(NAME, f"c={concurrency}", "sdk")
        vs_raw = sdk_row.median("x raw")
        results.target(
            f"overhead c={concurrency}: sdk/raw req/s ({json_codec()})",
            vs_raw,
            goal,
            vs_raw >= floor,
            f"cpu sdk/raw {sdk_row.median('x raw cpu'):.2f}",
        )
        if cfg.peer:
            vs_peer = sdk_row.median("x instantlyai")
            results.target(
                f"overhead c={concurrency}: sdk/instantlyai", vs_peer, ">= 3", vs_peer >= 3.0
            )
