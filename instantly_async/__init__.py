"""instantly-async: an asyncio-native SDK for the Instantly.ai API v2.

>>> async with AsyncInstantly() as client:               # doctest: +SKIP
...     async for campaign in client.campaigns.list(status=CampaignStatus.ACTIVE):
...         print(campaign.name, campaign.status)
"""

from ._bulk import BulkJob, BulkResult, Failure, Progress
from ._client import DEFAULT_BASE_URL, AsyncInstantly, ClientMetrics
from ._converter import to_dict
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    InstantlyError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._pagination import AsyncPaginator, Page
from ._params import NOT_GIVEN, NotGiven
from ._ratelimit import RateLimit
from ._retry import RetryPolicy
from ._version import __version__
from .models import Campaign, CampaignStatus, Subsequence

__all__ = [
    "DEFAULT_BASE_URL",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncInstantly",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "BulkJob",
    "BulkResult",
    "Campaign",
    "CampaignStatus",
    "ClientClosedError",
    "ClientMetrics",
    "ConflictError",
    "Failure",
    "InstantlyError",
    "InternalServerError",
    "InvalidArgumentError",
    "NotFoundError",
    "NotGiven",
    "Page",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "Progress",
    "RateLimit",
    "RateLimitError",
    "RetryPolicy",
    "Subsequence",
    "UnprocessableEntityError",
    "__version__",
    "to_dict",
]
