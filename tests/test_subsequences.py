"""Every CampaignSubsequence operation, over real HTTP against the fake server."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiohttp
import pytest

from instantly_async import (
    AsyncInstantly,
    CampaignStatus,
    InvalidArgumentError,
    NotFoundError,
    Subsequence,
)
from instantly_async.models import (
    Conditions,
    CrmStatus,
    DailyLimitMode,
    LeadActivity,
    Sequence,
    Step,
    SubsequenceAnalytics,
    SubsequenceStepAnalytics,
    Variant,
)
from instantly_async.testing import FakeInstantly

from .conftest import SCHEDULE


def sent_json(fake: FakeInstantly) -> Any:
    return json.loads(fake.requests[-1].body)


def steps(variants: list[Variant]) -> list[Sequence]:
    return [Sequence(steps=[Step(type="email", delay=1, pre_delay=2, variants=variants)])]


async def test_create_get_update_delete(client: AsyncInstantly, fake: FakeInstantly) -> None:
    (campaign,) = fake.seed_campaigns(1)
    created = await client.subsequences.create(
        parent_campaign=campaign["id"],
        name="Interested follow-up",
        conditions=Conditions(crm_status=[CrmStatus.INTERESTED, 12345], reply_contains="pricing"),
        sequences=steps([Variant(subject="Hi", body="B")]),
        daily_limit_mode=DailyLimitMode.CUSTOM,
        daily_limit=20,
    )
    assert isinstance(created, Subsequence)
    assert created.parent_campaign == campaign["id"]
    assert isinstance(created.timestamp_created, datetime)
    assert created.conditions.crm_status == [CrmStatus.INTERESTED, 12345]
    assert sent_json(fake) == {
        "parent_campaign": campaign["id"],
        "name": "Interested follow-up",
        "conditions": {"crm_status": [1, 12345], "reply_contains": "pricing"},
        "sequences": [
            {
                "steps": [
                    {
                        "type": "email",
                        "delay": 1,
                        "pre_delay": 2,
                        "variants": [{"subject": "Hi", "body": "B"}],
                    }
                ]
            }
        ],
        "daily_limit_mode": "custom",
        "daily_limit": 20,
    }
    got = await client.subsequences.get(created)
    assert got.id == created.id and got.daily_limit == 20

    updated = await client.subsequences.update(created.id, name="Renamed", daily_limit=None)
    # Only the passed fields travel; None is an explicit null.
    assert sent_json(fake) == {"name": "Renamed", "daily_limit": None}
    assert updated.name == "Renamed" and updated.daily_limit is None
    assert fake.subsequences[created.id]["daily_limit_mode"] == "custom"

    await client.subsequences.update(
        created,
        conditions={"lead_activity": [LeadActivity.EMAIL_OPENED]},
        subsequence_schedule=SCHEDULE,
        ignore_account_daily_limit=True,
    )
    assert sent_json(fake) == {
        "conditions": {"lead_activity": [2]},
        "subsequence_schedule": SCHEDULE,
        "ignore_account_daily_limit": True,
    }

    deleted = await client.subsequences.delete(created)
    assert deleted.id == created.id
    with pytest.raises(NotFoundError):
        await client.subsequences.get(created.id)


async def test_create_in_an_unknown_campaign_fails_like_the_vendor(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    with pytest.raises(NotFoundError):
        await client.subsequences.create(
            parent_campaign="no-such-campaign", name="x", conditions={}
        )
    assert fake.subsequences == {}


async def test_pause_then_resume(client: AsyncInstantly, fake: FakeInstantly) -> None:
    (campaign,) = fake.seed_campaigns(1)
    (sub,) = fake.seed_subsequences(campaign["id"], 1, status=1)
    paused = await client.subsequences.pause(sub["id"])
    assert paused.status is CampaignStatus.PAUSED
    assert fake.requests[-1].body == b""
    resumed = await client.subsequences.resume(paused)
    assert resumed.status is CampaignStatus.ACTIVE
    assert fake.subsequences[sub["id"]]["status"] == 1


async def test_duplicate_into_another_campaign(client: AsyncInstantly, fake: FakeInstantly) -> None:
    source, target = fake.seed_campaigns(2)
    (sub,) = fake.seed_subsequences(source["id"], 1)
    copy = await client.subsequences.duplicate(sub["id"], parent_campaign=target["id"], name="Copy")
    assert copy.parent_campaign == target["id"] and copy.name == "Copy" and copy.id != sub["id"]
    assert sent_json(fake) == {"parent_campaign": target["id"], "name": "Copy"}
    same_name = await client.subsequences.duplicate(sub["id"], parent_campaign=target["id"])
    assert same_name.name == sub["name"]
    in_target = [s.id async for s in client.subsequences.list(parent_campaign=target["id"])]
    assert sorted(in_target) == sorted([copy.id, same_name.id])


async def test_deleting_a_campaign_removes_its_subsequences(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    (campaign,) = fake.seed_campaigns(1)
    subs = fake.seed_subsequences(campaign["id"], 3)
    await client.campaigns.delete(campaign["id"])
    for sub in subs:
        with pytest.raises(NotFoundError):
            await client.subsequences.get(sub["id"])


@pytest.mark.parametrize("count", [0, 1, 100, 101, 1000])
async def test_list_a_campaign_with_n_subsequences(
    client: AsyncInstantly, fake: FakeInstantly, count: int
) -> None:
    mine, other = fake.seed_campaigns(2)
    seeded = [s["id"] for s in fake.seed_subsequences(mine["id"], count)]
    fake.seed_subsequences(other["id"], 3)
    got = [s.id async for s in client.subsequences.list(parent_campaign=mine["id"])]
    assert got == seeded
    requests = [r for r in fake.requests if r.path == "/api/v2/subsequences"]
    assert len(requests) == max(1, -(-count // 100))


async def test_list_filters(client: AsyncInstantly, fake: FakeInstantly) -> None:
    a, b = fake.seed_campaigns(2)
    fake.seed_subsequences(a["id"], 2)
    named = fake.add_subsequence(b["id"], name="Pricing replies")
    fake.seed_subsequences(b["id"], 1)
    others = [s async for s in client.subsequences.list(parent_campaign_not=a["id"])]
    assert {s.parent_campaign for s in others} == {b["id"]} and len(others) == 2
    found = [s.id async for s in client.subsequences.list(search="pricing")]
    assert found == [named["id"]]
    everything = [s async for s in client.subsequences.list()]
    assert len(everything) == 4


async def test_sending_status_and_analytics(client: AsyncInstantly, fake: FakeInstantly) -> None:
    (campaign,) = fake.seed_campaigns(1)
    subs = fake.seed_subsequences(campaign["id"], 2)
    status = await client.subsequences.sending_status(subs[0]["id"])
    assert status.status is not None
    if status.diagnostics is not None:
        assert status.diagnostics.subsequence_id == subs[0]["id"]
    rows = await client.subsequences.analytics(campaign["id"])
    assert all(isinstance(r, SubsequenceAnalytics) for r in rows)
    assert sorted(r.subsequence_id for r in rows) == sorted(s["id"] for s in subs)
    step_rows = await client.subsequences.analytics_steps(
        subs[0]["id"], start_date="2026-01-01", end_date="2026-01-31"
    )
    assert step_rows == []  # no sequences, no rows
    assert fake.requests[-1].query == {"start_date": ["2026-01-01"], "end_date": ["2026-01-31"]}


async def test_step_analytics_rows_are_parsed_value_for_value(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    (campaign,) = fake.seed_campaigns(1)
    stored = [
        {
            "steps": [
                {"type": "email", "delay": 1, "variants": [{"subject": "s", "body": "b"}] * n}
                for n in (3, 1)
            ]
        }
    ]
    (sub,) = fake.seed_subsequences(campaign["id"], 1, status=1, sequences=stored)
    rows = await client.subsequences.analytics_steps(sub["id"])
    path = f"/api/v2/subsequences/{sub['id']}/analytics/steps"
    assert fake.requests[-1].path == path
    headers = {"Authorization": f"Bearer {fake.api_key}"}
    async with (
        aiohttp.ClientSession(headers=headers) as session,
        session.get(fake.base_url + path) as resp,
    ):
        raw = await resp.json()
    assert [(r.step, r.variant) for r in rows] == [("0", "0"), ("0", "1"), ("0", "2"), ("1", "0")]
    assert all(isinstance(r, SubsequenceStepAnalytics) and r.sent > 0 for r in rows)
    # Every field the server sent arrives in the model with its value.
    assert [{k: getattr(r, k) for k in row} for r, row in zip(rows, raw, strict=True)] == raw
    assert len(raw) == len(rows)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"sequences": steps([Variant(subject="s", body="b")] * 27)},
            "27 variants; 1 to 26 allowed",
        ),
        ({"sequences": steps([])}, "0 variants"),
        (
            {"sequences": steps([Variant(subject="s", body="b", v_disabled=True)] * 2)},
            "at least one variant must be enabled",
        ),
        (
            {
                "subsequence_schedule": {
                    "schedules": [
                        {**SCHEDULE["schedules"][0], "timing": {"from": "25:00", "to": "26:00"}}
                    ]
                }
            },
            "'25:00' is not a 24-hour HH:MM time",
        ),
        ({"conditions": {"crm_status": [40000]}}, r"40000 is not an integer in -30000..30000"),
        ({"conditions": {"lead_activity": [3]}}, "lead_activity"),
        ({"daily_limit_mode": "sometimes"}, "daily_limit_mode must be a DailyLimitMode"),
    ],
)
async def test_bad_input_is_refused_before_any_request(
    client: AsyncInstantly, fake: FakeInstantly, kwargs: dict[str, Any], message: str
) -> None:
    # A copy: popping from the shared parameter would change the case for any rerun.
    kwargs = dict(kwargs)
    conditions = kwargs.pop("conditions", {"reply_contains": "yes"})
    with pytest.raises(InvalidArgumentError, match=message):
        await client.subsequences.create(
            parent_campaign="c1", name="x", conditions=conditions, **kwargs
        )
    with pytest.raises(InvalidArgumentError, match=message):
        await client.subsequences.update("s1", conditions=conditions, **kwargs)
    assert fake.stats.requests == 0


async def test_26_variants_with_one_enabled_are_fine(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    (campaign,) = fake.seed_campaigns(1)
    variants = [Variant(subject=f"s{i}", body="b", v_disabled=i > 0) for i in range(26)]
    created = await client.subsequences.create(
        parent_campaign=campaign["id"], name="AZ", conditions={}, sequences=steps(variants)
    )
    assert created.sequences is not None
    assert len(created.sequences[0].steps[0].variants) == 26
