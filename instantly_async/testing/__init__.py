"""A fake Instantly API v2 server for tests and benchmarks.

``FakeInstantly`` runs an aiohttp application on 127.0.0.1 that answers the 30
Campaign and CampaignSubsequence operations the way the vendor documents them:
bearer auth, Fastify-style validation errors and quirks, the workspace rate
limit, cursor pagination (optionally with the vendor's trailing-cursor quirk),
plus fault injection and request recording::

    from instantly_async.testing import FakeInstantly

    fake = FakeInstantly(rate_limit=(100, 6000))
    fake.seed_campaigns(3)
    async with fake.run() as base_url:
        ...  # talk to f"{base_url}/api/v2/campaigns" with "Authorization: Bearer test-key"

``python -m instantly_async.testing`` runs it standalone.
"""

from ._fake import FakeInstantly
from ._faults import RANDOM_KINDS, Faults
from ._recording import FakeStats, RecordedRequest

__all__ = ["RANDOM_KINDS", "FakeInstantly", "FakeStats", "Faults", "RecordedRequest"]
