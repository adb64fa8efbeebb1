"""The vendor's drift, case by case: what a lenient and a strict client make of it.

Each answer comes from a real local server (``_spec_server``, which also
checks the requests).  Lenient (the default): nothing the server sent is lost
and only a loosely documented field may end up ``None``, its raw value in
``extra``, with one warning per field per process.  Strict: the same answer
raises ``APIResponseValidationError`` naming the ``$.path``.  Where the spec
itself is strict (a ``format``, a required key, an ``integer``), both fail.
"""

from __future__ import annotations

import copy
import datetime
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from instantly_async import APIResponseValidationError, AsyncInstantly, to_dict
from instantly_async._converter import _warned
from instantly_async._open_enum import is_known
from instantly_async.models import (
    Campaign,
    CampaignStatus,
    CrmStatus,
    DelayUnit,
    DiagnosticsStatus,
    Schedule,
    Subsequence,
)

from ._spec_calls import SCHEDULE
from ._spec_server import SpecServer, spec_server
from .conftest import API_KEY

CAMPAIGN: dict[str, Any] = {
    "id": "c1",
    "name": "Launch",
    "status": 1,
    "campaign_schedule": copy.deepcopy(SCHEDULE),
    "timestamp_created": "2026-03-01T10:00:00.000Z",
    "timestamp_updated": "2026-03-02T10:00:00.000Z",
    "pl_value": None,
    "daily_limit": 50,
    "sequences": [
        {
            "steps": [
                {
                    "type": "email",
                    "delay": 2,
                    "delay_unit": "days",
                    "variants": [{"subject": "Hi", "body": "b"}],
                }
            ]
        }
    ],
}
SUBSEQUENCE: dict[str, Any] = {
    "id": "s1",
    "parent_campaign": "c1",
    "workspace": "w1",
    "status": 0,
    "name": "Follow-up",
    "conditions": {"crm_status": [1, 12345], "reply_contains": "yes"},
    "timestamp_created": "2026-03-01T10:00:00.000Z",
    "timestamp_leads_updated": "2026-03-01T10:00:00.000Z",
}


def campaign(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(CAMPAIGN), **changes}


@pytest.fixture
async def server() -> AsyncIterator[SpecServer]:
    async with spec_server() as running:
        yield running


@pytest.fixture
async def lenient(server: SpecServer) -> AsyncIterator[AsyncInstantly]:
    async with AsyncInstantly(api_key=API_KEY, base_url=server.url, rate_limit=None) as c:
        yield c


@pytest.fixture
async def strict(server: SpecServer) -> AsyncIterator[AsyncInstantly]:
    async with AsyncInstantly(
        api_key=API_KEY, base_url=server.url, rate_limit=None, strict=True
    ) as c:
        yield c


@pytest.fixture(autouse=True)
def _fresh_warnings() -> None:
    # "Once per field per process": forget what earlier tests triggered.
    _warned.clear()


async def test_a_new_top_level_field(
    server: SpecServer, lenient: AsyncInstantly, strict: AsyncInstantly
) -> None:
    body = campaign(ai_brain={"mode": "auto", "score": 0.7}, tags=None)
    server.answer(body)
    for client in (lenient, strict):  # unknown fields are kept by both
        found = await client.campaigns.get("c1")
        assert found.extra == {"ai_brain": {"mode": "auto", "score": 0.7}, "tags": None}
        assert to_dict(found) == body
    assert server.violations == []


async def test_a_new_nested_field(server: SpecServer, strict: AsyncInstantly) -> None:
    body = campaign()
    body["campaign_schedule"]["schedules"][0]["holidays"] = ["2026-12-25"]
    body["sequences"][0]["steps"][0]["variants"][0]["ai_rewrite"] = True
    server.answer(body)
    found = await strict.campaigns.get("c1")
    assert found.campaign_schedule.schedules[0].extra == {"holidays": ["2026-12-25"]}
    assert found.sequences is not None
    assert found.sequences[0].steps[0].variants[0].extra == {"ai_rewrite": True}
    assert found.extra == {}
    assert to_dict(found) == body


