"""The fault matrix: every fault against reads, safe writes and unsafe writes.

Each cell has one defined outcome (README, "Errors and retries"): retried and
succeeded, or raised as a named exception that carries the method, the path and
whether the outcome is unknown, and never the key.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Awaitable, Callable
from email.utils import formatdate
from typing import Any

import pytest

import instantly_async as ia
from instantly_async import AsyncInstantly, RetryPolicy
from instantly_async.testing import FakeInstantly

from .conftest import API_KEY, SCHEDULE

POLICY = RetryPolicy(max_retries=3, initial_delay=0.001, max_delay=0.01)
HTML = b"<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"

Call = Callable[[AsyncInstantly, str], Awaitable[Any]]
OPERATIONS: dict[str, tuple[Call, bool, str, str]] = {
    # name: (call, safe to repeat, method, path template)
    "read": (lambda c, cid: c.campaigns.get(cid), True, "GET", "/api/v2/campaigns/{id}"),
    "safe_write": (
        lambda c, cid: c.campaigns.pause(cid),
        True,
        "POST",
        "/api/v2/campaigns/{id}/pause",
    ),
    "create": (
        lambda c, cid: c.campaigns.create(name="New", campaign_schedule=SCHEDULE),
        False,
        "POST",
        "/api/v2/campaigns",
    ),
    "duplicate": (
        lambda c, cid: c.campaigns.duplicate(cid, name="Dup"),
        False,
        "POST",
        "/api/v2/campaigns/{id}/duplicate",
    ),
}

OK = "ok"
# Long enough that no healthy request on a loaded machine runs into it.
TIMEOUT = 1.0


def inject(fake: FakeInstantly, fault: str) -> None:
    faults = fake.faults
    if fault == "429_storm":
        faults.fail_next(3, status=429)
    elif fault == "429_endless":
        faults.fail_next(50, status=429)
    elif fault == "429_retry_after_seconds":
        faults.fail_next(2, status=429, headers={"Retry-After": "0.05"})
    elif fault == "429_retry_after_date":
        faults.fail_next(
            1, status=429, headers={"Retry-After": formatdate(time.time() + 1, usegmt=True)}
        )
    elif fault.startswith("5xx_"):
        faults.fail_next(2, status=int(fault[4:]))
    elif fault == "html_502":
        faults.fail_next(1, status=502, body=HTML, content_type="text/html")
    # A 2xx with a broken body: the operation ran, then the body was garbled.
    elif fault == "empty_200":
        faults.fail_next(1, status=200, body=b"", phase="after")
    elif fault == "truncated_200":
        faults.fail_next(1, status=200, body=b'{"id": "01ab', phase="after")
    elif fault == "wrong_shape_200":
        faults.fail_next(1, status=200, body=b'{"unexpected": true}', phase="after")
    elif fault == "reset_before":
        faults.drop_next(1, phase="before")
    elif fault == "reset_after":
        faults.drop_next(1, phase="after")
    elif fault == "read_timeout":
        faults.delay_next(1, 5.0)  # well past the client's TIMEOUT
    elif fault == "slow":
        faults.delay_next(1, 0.1)
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(fault)


# fault -> (outcome for safe operations, outcome for unsafe ones); an outcome is
# OK or (exception class, outcome_unknown, message fragment)
EXPECTED: dict[str, tuple[Any, Any]] = {
    "429_storm": (OK, OK),
    "429_endless": ((ia.RateLimitError, False, "429"), (ia.RateLimitError, False, "429")),
    "429_retry_after_seconds": (OK, OK),
    "429_retry_after_date": (OK, OK),
    **{f"5xx_{s}": (OK, (ia.InternalServerError, True, str(s))) for s in (500, 502, 503, 504)},
    "html_502": (OK, (ia.InternalServerError, True, "HTML error page: 502 Bad Gateway")),
    "empty_200": (OK, (ia.APIResponseValidationError, False, "the operation was applied")),
    "truncated_200": (OK, (ia.APIResponseValidationError, False, "the operation was applied")),
    "wrong_shape_200": (
        (ia.APIResponseValidationError, False, "documented shape"),
        (ia.APIResponseValidationError, False, "documented shape"),
    ),
    "reset_before": (OK, (ia.APIConnectionError, True, "closed the connection")),
    "reset_after": (OK, (ia.APIConnectionError, True, "closed the connection")),
    "read_timeout": (OK, (ia.APITimeoutError, True, "timed out")),
    "slow": (OK, OK),
}


@pytest.mark.parametrize("fault", list(EXPECTED))
@pytest.mark.parametrize("operation", list(OPERATIONS))
async def test_fault_matrix(fake: FakeInstantly, operation: str, fault: str) -> None:
    call, safe, method, path = OPERATIONS[operation]
    (campaign,) = fake.seed_campaigns(1, status=1)
    before = len(fake.campaigns)
    expected = EXPECTED[fault][0 if safe else 1]
    async with AsyncInstantly(
        api_key=API_KEY,
        base_url=fake.base_url,
        retry_policy=POLICY,
        timeout=TIMEOUT,
        rate_limit=None,
    ) as client:
        inject(fake, fault)
        started = time.monotonic()
        if expected == OK:
            result = await call(client, campaign["id"])
            if operation in ("read", "safe_write"):
                assert result.id == campaign["id"]
            else:  # a new campaign, stored on the server as returned
                assert result.id != campaign["id"] and result.id in fake.campaigns
                assert result.name == fake.campaigns[result.id]["name"]
                assert result.name == ("New" if operation == "create" else "Dup")
            if operation == "safe_write":
                assert result.status is ia.CampaignStatus.PAUSED
            if fault == "429_retry_after_seconds":
                assert time.monotonic() - started >= 0.1  # two waits of Retry-After: 0.05
            if operation == "safe_write":
                # However many attempts it took, the state changed exactly once.
                assert fake.stats.transitions["campaign.pause"] == 1
            if not safe:
                assert len(fake.campaigns) == before + 1
            return
        cls, unknown, fragment = expected
        with pytest.raises(cls) as info:
            await call(client, campaign["id"])
    err = info.value
    assert type(err) is cls or (cls is ia.APIConnectionError and type(err) is ia.APIConnectionError)
    assert err.method == method and err.path == path.format(id=campaign["id"])
    assert err.outcome_unknown is unknown
    assert fragment in str(err)
    assert API_KEY not in repr(err) and API_KEY not in str(err)
    if unknown:
        assert "outcome is unknown" in str(err) and err.attempts == 1
    if not safe and fault == "reset_before":
        assert len(fake.campaigns) == before  # dropped before it ran: nothing was created
    if not safe and fault in ("reset_after", "empty_200", "truncated_200", "wrong_shape_200"):
        assert len(fake.campaigns) == before + 1  # applied once, never twice


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize("where", ["refused", "dns"])
async def test_unreachable_hosts(operation: str, where: str) -> None:
    call, _safe, method, _path = OPERATIONS[operation]
    base = (
        f"http://127.0.0.1:{closed_port()}"
        if where == "refused"
        else "https://no-such-host.invalid"
    )
    async with AsyncInstantly(
        api_key=API_KEY, base_url=base, retry_policy=POLICY, rate_limit=None
    ) as client:
        with pytest.raises(ia.APIConnectionError) as info:
            await call(client, "c1")
    err = info.value
    # The request never left, so even unsafe writes are retried and nothing is unknown.
    assert err.attempts == POLICY.max_retries + 1 and not err.outcome_unknown
    assert "cannot connect" in str(err) and err.method == method
    assert API_KEY not in str(err)
