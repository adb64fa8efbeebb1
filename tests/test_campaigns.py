"""Every Campaign operation, over real HTTP against the fake server."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import aiohttp
import pytest

from instantly_async import AsyncInstantly, Campaign, CampaignStatus, NotFoundError
from instantly_async.models import (
    AnalyticsOverview,
    CampaignAnalytics,
    DailyAnalytics,
    Schedule,
    ScheduleSlot,
    SendingStatus,
    Sequence,
    Step,
    StepAnalytics,
    Timing,
    Variant,
)
from instantly_async.testing import FakeInstantly

from .conftest import SCHEDULE


def last_json(fake: FakeInstantly) -> object:
    # The raw bytes: the fake fills schema defaults into its parsed copy, as Fastify does.
    return json.loads(fake.requests[-1].body)


async def test_create_sends_the_body_and_returns_a_draft(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    schedule = Schedule(
        schedules=[
            ScheduleSlot(
                name="Weekdays",
                timing=Timing(from_="09:00", to="17:00"),
                days={"1": True, "2": True},
                timezone="Etc/GMT+12",
            )
        ],
        start_date=date(2026, 12, 1),
    )
    sequences = [
        Sequence(
            steps=[
                Step(
                    type="email", delay=2, variants=[Variant(subject="Hi", body="Hello<br/>there")]
                )
            ]
        )
    ]
    created = await client.campaigns.create(
        name="Launch",
        campaign_schedule=schedule,
        sequences=sequences,
        daily_limit=50,
        pl_value=None,
    )
    assert isinstance(created, Campaign)
    assert created.name == "Launch"
    assert created.status is CampaignStatus.DRAFT
    assert isinstance(created.timestamp_created, datetime)
    assert created.id in fake.campaigns
    sent = last_json(fake)
    assert sent == {
        "name": "Launch",
        "campaign_schedule": {
            "start_date": "2026-12-01",
            "schedules": [
                {
                    "name": "Weekdays",
                    "timing": {"from": "09:00", "to": "17:00"},
                    "days": {"1": True, "2": True},
                    "timezone": "Etc/GMT+12",
                }
            ],
        },
        "sequences": [
            {
                "steps": [
                    {
                        "type": "email",
                        "delay": 2,
                        "variants": [{"subject": "Hi", "body": "Hello<br/>there"}],
                    }
                ]
            }
        ],
        "daily_limit": 50,
        "pl_value": None,
    }
    assert created.campaign_schedule.start_date == date(2026, 12, 1)


async def test_get_update_delete_round_trip(client: AsyncInstantly, fake: FakeInstantly) -> None:
    created = await client.campaigns.create(name="A", campaign_schedule=SCHEDULE, daily_limit=10)
    got = await client.campaigns.get(created.id)
    assert got.id == created.id and got.daily_limit == 10

    updated = await client.campaigns.update(created, name="B", daily_limit=None)
    # Only what was passed is sent; None is sent as null.
    assert last_json(fake) == {"name": "B", "daily_limit": None}
    assert updated.name == "B" and updated.daily_limit is None
    assert fake.campaigns[created.id]["name"] == "B"

    deleted = await client.campaigns.delete(created)
    assert deleted.id == created.id
    assert created.id not in fake.campaigns
    with pytest.raises(NotFoundError) as info:
        await client.campaigns.get(created.id)
    assert info.value.status_code == 404
    assert info.value.path == f"/api/v2/campaigns/{created.id}"


async def test_pause_and_activate_change_state_without_a_body(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    (c,) = fake.seed_campaigns(1, status=1)
    paused = await client.campaigns.pause(c["id"])
    assert paused.status is CampaignStatus.PAUSED
    req = fake.requests[-1]
    assert req.method == "POST" and req.body == b""
    assert "content-type" not in {k.lower() for k in req.headers}
    active = await client.campaigns.activate(paused)
    assert active.status is CampaignStatus.ACTIVE
    assert fake.campaigns[c["id"]]["status"] == 1
    assert fake.stats.transitions["campaign.pause"] == 1


async def test_duplicate_share_export_from_export(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    (c,) = fake.seed_campaigns(1, name_prefix="Original")
    copy = await client.campaigns.duplicate(c["id"], name="Copy")
    assert copy.id != c["id"] and copy.name == "Copy" and copy.status is CampaignStatus.DRAFT
    default_copy = await client.campaigns.duplicate(c["id"])
    assert default_copy.name == f"{c['name']} (copy)"
    assert fake.requests[-1].body == b""

    exported = await client.campaigns.export(c["id"])
    assert exported.id == c["id"]

    from instantly_async import PermissionDeniedError

    with pytest.raises(PermissionDeniedError) as info:
        await client.campaigns.create_from_export(c["id"])
    assert "not shared" in str(info.value)
    assert await client.campaigns.share(c["id"]) is None
    imported = await client.campaigns.create_from_export(c["id"])
    assert imported.id not in (c["id"], copy.id) and imported.id in fake.campaigns


async def test_add_variables_and_sending_status(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    (draft,) = fake.seed_campaigns(1, status=0)
    (active,) = fake.seed_campaigns(1, status=1)
    result = await client.campaigns.add_variables(draft["id"], ["firstName", "companyName"])
    assert isinstance(result, Campaign)
    assert last_json(fake) == {"variables": ["firstName", "companyName"]}

    status = await client.campaigns.sending_status(draft["id"])
    assert isinstance(status, SendingStatus)
    assert status.diagnostics is None and status.summary is not None
    assert status.summary.status == "campaign_draft"
    running = await client.campaigns.sending_status(active["id"], with_ai_summary=True)
    assert running.diagnostics is not None
    assert running.diagnostics.campaign_id == active["id"]
    assert fake.requests[-1].query["with_ai_summary"] == ["true"]


async def test_search_by_contact_and_count_launched(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    a, b, _ = fake.seed_campaigns(3, status=0)
    fake.add_lead(a["id"], "lead@example.com")
    fake.add_lead(b["id"], "lead@example.com")
    found = await client.campaigns.search_by_contact("lead@example.com")
    assert sorted(x.id for x in found) == sorted([a["id"], b["id"]])
    assert await client.campaigns.count_launched() == 0
    await client.campaigns.activate(a["id"])
    assert await client.campaigns.count_launched() == 1


def sequences(variants_per_step: list[int]) -> list[dict[str, Any]]:
    """Sequences in the stored (JSON) form: one step per entry, with that many variants."""
    steps = [
        {
            "type": "email",
            "delay": 1,
            "variants": [{"subject": f"s{i}", "body": f"b{i}"} for i in range(n)],
        }
        for n in variants_per_step
    ]
    return [{"steps": steps}]


async def raw_rows(fake: FakeInstantly, path: str, params: dict[str, str]) -> Any:
    """The server's own JSON for a request, fetched without the SDK."""
    headers = {"Authorization": f"Bearer {fake.api_key}"}
    async with (
        aiohttp.ClientSession(headers=headers) as session,
        session.get(fake.base_url + path, params=params) as resp,
    ):
        assert resp.status == 200
        return await resp.json()