async def test_new_enum_values(server: SpecServer, strict: AsyncInstantly) -> None:
    body = campaign(status=7)
    body["sequences"][0]["steps"][0]["delay_unit"] = "weeks"
    server.answer(body)
    found = await strict.campaigns.get("c1")
    assert found.status == 7 and isinstance(found.status, CampaignStatus)
    assert not is_known(found.status)
    assert found.sequences is not None
    unit = found.sequences[0].steps[0].delay_unit
    assert isinstance(unit, DelayUnit) and unit == "weeks" and not is_known(unit)
    assert to_dict(found) == body

    server.answer({"diagnostics": {"status": "warming_up", "last_updated": "2026-03-01"}})
    status = await strict.campaigns.sending_status("c1")
    assert status.diagnostics is not None
    assert isinstance(status.diagnostics.status, DiagnosticsStatus)
    assert status.status == "warming_up"


async def test_a_string_where_a_date_was(
    server: SpecServer,
    lenient: AsyncInstantly,
    strict: AsyncInstantly,
    caplog: pytest.LogCaptureFixture,
) -> None:
    odd = campaign(id="c2", timestamp_created="last Tuesday")
    server.answer({"items": [campaign(), odd, campaign(id="c3", timestamp_created=17)]})
    with caplog.at_level(logging.WARNING, logger="instantly_async"):
        page = await lenient.campaigns.list(max_items=3)
        await lenient.campaigns.list(max_items=3)  # the same drift again: no second warning
    first, second, third = page.items
    assert first.timestamp_created == datetime.datetime(
        2026, 3, 1, 10, tzinfo=datetime.timezone.utc
    )
    assert second.timestamp_created is None
    assert second.extra == {"timestamp_created": "last Tuesday"}
    assert third.timestamp_created is None and third.extra == {"timestamp_created": 17}
    assert to_dict(second) == odd
    warnings = [r for r in caplog.records if "Campaign.timestamp_created" in r.getMessage()]
    assert len(warnings) == 1
    assert "last Tuesday" not in warnings[0].getMessage()  # values are never logged

    with pytest.raises(APIResponseValidationError, match=r"\$\.items\[1\]\.timestamp_created"):
        await strict.campaigns.list(max_items=3)

    server.answer([{"date": "2026-02-30", "sent": 3}, {"date": "2026-03-01", "sent": 4}])
    days = await lenient.campaigns.analytics_daily()
    assert days[0].date is None and days[0].extra == {"date": "2026-02-30"}
    assert days[1].date == datetime.date(2026, 3, 1)
    with pytest.raises(APIResponseValidationError, match=r"\$\[0\]\.date"):
        await strict.campaigns.analytics_daily()


async def test_a_bad_date_where_the_spec_has_a_format_fails_in_both_modes(
    server: SpecServer, lenient: AsyncInstantly, strict: AsyncInstantly
) -> None:
    server.answer({**SUBSEQUENCE, "timestamp_created": "last Tuesday"})  # format: date-time
    for client in (lenient, strict):
        with pytest.raises(APIResponseValidationError, match=r"\$\.timestamp_created"):
            await client.subsequences.get("s1")


async def test_a_fraction_where_an_integer_code_was(
    server: SpecServer, lenient: AsyncInstantly, strict: AsyncInstantly
) -> None:
    body = {**SUBSEQUENCE, "conditions": {"crm_status": [1, 2.5], "reply_contains": "yes"}}
    server.answer(body)
    found = await lenient.subsequences.get("s1")
    assert isinstance(found, Subsequence)
    assert found.conditions.crm_status is None
    assert found.conditions.extra == {"crm_status": [1, 2.5]}
    assert found.conditions.reply_contains == "yes"
    assert to_dict(found) == body
    with pytest.raises(APIResponseValidationError, match=r"\$\.conditions\.crm_status"):
        await strict.subsequences.get("s1")

    server.answer({**SUBSEQUENCE, "conditions": {"crm_status": [1, 12345, -4]}})
    codes = (await strict.subsequences.get("s1")).conditions.crm_status
    assert codes == [CrmStatus.INTERESTED, 12345, CrmStatus.NO_SHOW]

    row = {
        "campaign_name": "n",
        "campaign_id": "c1",
        "campaign_status": 1.5,
        "campaign_is_evergreen": None,
        "leads_count": 3,
        "contacted_count": 1,
        "open_count": 0,
        "reply_count": 0,
        "link_click_count": 0,
        "bounced_count": 0,
        "unsubscribed_count": 0,
        "completed_count": 0,
        "emails_sent_count": 2,
        "new_leads_contacted_count": 1,
        "total_opportunities": 0,
        "total_opportunity_value": 12.5,
    }
    server.answer([row])
    (totals,) = await lenient.campaigns.analytics()
    assert totals.campaign_status is None and totals.extra == {"campaign_status": 1.5}
    assert to_dict(totals) == row
    with pytest.raises(APIResponseValidationError, match=r"\$\[0\]\.campaign_status"):
        await strict.campaigns.analytics()


