"""The three ways to pause a campaign that the throughput scenarios compare.

* ``sdk``: ``instantly_async.AsyncInstantly`` with its limiter off;
* ``raw``: what a careful person writes by hand: one ``aiohttp.ClientSession``,
  ``resp.json()``, no models, no retries;
* ``instantlyai``: the httpx + pydantic SDK from PyPI, in its async mode, with
  its defaults (it paces only when given ``requests_per_minute``).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp

from instantly_async import AsyncInstantly, RateLimit

API_KEY = "test-key"
CLIENTS = ("sdk", "raw", "instantlyai")

Pause = Callable[[str], Awaitable[Any]]


class RawAiohttp:
    """Hand-written aiohttp: one pooled session, JSON decoded, status checked."""

    def __init__(self, base_url: str, *, max_connections: int = 100) -> None:
        self._base = base_url.rstrip("/") + "/api/v2/campaigns"
        self._headers = {"Authorization": f"Bearer {API_KEY}", "Accept": "application/json"}
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=max_connections))

    async def pause(self, campaign_id: str) -> Any:
        async with self._session.post(
            f"{self._base}/{campaign_id}/pause",
            headers=self._headers,
            # aiohttp would declare an empty body as application/octet-stream,
            # which the API answers with 415.
            skip_auto_headers=("Content-Type",),
        ) as resp:
            if resp.status != 200:
                raise RuntimeError(f"pause -> {resp.status}")
            return await resp.json()

    async def list_page(self, cursor: str | None, limit: int) -> Any:
        params: dict[str, str | int] = {"limit": limit}
        if cursor:
            params["starting_after"] = cursor
        async with self._session.get(self._base, params=params, headers=self._headers) as resp:
            if resp.status != 200:
                raise RuntimeError(f"list -> {resp.status}")
            return await resp.json()

    async def close(self) -> None:
        await self._session.close()


@contextlib.asynccontextmanager
async def raw_client(base_url: str) -> AsyncIterator[RawAiohttp]:
    client = RawAiohttp(base_url)
    try:
        yield client
    finally:
        await client.close()


@contextlib.asynccontextmanager
async def sdk_client(
    base_url: str, *, rate_limit: RateLimit | None = None, **options: Any
) -> AsyncIterator[AsyncInstantly]:
    async with AsyncInstantly(
        api_key=API_KEY, base_url=base_url, rate_limit=rate_limit, **options
    ) as client:
        yield client


@contextlib.asynccontextmanager
async def pause_client(kind: str, base_url: str) -> AsyncIterator[Pause]:
    """``async with pause_client("raw", url) as pause: await pause(campaign_id)``."""
    if kind == "sdk":
        async with sdk_client(base_url) as sdk:
            yield sdk.campaigns.pause
    elif kind == "raw":
        async with raw_client(base_url) as raw:
            yield raw.pause
    elif kind == "instantlyai":
        # Imported here so the other scenarios run without the peer SDK installed.
        from instantlyai import AsyncInstantly as PeerInstantly

        async with PeerInstantly(api_key=API_KEY, base_url=base_url) as peer:
            yield peer.campaigns.pause
    else:
        raise ValueError(f"unknown client {kind!r}")
