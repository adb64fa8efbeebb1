"""``instantly-async demo``: a real bulk pause, against the built-in fake server.

No API key and no network: the fake Instantly server runs in-process on
127.0.0.1 with the documented rate limits (100/s, 6,000/min), and the SDK,
with its default limiter, pauses every active campaign through the bulk runner.
"""

from __future__ import annotations

import random
import time
from typing import TextIO

from ._bulk import BulkJob
from ._client import AsyncInstantly
from .models import CampaignStatus
from .testing import FakeInstantly

_KEY = "demo-key"
# Half active, the rest spread over the other everyday states.
_MIX = ((CampaignStatus.ACTIVE, 0.5), (CampaignStatus.PAUSED, 0.2), (CampaignStatus.DRAFT, 0.2))


def _seed(fake: FakeInstantly, total: int) -> dict[CampaignStatus, int]:
    rng = random.Random(2026)
    counts: dict[CampaignStatus, int] = {}
    for status, share in _MIX:
        counts[status] = int(total * share)
    counts[CampaignStatus.COMPLETED] = total - sum(counts.values())
    for status, n in counts.items():
        campaigns = fake.seed_campaigns(
            n, status=int(status), name_prefix=f"{status.name.title()} campaign"
        )
        if status is CampaignStatus.ACTIVE:
            for campaign in campaigns:
                fake.seed_subsequences(campaign["id"], rng.randint(1, 3), status=1)
    return counts


async def run_demo(total: int, out: TextIO, err: TextIO) -> int:
    from ._cli import ProgressReporter, write_summary

    if total < 1:
        err.write("error: --campaigns must be at least 1\n")
        return 2
    fake = FakeInstantly(api_key=_KEY, rate_limit=(100, 6000), request_log_size=100)
    counts = _seed(fake, total)
    active = counts[CampaignStatus.ACTIVE]
    async with fake.run() as base_url:
        out.write(
            f"fake Instantly server on {base_url} (100 requests/s, 6,000/min, as documented)\n"
        )
        out.write(
            f"seeded {total} campaigns ("
            + ", ".join(f"{n} {s.name.lower()}" for s, n in counts.items())
            + f") and {len(fake.subsequences)} subsequences\n"
        )
        ideal = active / 100 + (active // 100 + 1) / 100  # pauses plus listing pages at 100/s
        out.write(
            f"pausing the {active} active campaigns (ideal at the rate limit: ~{ideal:.0f}s)\n"
        )
        out.flush()
        async with AsyncInstantly(api_key=_KEY, base_url=base_url) as client:
            reporter = ProgressReporter(err, "pause campaigns")
            job = BulkJob(
                client.campaigns.pause,
                client.campaigns.list(status=CampaignStatus.ACTIVE),
                on_progress=reporter,
                keep_values=False,
                total=active,
            )
            started = time.monotonic()
            try:
                result = await job
            finally:
                reporter.finish()
            write_summary(result, err, rate_limited=fake.stats.rate_limited)
        still_active = sum(
            1 for c in fake.campaigns.values() if c["status"] == int(CampaignStatus.ACTIVE)
        )
        paused = fake.stats.transitions["campaign.pause"]
        out.write(
            f"check: {paused} campaigns paused on the server, {still_active} still active, "
            f"{fake.stats.rate_limited} requests refused with 429, "
            f"{time.monotonic() - started:.1f}s\n"
        )
    ok = result.ok and still_active == 0 and paused == active and fake.stats.rate_limited == 0
    out.write(
        "demo finished: every active campaign is paused\n"
        if ok
        else "demo finished with problems\n"
    )
    return 0 if ok else 1