async def test_numbers_are_never_rounded(
    server: SpecServer, lenient: AsyncInstantly, strict: AsyncInstantly
) -> None:
    server.answer({"count": 12.7})
    assert await strict.campaigns.count_launched() == 12.7
    server.answer({"count": 12})
    count = await strict.campaigns.count_launched()
    assert count == 12 and type(count) is int

    server.answer({"diagnostics": {"accounts_summary": {"available": 3.5, "total_connected": 4}}})
    status = await strict.campaigns.sending_status("c1")
    assert status.diagnostics is not None and status.diagnostics.accounts_summary is not None
    assert status.diagnostics.accounts_summary.available == 3.5
    assert type(status.diagnostics.accounts_summary.total_connected) is int

    server.answer(
        [{"subsequence_id": "s1", "emails_sent": 7.25, "unique_opens": 1, "unique_replies": 0}]
    )
    (row,) = await strict.subsequences.analytics("c1")
    assert row.emails_sent == 7.25

    # An ``integer`` in the spec: a fraction is the vendor breaking it, never rounded away.
    server.answer(campaign(daily_max_leads=2.5))
    for client in (lenient, strict):
        with pytest.raises(APIResponseValidationError, match=r"\$\.daily_max_leads"):
            await client.campaigns.get("c1")


async def test_a_field_removed(
    server: SpecServer, lenient: AsyncInstantly, strict: AsyncInstantly
) -> None:
    body = campaign()
    del body["sequences"], body["daily_limit"]
    server.answer(body)
    found = await strict.campaigns.get("c1")
    assert found.sequences is None and "sequences" not in to_dict(found)
    assert to_dict(found) == body

    del body["name"]  # required by the spec
    server.answer(body)
    for client in (lenient, strict):
        with pytest.raises(APIResponseValidationError, match=r"required field missing @ \$\.name"):
            await client.campaigns.get("c1")


async def test_explicit_nulls_and_absent_keys_stay_apart(
    server: SpecServer, strict: AsyncInstantly
) -> None:
    body = campaign(pl_value=None, auto_variant_select=None)
    body["campaign_schedule"]["end_date"] = None
    del body["daily_limit"]
    server.answer(body)
    found = await strict.campaigns.get("c1")
    back = to_dict(found)
    assert back["pl_value"] is None and back["auto_variant_select"] is None
    assert back["campaign_schedule"]["end_date"] is None
    assert "daily_limit" not in back and "is_evergreen" not in back
    assert back == body


async def test_what_a_model_keeps_is_never_sent_back(
    server: SpecServer, strict: AsyncInstantly
) -> None:
    """Request bodies made from received models carry neither ``extra`` nor the nulls."""
    body = campaign()
    body["campaign_schedule"]["holidays"] = ["2026-12-25"]
    server.answer(body)
    found = await strict.campaigns.get("c1")
    assert found.campaign_schedule.extra == {"holidays": ["2026-12-25"]}
    await strict.campaigns.update("c1", campaign_schedule=found.campaign_schedule)
    sent = server.bodies[-1]["campaign_schedule"]
    assert "holidays" not in sent and "end_date" not in sent
    assert sent["start_date"] == "2026-01-05"
    assert server.violations == []


def test_models_built_in_code_export_as_before() -> None:
    built = Campaign(
        id="c9",
        name="n",
        status=CampaignStatus.DRAFT,
        campaign_schedule=Schedule(schedules=[]),
        timestamp_created=None,
        timestamp_updated=None,
        extra={"later": 1},
    )
    assert to_dict(built) == {
        "id": "c9",
        "name": "n",
        "status": 0,
        "campaign_schedule": {"schedules": []},
        "timestamp_created": None,  # required fields are always written
        "timestamp_updated": None,
        "later": 1,
    }
