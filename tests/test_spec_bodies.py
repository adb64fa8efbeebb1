"""Whatever the vendor's OpenAPI document allows, for all 30 operations, the SDK takes in whole.

Bodies are drawn from each operation's own response schemas (success and
error), served by a real local server (``_spec_server``) and read through the
SDK's public methods.  A lenient client must succeed on every 2xx body and
give it back unchanged through ``to_dict`` (dates and times compared as
instants); a strict one either does the same or names the ``$.path`` of the
loosely documented field it refused.  Every request the SDK sends on the way
is checked against the same document.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instantly_async import APIResponseValidationError, APIStatusError, AsyncInstantly
from instantly_async._exceptions import _STATUS_CLASSES
from instantly_async._redact import redact

from ._spec_calls import ANSWERS, CALLS
from ._spec_server import NO_CONTENT, VENDOR, SpecServer, spec_server
from ._strategies import from_schema, same
from .conftest import API_KEY
from .test_properties import COMPONENTS

OPERATIONS = sorted(VENDOR.operations)


def _success(op_id: str) -> int:
    return min(s for s in VENDOR.operations[op_id].responses if s < 300)


def _body(op_id: str, status: int) -> st.SearchStrategy[Any]:
    schema = VENDOR.operations[op_id].responses[status]
    if status == 204:
        return st.just(NO_CONTENT)
    return from_schema(schema or {}, COMPONENTS)


def test_same_is_exact_where_it_must_be() -> None:
    assert same({"a": None, "b": [1, 2.5]}, {"a": None, "b": [1, 2.5]})
    assert not same({"a": None}, {})
    assert not same({"n": 12.7}, {"n": 12})
    assert not same({"s": "12"}, {"s": 12})
    assert same("2026-01-01T10:00:00Z", "2026-01-01T10:00:00.000Z")
    assert not same("2026-01-01T10:00:00Z", "2026-01-01T10:00:01.000Z")
    assert not same("2026-01-01xyz", "2026-01-01")


@pytest.fixture
async def server() -> AsyncIterator[SpecServer]:
    async with spec_server() as running:
        yield running


def _client(server: SpecServer, *, strict: bool) -> AsyncInstantly:
    return AsyncInstantly(
        api_key=API_KEY, base_url=server.url, rate_limit=None, max_retries=0, strict=strict
    )


@pytest.fixture
async def lenient(server: SpecServer) -> AsyncIterator[AsyncInstantly]:
    async with _client(server, strict=False) as client:
        yield client


@pytest.fixture
async def strict(server: SpecServer) -> AsyncIterator[AsyncInstantly]:
    async with _client(server, strict=True) as client:
        yield client


# One server and two clients serve every example of a test: each example plans its own answer.
SHARED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def test_every_operation_has_calls_and_an_answer_reader() -> None:
    assert set(CALLS) == set(ANSWERS) == set(VENDOR.operations)
    assert len(CALLS) == 30


@pytest.mark.parametrize("op_id", OPERATIONS)
@settings(max_examples=25, deadline=None, suppress_health_check=SHARED)
@given(data=st.data())
async def test_any_spec_answer_parses_and_comes_back_whole(
    op_id: str,
    data: st.DataObject,
    server: SpecServer,
    lenient: AsyncInstantly,
    strict: AsyncInstantly,
) -> None:
    status = _success(op_id)
    body = data.draw(_body(op_id, status), label="body")
    if body is not NO_CONTENT:
        VENDOR.response_check(op_id, status)(body)  # the generator draws only what is allowed
    server.answer(body, status)
    call, answer = CALLS[op_id][0], ANSWERS[op_id]

    got, sent = answer(await call(lenient), body)
    assert same(sent, got), (sent, got)

    try:
        result = await call(strict)
    except APIResponseValidationError as exc:
        assert "@ $" in str(exc), str(exc)  # names the field it refused
    else:
        got, sent = answer(result, body)
        assert same(sent, got)
    assert server.violations == []


ERRORS = [
    (op_id, status)
    for op_id in OPERATIONS
    for status in sorted(VENDOR.operations[op_id].responses)
    if status >= 400
]


@pytest.mark.parametrize(("op_id", "status"), ERRORS)
@settings(max_examples=4, deadline=None, suppress_health_check=SHARED)
@given(data=st.data())
async def test_any_spec_error_body_is_the_documented_error(
    op_id: str, status: int, data: st.DataObject, server: SpecServer, lenient: AsyncInstantly
) -> None:
    body = data.draw(_body(op_id, status), label="body")
    server.answer(body, status)
    with pytest.raises(APIStatusError) as caught:
        await CALLS[op_id][0](lenient)
    error = caught.value
    assert type(error) is _STATUS_CLASSES[status] and error.status_code == status
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, str) and message:
        # Any registered API key (other tests' "k" included) is scrubbed from messages.
        assert error.message == redact(message)
    assert server.violations == []


# -- requests -------------------------------------------------------------------------

_CAMPAIGN = {
    "id": "c1",
    "name": "n",
    "status": 0,
    "campaign_schedule": {"schedules": []},
    "timestamp_created": "2026-01-01T00:00:00.000Z",
    "timestamp_updated": "2026-01-01T00:00:00.000Z",
}
_SUBSEQUENCE = {
    "id": "s1",
    "parent_campaign": "c1",
    "workspace": "w1",
    "status": 0,
    "name": "s",
    "conditions": {},
    "timestamp_created": "2026-01-01T00:00:00.000Z",
    "timestamp_leads_updated": "2026-01-01T00:00:00.000Z",
}


def _plain_answer(op_id: str) -> Any:
    schema = VENDOR.operations[op_id].responses[_success(op_id)]
    ref = (schema or {}).get("$ref", "")
    if ref.endswith("/Campaign"):
        return _CAMPAIGN
    if ref.endswith("/CampaignSubsequence"):
        return _SUBSEQUENCE
    if op_id == "shareCampaign":
        return NO_CONTENT
    if op_id == "countLaunched":
        return {"count": 2}
    if schema.get("type") == "array":
        return []
    return {"items": []} if op_id.startswith("list") else {}


async def test_every_request_the_sdk_can_send_is_spec_valid(
    server: SpecServer, lenient: AsyncInstantly
) -> None:
    """Each operation with only its required arguments, with every optional one, with nulls."""
    sent = 0
    for op_id, calls in CALLS.items():
        for call in calls:
            server.answer(_plain_answer(op_id), _success(op_id))
            before = len(server.operations)
            await call(lenient)
            assert server.operations[before] == op_id  # the call is the operation it claims
            sent += 1
    assert server.violations == []
    assert set(server.operations) == set(VENDOR.operations) and len(VENDOR.operations) == 30
    assert sent > len(CALLS)  # the optional-argument forms too


async def test_the_request_check_catches_what_the_vendor_refuses(server: SpecServer) -> None:
    """The server above would notice a bad request (so its silence means something)."""
    server.answer(_CAMPAIGN)
    async with _client(server, strict=False) as client:
        await client.request("POST", "/api/v2/campaigns", body={"name": 1}, safe_to_retry=False)
        await client.request(
            "GET", "/api/v2/campaigns", params={"limit": "500", "nope": "1"}, safe_to_retry=True
        )
        await client.request("POST", "/api/v2/campaigns/c1/pause", body={}, safe_to_retry=True)
    assert len(server.violations) == 4, server.violations
    assert "must have required property 'campaign_schedule'" in server.violations[0]
    assert "querystring/limit must be <= 100" in server.violations[1]
    assert "undeclared query parameters ['nope']" in server.violations[2]
    assert "a body where none is declared" in server.violations[3]
