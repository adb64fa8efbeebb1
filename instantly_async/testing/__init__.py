"""A fake Instantly API v2 server for tests and benchmarks.

``FakeInstantly`` runs an aiohttp application on 127.0.0.1 that answers the 30
Campaign and CampaignSubsequence operations the way the vendor documents them::

    from instantly_async.testing import FakeInstantly

    fake = FakeInstantly(rate_limit=(100, 6000))
    fake.seed_campaigns(3)
    async with fake.run() as base_url:
        ...  # f"{base_url}/api/v2/campaigns" with "Authorization: Bearer test-key"

What it reproduces:

* bearer auth (401 envelope), the workspace rate limit (sliding 1 s and 60 s
  windows, 429 envelope, no ``Retry-After`` unless asked for), checked before auth;
* Fastify's request handling: an empty body labelled ``application/json`` is a
  400 ``FST_ERR_CTP_EMPTY_JSON_BODY``; a body-less POST/PATCH must carry no
  ``Content-Type`` at all (aiohttp adds ``application/octet-stream`` unless
  told ``skip_auto_headers=("Content-Type",)``; Fastify answers that with 415);
* validation against the vendor's OpenAPI document with Ajv-style messages
  (``body/name must be string``, ``querystring/limit must be <= 100``);
* cursor pagination ordered by id, optionally with the vendor's trailing-cursor
  quirk (``cursor_on_last_page=True``);
* faults (``fake.faults``), a request log (``fake.requests``) and counters
  (``fake.stats``).

``python -m instantly_async.testing --help`` runs it standalone.
"""

from ._fake import FakeInstantly
from ._faults import RANDOM_KINDS, Faults
from ._recording import FakeStats, RecordedRequest

__all__ = ["RANDOM_KINDS", "FakeInstantly", "FakeStats", "Faults", "RecordedRequest"]
