"""``FakeInstantly``: the public face of the fake server."""

from __future__ import annotations

import contextlib
import copy
import random
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from ._app import Pipeline, Settings, build_app
from ._faults import Faults
from ._operations import Operations
from ._ratelimit import SlidingWindowLimiter
from ._recording import FakeStats, RecordedRequest
from ._records import default_schedule
from ._spec import load_spec
from ._state import JSONObj, Store

__all__ = ["FakeInstantly"]

# In-flight handlers (say, a delay_next of 30 s) get this long before shutdown
# cancels them; nothing in a test should wait for them.
_SHUTDOWN_TIMEOUT = 0.25


def _make_limiter(rate_limit: tuple[int, int] | None) -> SlidingWindowLimiter | None:
    if rate_limit is None:
        return None
    per_second, per_minute = rate_limit
    return SlidingWindowLimiter(per_second, per_minute)


class FakeInstantly:
    """An in-process Instantly API v2 (Campaign + CampaignSubsequence) for tests.

    State is public and live: ``campaigns``/``subsequences`` hold the exact
    JSON the API returns, keyed by id.  Prefer the ``add_*``/``seed_*`` helpers
    to create records: they also maintain the hidden facts (launched, tags, leads).
    """

    def __init__(
        self,
        *,
        api_key: str = "test-key",
        rate_limit: tuple[int, int] | None = None,
        rate_limit_retry_after: float | None = None,
        cursor_on_last_page: bool = False,
        validate: bool = True,
        request_log_size: int = 10_000,
    ) -> None:
        self._settings = Settings(
            api_key=api_key,
            validate=validate,
            cursor_on_last_page=cursor_on_last_page,
            retry_after=rate_limit_retry_after,
            limiter=_make_limiter(rate_limit),
        )
        self._rate_limit = rate_limit
        self._store = Store()
        self.stats = FakeStats()
        self.faults = Faults()
        self.requests: deque[RecordedRequest] = deque(maxlen=request_log_size)
        self._operations = Operations(
            self._store, self.stats, cursor_on_last_page=lambda: self._settings.cursor_on_last_page
        )
        self._pipeline = Pipeline(
            spec=load_spec(),
            operations=self._operations,
            settings=self._settings,
            stats=self.stats,
            faults=self.faults,
            log=self.requests,
        )
        self._app: web.Application | None = None
        self._runner: web.ServerRunner | None = None
        self._base_url: str | None = None

    # -- knobs ---------------------------------------------------------------------------

    @property
    def api_key(self) -> str:
        return self._settings.api_key

    @api_key.setter
    def api_key(self, value: str) -> None:
        self._settings.api_key = value

    @property
    def validate(self) -> bool:
        return self._settings.validate

    @validate.setter
    def validate(self, value: bool) -> None:
        self._settings.validate = value

    @property
    def cursor_on_last_page(self) -> bool:
        return self._settings.cursor_on_last_page

    @cursor_on_last_page.setter
    def cursor_on_last_page(self, value: bool) -> None:
        self._settings.cursor_on_last_page = value

    @property
    def rate_limit_retry_after(self) -> float | None:
        return self._settings.retry_after

    @rate_limit_retry_after.setter
    def rate_limit_retry_after(self, value: float | None) -> None:
        self._settings.retry_after = value

    @property
    def rate_limit(self) -> tuple[int, int] | None:
        return self._rate_limit

    @rate_limit.setter
    def rate_limit(self, value: tuple[int, int] | None) -> None:
        """Setting it (even to the same value) starts with empty windows."""
        self._settings.limiter = _make_limiter(value)
        self._rate_limit = value

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def app(self) -> web.Application:
        """The aiohttp application (usable with ``aiohttp.test_utils.TestServer``)."""
        if self._app is None:
            self._app = build_app(self._pipeline)
        return self._app

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("FakeInstantly is not running; use start() or run()")
        return self._base_url

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on ``host:port`` (0 picks a free port); return the base URL."""
        if self._runner is not None:
            raise RuntimeError("FakeInstantly is already running")
        # A bare web.Server skips the Application's router and middleware
        # machinery (about a tenth of the server's time per request); ``app``
        # stays available for aiohttp's TestServer and for embedding.
        server = web.Server(self._pipeline.handle, access_log=None)
        runner = web.ServerRunner(server, handle_signals=False, shutdown_timeout=_SHUTDOWN_TIMEOUT)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self._base_url = f"http://{shown}:{bound_port}"
        return self._base_url

    async def close(self) -> None:
        """Stop listening; safe to call twice.  State survives; start() again works."""
        runner, self._runner = self._runner, None
        self._base_url = None
        if runner is not None:
            await runner.cleanup()
            await self._pipeline.cancel_inflight()

    @contextlib.asynccontextmanager
    async def run(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
        """``async with fake.run() as base_url``: started on entry, closed on any exit."""
        base_url = await self.start(host, port)
        try:
            yield base_url
        finally:
            await self.close()

    # -- state -----------------------------------------------------------------------------

    @property
    def campaigns(self) -> dict[str, JSONObj]:
        return self._store.campaigns

    @property
    def subsequences(self) -> dict[str, JSONObj]:
        return self._store.subsequences

    def add_campaign(self, **fields: Any) -> JSONObj:
        """Store a campaign: every field defaulted, ``fields`` override (unchecked).

        A status other than 0 (draft) marks it launched, as counted by count-launched.
        """
        fields.setdefault("name", "Campaign")
        if "campaign_schedule" not in fields:
            fields["campaign_schedule"] = default_schedule()
        return self._operations.new_campaign(fields)

    def seed_campaigns(
        self, n: int, *, status: int = 1, name_prefix: str = "Campaign", **fields: Any
    ) -> list[JSONObj]:
        """``n`` campaigns named ``"{name_prefix} 1"``... in creation (= id) order.

        Each gets its own copy of ``fields``.
        """
        return [
            self.add_campaign(name=f"{name_prefix} {i}", status=status, **copy.deepcopy(fields))
            for i in range(1, n + 1)
        ]

    def add_subsequence(self, campaign_id: str, **fields: Any) -> JSONObj:
        """Store a subsequence of an existing campaign; ``fields`` override (unchecked)."""
        parent = self._store.campaigns.get(campaign_id)
        if parent is None:
            raise KeyError(f"no campaign {campaign_id!r}")
        fields.setdefault("name", "Subsequence")
        fields.setdefault("conditions", {"lead_activity": [2]})
        fields.setdefault("parent_campaign", campaign_id)
        return self._operations.new_subsequence(parent, fields)

    def seed_subsequences(
        self, campaign_id: str, n: int, *, status: int = 1, **fields: Any
    ) -> list[JSONObj]:
        """``n`` subsequences named ``"Subsequence 1"``... (or ``name`` + number)."""
        name = fields.pop("name", "Subsequence")
        return [
            self.add_subsequence(
                campaign_id, name=f"{name} {i}", status=status, **copy.deepcopy(fields)
            )
            for i in range(1, n + 1)
        ]

    def seed_mix(self, n: int, *, seed: int = 2026) -> dict[int, int]:
        """``n`` campaigns in a mix of statuses, the active ones with 1 to 3 active subsequences.

        Half active, a fifth each paused and draft, the rest completed; names
        say the status (``"Active campaign 7"``).  Returns the count per status.
        The same ``seed`` gives the same subsequence counts.
        """
        rng = random.Random(seed)
        counts = {1: n // 2, 2: n // 5, 0: n // 5}
        counts[3] = n - sum(counts.values())
        names = {0: "Draft", 1: "Active", 2: "Paused", 3: "Completed"}
        for status, count in counts.items():
            for campaign in self.seed_campaigns(
                count, status=status, name_prefix=f"{names[status]} campaign"
            ):
                if status == 1:
                    self.seed_subsequences(campaign["id"], rng.randint(1, 3), status=1)
        return counts

    def add_lead(self, campaign_id: str, email: str) -> None:
        """Put a lead (by email) into a campaign, for search-by-contact and analytics."""
        if campaign_id not in self._store.campaigns:
            raise KeyError(f"no campaign {campaign_id!r}")
        self._store.add_lead(campaign_id, email)

    def tag_campaign(self, campaign_id: str, tag_id: str) -> None:
        """Attach a tag (hidden from the Campaign JSON) for the list ``tag_ids`` filter."""
        if campaign_id not in self._store.campaigns:
            raise KeyError(f"no campaign {campaign_id!r}")
        self._store.campaign_tags.setdefault(campaign_id, set()).add(tag_id)

    def share_campaign(self, campaign_id: str, seconds: float = 7 * 24 * 3600) -> None:
        """Mark a campaign shared (as ``POST .../share`` does) for ``seconds``."""
        if campaign_id not in self._store.campaigns:
            raise KeyError(f"no campaign {campaign_id!r}")
        self._store.shared_until[campaign_id] = time.time() + seconds

    def reset(self) -> None:
        """Forget every record, the request log, counters, faults and rate-limit windows."""
        self._store.clear()
        self.requests.clear()
        self.stats.reset()
        self.faults.clear()
        if self._settings.limiter is not None:
            self._settings.limiter.reset()
