"""Property-based tests: what the spec allows parses losslessly; bad arguments never leave.

The models on their own here; ``test_spec_bodies`` does the same through HTTP for
all 30 operations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instantly_async import AsyncInstantly, InvalidArgumentError, to_dict
from instantly_async._converter import converter
from instantly_async.models import Campaign, CampaignStatus, Subsequence

from ._strategies import from_schema, same

ROOT = Path(__file__).resolve().parents[1]
SPEC = json.loads((ROOT / "tests" / "vendor" / "openapi.json").read_text())
COMPONENTS = SPEC["components"]["schemas"]


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(from_schema(COMPONENTS["Campaign"], COMPONENTS))
def test_any_spec_campaign_round_trips(data: dict[str, Any]) -> None:
    model = converter.structure(data, Campaign)
    assert same(data, to_dict(model))


@SETTINGS
@given(from_schema(COMPONENTS["CampaignSubsequence"], COMPONENTS))
def test_any_spec_subsequence_round_trips(data: dict[str, Any]) -> None:
    model = converter.structure(data, Subsequence)
    assert same(data, to_dict(model))


@SETTINGS
@given(
    from_schema(COMPONENTS["Campaign"], COMPONENTS),
    st.integers(-(10**6), 10**6),
    st.dictionaries(
        st.text(min_size=1, max_size=8).filter(
            lambda k: k not in COMPONENTS["Campaign"]["properties"]
        ),
        st.integers(),
        max_size=3,
    ),
)
def test_unknown_fields_and_enum_values_never_fail(
    data: dict[str, Any], status: int, extra: dict[str, Any]
) -> None:
    data = {**data, **extra, "status": status}
    model = converter.structure(data, Campaign)
    assert model.status == status and isinstance(model.status, CampaignStatus)
    assert model.extra.items() >= extra.items()  # plus any loose value that did not parse
    assert same(data, to_dict(model))


# -- invalid arguments fail before any request, naming the argument ---------------------

# Nothing listens here: any request that slipped out would fail with a connection error,
# not with InvalidArgumentError.
CLIENT_KW: dict[str, Any] = {"api_key": "k", "base_url": "http://127.0.0.1:9", "rate_limit": None}

bad_ids = st.one_of(
    st.just(""),
    st.text(max_size=3).map(lambda s: s + "/" + s),
    st.sampled_from(["?", "#", "..", ".", "a\\b", "%2F", "x\ny"]),
    st.text(min_size=1, max_size=5).map(lambda s: s + "?limit=1"),
    st.text(min_size=257, max_size=400, alphabet="abc"),
)


@settings(max_examples=80, deadline=None)
@given(bad_ids, st.sampled_from(["get", "pause", "activate", "delete", "export", "share"]))
async def test_bad_ids_never_leave(bad: str, method: str) -> None:
    async with AsyncInstantly(**CLIENT_KW) as client:
        with pytest.raises(InvalidArgumentError, match="campaign"):
            await getattr(client.campaigns, method)(bad)


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.integers().filter(lambda n: not 1 <= n <= 100),
        st.floats(),
        st.text(max_size=3),
        st.booleans(),
    )
)
async def test_bad_limits_never_leave(limit: Any) -> None:
    async with AsyncInstantly(**CLIENT_KW) as client:
        with pytest.raises(InvalidArgumentError, match="limit"):
            client.campaigns.list(limit=limit)
        with pytest.raises(InvalidArgumentError, match="limit"):
            client.subsequences.list(limit=limit)


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.from_regex(r"\A(2[4-9]|[3-9][0-9]):[0-5][0-9]\Z"),
        st.from_regex(r"\A[01][0-9]:[6-9][0-9]\Z"),
        st.from_regex(r"\A[0-9]:[0-5][0-9]\Z"),
        st.text(max_size=6).filter(lambda s: len(s) != 5 or s[2] != ":"),
    )
)
async def test_bad_times_never_leave(bad: str) -> None:
    schedule = {
        "schedules": [
            {
                "name": "x",
                "timing": {"from": bad, "to": "17:00"},
                "days": {"1": True},
                "timezone": "Etc/GMT+12",
            }
        ]
    }
    async with AsyncInstantly(**CLIENT_KW) as client:
        with pytest.raises(
            InvalidArgumentError, match=r"campaign_schedule\.schedules\[0\]\.timing\.from"
        ):
            await client.campaigns.create(name="x", campaign_schedule=schedule)


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.text(max_size=5),
        st.floats(),
        st.integers().filter(lambda n: n not in {0, 1, 2, 3, 4, -1, -2, -99}),
    )
)
async def test_wrong_enum_values_never_leave(status: Any) -> None:
    async with AsyncInstantly(**CLIENT_KW) as client:
        with pytest.raises(InvalidArgumentError, match="exclude_status"):
            client.campaigns.list(exclude_status=status)
        with pytest.raises(InvalidArgumentError, match="daily_limit_mode"):
            await client.subsequences.update("s1", daily_limit_mode=status)