async def test_step_analytics_rows_are_parsed_value_for_value(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    (a,) = fake.seed_campaigns(1, status=1, sequences=sequences([2, 1, 3]))
    path, params = "/api/v2/campaigns/analytics/steps", {"campaign_id": a["id"]}
    for with_opportunities in (True, False):
        steps = await client.campaigns.analytics_steps(
            campaign=a["id"], include_opportunities_count=with_opportunities
        )
        query = {**params, "include_opportunities_count": str(with_opportunities).lower()}
        assert fake.requests[-1].query == {k: [v] for k, v in query.items()}
        raw = await raw_rows(fake, path, query)
        # One row per (step, variant) in order; a launched campaign has sent mail.
        assert [(s.step, s.variant) for s in steps] == [
            ("0", "0"), ("0", "1"), ("1", "0"), ("2", "0"), ("2", "1"), ("2", "2")
        ]  # fmt: skip
        assert all(isinstance(s, StepAnalytics) for s in steps)
        assert all(s.sent > 0 for s in steps)
        # Every field the server sent arrives in the model with its value.
        assert [{k: getattr(s, k) for k in row} for s, row in zip(steps, raw, strict=True)] == raw
        assert len(raw) == len(steps) == 6
        assert ("won" in raw[0]) is with_opportunities
        if not with_opportunities:
            assert all(s.opportunities is None and s.won is None for s in steps)


async def test_analytics_endpoints(client: AsyncInstantly, fake: FakeInstantly) -> None:
    a, b = fake.seed_campaigns(2)
    rows = await client.campaigns.analytics(
        campaigns=[a["id"], b["id"]], start_date=date(2026, 1, 1)
    )
    assert {r.campaign_id for r in rows} == {a["id"], b["id"]}
    assert all(isinstance(r, CampaignAnalytics) for r in rows)
    assert fake.requests[-1].query["ids"] == [a["id"], b["id"]]

    overview = await client.campaigns.analytics_overview(
        campaign=a["id"], campaign_status=CampaignStatus.ACTIVE
    )
    assert isinstance(overview, AnalyticsOverview)
    assert fake.requests[-1].query["campaign_status"] == ["1"]

    daily = await client.campaigns.analytics_daily(
        campaign=a["id"], start_date="2026-01-01", end_date="2026-01-03"
    )
    assert all(isinstance(d, DailyAnalytics) for d in daily)

    # No sequences, no step rows (the rows themselves: see the test above).
    steps = await client.campaigns.analytics_steps(
        campaign=a["id"], include_opportunities_count=True
    )
    assert steps == []

    from instantly_async import BadRequestError

    with pytest.raises(BadRequestError) as info:
        await client.campaigns.analytics(start_date="2026-02-01", end_date="2026-01-01")
    # The vendor sends only {message} here.
    assert info.value.message == "Start Date must be earlier than End Date"


async def test_list_filters(client: AsyncInstantly, fake: FakeInstantly) -> None:
    fake.seed_campaigns(3, status=1, name_prefix="Spring")
    fake.seed_campaigns(2, status=2, name_prefix="Autumn")
    active = [c async for c in client.campaigns.list(status=CampaignStatus.ACTIVE)]
    assert len(active) == 3 and all(c.status is CampaignStatus.ACTIVE for c in active)
    not_active = [c async for c in client.campaigns.list(exclude_status=1)]
    assert len(not_active) == 2
    autumn = [c async for c in client.campaigns.list(search="autumn")]
    assert len(autumn) == 2
    tagged = fake.seed_campaigns(1, name_prefix="Tagged")[0]
    fake.tag_campaign(tagged["id"], "tag-1")
    got = [c async for c in client.campaigns.list(tag_ids=["tag-1", "tag-2"])]
    assert [c.id for c in got] == [tagged["id"]]
    assert fake.requests[-1].query["tag_ids"] == ["tag-1,tag-2"]


async def test_a_campaign_object_is_accepted_wherever_an_id_is(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    (c,) = fake.seed_campaigns(1)
    campaign = await client.campaigns.get(c["id"])
    assert (await client.campaigns.pause(campaign)).id == campaign.id
    rows = await client.campaigns.analytics(campaign=campaign)
    assert [r.campaign_id for r in rows] == [campaign.id]
