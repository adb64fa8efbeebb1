"""Bad arguments are refused before any request, with a message naming them."""

from __future__ import annotations

from typing import Any

import pytest

from instantly_async import AsyncInstantly, CampaignStatus, InvalidArgumentError
from instantly_async.testing import FakeInstantly

from .conftest import SCHEDULE


@pytest.mark.parametrize(
    ("bad_id", "message"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("abc/pause", "not a valid id"),
        ("a?b=1", "not a valid id"),
        ("a#b", "not a valid id"),
        ("..", "not a valid id"),
        ("x\n", "not a valid id"),
        (42, "must be a string id"),
        (None, "must be a string id"),
    ],
)
async def test_invalid_ids(
    client: AsyncInstantly, fake: FakeInstantly, bad_id: Any, message: str
) -> None:
    for call in (
        client.campaigns.get,
        client.campaigns.pause,
        client.campaigns.delete,
        client.subsequences.resume,
    ):
        with pytest.raises(InvalidArgumentError, match=message):
            await call(bad_id)
    assert fake.stats.requests == 0


@pytest.mark.parametrize("status", ["active", 7, True, 1.5])
async def test_wrong_enum_values(client: AsyncInstantly, fake: FakeInstantly, status: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="status must be a CampaignStatus"):
        client.campaigns.list(status=status)
    assert fake.stats.requests == 0


async def test_enum_members_and_their_raw_values_are_both_accepted(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    fake.seed_campaigns(2, status=2)
    by_member = [c.id async for c in client.campaigns.list(status=CampaignStatus.PAUSED)]
    by_value = [c.id async for c in client.campaigns.list(status=2)]
    assert by_member == by_value and len(by_value) == 2


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ({"schedules": []}, "at least one schedule"),
        (
            {
                "schedules": [
                    {**SCHEDULE["schedules"][0], "timing": {"from": "25:00", "to": "17:00"}}
                ]
            },
            r"timing.from: '25:00' is not a 24-hour HH:MM time",
        ),
        ({"schedules": [{**SCHEDULE["schedules"][0], "days": {"7": True}}]}, "days"),
        ({"schedules": [{**SCHEDULE["schedules"][0], "timezone": None}]}, "'timezone' is required"),
    ],
)
async def test_bad_schedules(
    client: AsyncInstantly, fake: FakeInstantly, schedule: Any, message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await client.campaigns.create(name="x", campaign_schedule=schedule)
    assert fake.stats.requests == 0


async def test_other_bad_arguments(client: AsyncInstantly, fake: FakeInstantly) -> None:
    with pytest.raises(InvalidArgumentError, match="name"):
        await client.campaigns.create(name="", campaign_schedule=SCHEDULE)
    with pytest.raises(InvalidArgumentError, match="email_list"):
        await client.campaigns.update("c1", email_list="a@b.c")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="variables"):
        await client.campaigns.add_variables("c1", "firstName")
    with pytest.raises(InvalidArgumentError, match="start_date"):
        await client.campaigns.analytics(start_date="yesterday")
    with pytest.raises(InvalidArgumentError, match="max_items"):
        client.campaigns.list(max_items=0)
    with pytest.raises(InvalidArgumentError, match="sort_order"):
        await client.campaigns.search_by_contact("a@b.c", sort_order="sideways")
    assert fake.stats.requests == 0
