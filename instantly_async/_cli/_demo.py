"""``instantly-async demo``: a real bulk pause, against the built-in fake server.

No API key and no network: the fake Instantly server runs in-process on
127.0.0.1 with the documented rate limits (100/s, 6,000/min), and the SDK, with
its default limiter, pauses every active campaign through the same bulk runner
as ``campaigns pause`` (progress, summary, Ctrl-C and all).
"""

from __future__ import annotations

import time
from typing import TextIO

from .._client import AsyncInstantly
from ..models import CampaignStatus
from ..testing import FakeInstantly
from ._errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from ._jobs import JobOptions, run_job

_KEY = "demo-key"
_STATUS_NAMES = {int(s): s.name.lower() for s in CampaignStatus}


async def run_demo(total: int, out: TextIO, err: TextIO, *, quiet: bool) -> int:
    fake = FakeInstantly(api_key=_KEY, rate_limit=(100, 6000), request_log_size=100)
    counts = fake.seed_mix(total)
    active = counts[int(CampaignStatus.ACTIVE)]
    async with fake.run() as base_url:
        mix = ", ".join(f"{n} {_STATUS_NAMES[s]}" for s, n in counts.items())
        ideal = active / 100 + (active // 100 + 1) / 100  # pauses plus listing pages at 100/s
        out.write(
            f"fake Instantly server on {base_url} (100 requests/s, 6,000/min, as documented)\n"
            f"seeded {total} campaigns ({mix}) and {len(fake.subsequences)} subsequences\n"
            f"pausing the {active} active campaigns (ideal at the rate limit: ~{ideal:.0f}s)\n"
        )
        out.flush()
        started = time.monotonic()
        async with AsyncInstantly(api_key=_KEY, base_url=base_url) as client:
            code, result = await run_job(
                client,
                client.campaigns.pause,
                client.campaigns.list(status=CampaignStatus.ACTIVE).__aiter__(),
                label="pause campaigns",
                options=JobOptions(quiet=quiet),
                err=err,
                total=active,
            )
        still_active = sum(1 for c in fake.campaigns.values() if c["status"] == 1)
        paused = fake.stats.transitions["campaign.pause"]
        out.write(
            f"check: {paused} campaigns paused on the server, {still_active} still active, "
            f"{fake.stats.rate_limited} requests refused with 429, "
            f"{time.monotonic() - started:.1f}s\n"
        )
    if code == EXIT_INTERRUPTED:
        out.write("demo interrupted: the summary above is partial\n")
        return code
    ok = result.ok and still_active == 0 and paused == active and fake.stats.rate_limited == 0
    out.write(
        "demo finished: every active campaign is paused\n"
        if ok
        else "demo finished with problems\n"
    )
    return EXIT_OK if ok else EXIT_FAILED
