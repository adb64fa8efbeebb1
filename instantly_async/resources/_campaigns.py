"""``client.campaigns``: the 19 Campaign operations of the API."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from collections.abc import Sequence as Seq
from datetime import date
from typing import Any

import attrs

from .._exceptions import InvalidArgumentError
from .._pagination import AsyncPaginator
from .._params import (
    NOT_GIVEN,
    HasId,
    NotGiven,
    body,
    date_param,
    enum_value,
    optional_id,
    path_id,
    query,
    query_list,
    string_list,
)
from .._validate import check_schedule, check_sequences
from ..models import (
    AnalyticsOverview,
    AutoVariantSelect,
    Campaign,
    CampaignAnalytics,
    CampaignStatus,
    CompanyLimitOverride,
    DailyAnalytics,
    ProviderRoutingRule,
    Schedule,
    SendingStatus,
    Sequence,
    SortOrder,
    StepAnalytics,
)
from ._base import BulkOperation, Resource

CampaignRef = str | Campaign | HasId
_PATH = "/api/v2/campaigns"


@attrs.define(kw_only=True)
class _CampaignItems:
    items: list[Campaign] | None = None  # not required by the spec


@attrs.define(kw_only=True)
class _Count:
    count: float  # a JSON number: never rounded


def _campaign_body(fields: dict[str, Any]) -> dict[str, Any]:
    fields.pop("self", None)
    payload = body(fields)
    check_schedule(payload.get("campaign_schedule"), "campaign_schedule")
    check_sequences(payload.get("sequences"), "sequences", variant_rules=False)
    for name in ("email_list", "email_tag_list", "cc_list", "bcc_list"):
        if payload.get(name) is not None:
            payload[name] = string_list(payload[name], name)
    return payload


def _ids_filter(
    campaign: CampaignRef | None, campaigns: Iterable[CampaignRef] | None
) -> builtins.list[tuple[str, str]]:
    ids = None
    if campaigns is not None:
        if isinstance(campaigns, (str, bytes)):
            raise InvalidArgumentError("campaigns must be a list of ids or Campaign objects")
        ids = []
        for c in campaigns:
            one = optional_id(c, "campaigns[]")
            if one is None:
                raise InvalidArgumentError("campaigns must not contain None")
            ids.append(one)
        query_list(ids, "campaigns")
    return query(("id", optional_id(campaign, "campaign")), ("ids", ids))


class Campaigns(Resource):
    """Campaigns: create, list, change state, analytics.

    Wherever a campaign is taken, a :class:`Campaign` or its id will do.
    """

    __slots__ = ()

    async def create(
        self,
        *,
        name: str,
        campaign_schedule: Schedule | Mapping[str, Any],
        sequences: Seq[Sequence | Mapping[str, Any]] | NotGiven = NOT_GIVEN,
        pl_value: float | NotGiven | None = NOT_GIVEN,
        is_evergreen: bool | NotGiven | None = NOT_GIVEN,
        email_gap: float | NotGiven | None = NOT_GIVEN,
        random_wait_max: float | NotGiven | None = NOT_GIVEN,
        text_only: bool | NotGiven | None = NOT_GIVEN,
        first_email_text_only: bool | NotGiven | None = NOT_GIVEN,
        email_list: Seq[str] | NotGiven = NOT_GIVEN,
        daily_limit: int | NotGiven | None = NOT_GIVEN,
        stop_on_reply: bool | NotGiven | None = NOT_GIVEN,
        email_tag_list: Seq[str] | NotGiven = NOT_GIVEN,
        link_tracking: bool | NotGiven | None = NOT_GIVEN,
        open_tracking: bool | NotGiven = NOT_GIVEN,
        stop_on_auto_reply: bool | NotGiven | None = NOT_GIVEN,
        daily_max_leads: int | NotGiven | None = NOT_GIVEN,
        prioritize_new_leads: bool | NotGiven | None = NOT_GIVEN,
        auto_variant_select: AutoVariantSelect | Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        match_lead_esp: bool | NotGiven | None = NOT_GIVEN,
        stop_for_company: bool | NotGiven | None = NOT_GIVEN,
        insert_unsubscribe_header: bool | NotGiven | None = NOT_GIVEN,
        allow_risky_contacts: bool | NotGiven | None = NOT_GIVEN,
        disable_bounce_protect: bool | NotGiven | None = NOT_GIVEN,
        limit_emails_per_company_override: CompanyLimitOverride
        | Mapping[str, Any]
        | NotGiven
        | None = NOT_GIVEN,
        cc_list: Seq[str] | NotGiven = NOT_GIVEN,
        bcc_list: Seq[str] | NotGiven = NOT_GIVEN,
        owned_by: str | NotGiven | None = NOT_GIVEN,
        ai_sdr_id: str | NotGiven | None = NOT_GIVEN,
        provider_routing_rules: Seq[ProviderRoutingRule | Mapping[str, Any]] | NotGiven = NOT_GIVEN,
    ) -> Campaign:
        """Create a campaign (it starts as a draft; creating never sends).

        Not retried after the request may have reached the server: Instantly
        has no idempotency keys, so a blind retry could create it twice.
        """
        if not isinstance(name, str) or not name.strip():
            raise InvalidArgumentError("name must be a non-empty string")
        payload = _campaign_body(dict(locals()))
        return await self._send("POST", _PATH, Campaign, body=payload, safe_to_retry=False)

    def list(
        self,
        *,
        search: str | None = None,
        tag_ids: Iterable[str] | None = None,
        status: CampaignStatus | int | None = None,
        exclude_status: CampaignStatus | int | None = None,
        ai_sales_agent_id: str | None = None,
        limit: int = 100,
        starting_after: str | None = None,
        max_items: int | None = None,
    ) -> AsyncPaginator[Campaign]:
        """Iterate over campaigns, following cursors page after page.

        ``async for c in client.campaigns.list(status=CampaignStatus.ACTIVE)``
        yields campaigns; ``.pages()`` yields pages with the cursor to resume
        from (``starting_after=``); ``max_items`` stops early.  ``tag_ids``
        matches campaigns with any of the tags.
        """
        filters = query(
            ("search", search),
            (
                "tag_ids",
                None
                if tag_ids is None
                else ",".join(query_list(string_list(tag_ids, "tag_ids"), "tag_ids")),
            ),
            ("status", None if status is None else enum_value(status, CampaignStatus, "status")),
            (
                "exclude_status",
                None
                if exclude_status is None
                else enum_value(exclude_status, CampaignStatus, "exclude_status"),
            ),
            ("ai_sales_agent_id", optional_id(ai_sales_agent_id, "ai_sales_agent_id")),
        )
        return self._paginate(
            _PATH,
            Campaign,
            filters,
            limit=limit,
            starting_after=starting_after,
            max_items=max_items,
        )

    async def get(self, campaign: CampaignRef) -> Campaign:
        """Fetch one campaign."""
        path = f"{_PATH}/{path_id(campaign, 'campaign')}"
        return await self._send("GET", path, Campaign, safe_to_retry=True)

    async def update(
        self,
        campaign: CampaignRef,
        *,
        name: str | NotGiven = NOT_GIVEN,
        campaign_schedule: Schedule | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        sequences: Seq[Sequence | Mapping[str, Any]] | NotGiven = NOT_GIVEN,
        pl_value: float | NotGiven | None = NOT_GIVEN,
        is_evergreen: bool | NotGiven | None = NOT_GIVEN,
        email_gap: float | NotGiven | None = NOT_GIVEN,
        random_wait_max: float | NotGiven | None = NOT_GIVEN,
        text_only: bool | NotGiven | None = NOT_GIVEN,
        first_email_text_only: bool | NotGiven | None = NOT_GIVEN,
        email_list: Seq[str] | NotGiven = NOT_GIVEN,
        daily_limit: int | NotGiven | None = NOT_GIVEN,
        stop_on_reply: bool | NotGiven | None = NOT_GIVEN,
        email_tag_list: Seq[str] | NotGiven = NOT_GIVEN,
        link_tracking: bool | NotGiven | None = NOT_GIVEN,
        open_tracking: bool | NotGiven = NOT_GIVEN,
        stop_on_auto_reply: bool | NotGiven | None = NOT_GIVEN,
        daily_max_leads: int | NotGiven | None = NOT_GIVEN,
        prioritize_new_leads: bool | NotGiven | None = NOT_GIVEN,
        auto_variant_select: AutoVariantSelect | Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        match_lead_esp: bool | NotGiven | None = NOT_GIVEN,
        stop_for_company: bool | NotGiven | None = NOT_GIVEN,
        insert_unsubscribe_header: bool | NotGiven | None = NOT_GIVEN,
        allow_risky_contacts: bool | NotGiven | None = NOT_GIVEN,
        disable_bounce_protect: bool | NotGiven | None = NOT_GIVEN,
        limit_emails_per_company_override: CompanyLimitOverride
        | Mapping[str, Any]
        | NotGiven
        | None = NOT_GIVEN,
        cc_list: Seq[str] | NotGiven = NOT_GIVEN,
        bcc_list: Seq[str] | NotGiven = NOT_GIVEN,
        owned_by: str | NotGiven | None = NOT_GIVEN,
        provider_routing_rules: Seq[ProviderRoutingRule | Mapping[str, Any]] | NotGiven = NOT_GIVEN,
    ) -> Campaign:
        """Change some fields of a campaign.

        Only the arguments you pass are sent; passing ``None`` sends ``null``
        (clearing the field), which is not the same as leaving it out.  Lists
        such as ``email_list`` replace the existing list.
        """
        path = f"{_PATH}/{path_id(campaign, 'campaign')}"
        fields = dict(locals())
        del fields["campaign"], fields["path"]
        payload = _campaign_body(fields)
        return await self._send("PATCH", path, Campaign, body=payload, safe_to_retry=True)

    async def delete(self, campaign: CampaignRef) -> Campaign:
        """Delete a campaign (and its subsequences); returns what was deleted."""
        path = f"{_PATH}/{path_id(campaign, 'campaign')}"
        return await self._send("DELETE", path, Campaign, safe_to_retry=True)

    async def activate(self, campaign: CampaignRef) -> Campaign:
        """Start, or resume, a campaign."""
        path = f"{_PATH}/{path_id(campaign, 'campaign')}/activate"
        return await self._send("POST", path, Campaign, safe_to_retry=True)

    async def pause(self, campaign: CampaignRef) -> Campaign:
        """Stop (pause) a campaign."""
        path = f"{_PATH}/{path_id(campaign, 'campaign')}/pause"
        return await self._send("POST", path, Campaign, safe_to_retry=True)

    async def duplicate(
        self, campaign: CampaignRef, *, name: str | NotGiven = NOT_GIVEN
    ) -> Campaign:
        """Copy a campaign into a new draft (default name "NAME (copy)").

        Not retried after the request may have reached the server.
        """
        path = f"{_PATH}/{path_id(campaign, 'campaign')}/duplicate"
        payload = None if isinstance(name, NotGiven) else {"name": name}
        return await self._send("POST", path, Campaign, body=payload, safe_to_retry=False)

    async def share(self, campaign: CampaignRef) -> None:
        """Share a campaign for 7 days so others can create campaigns from it."""
        path = f"{_PATH}/{path_id(campaign, 'campaign')}/share"
        await self._client.request("POST", path, safe_to_retry=True)

    async def create_from_export(self, campaign: CampaignRef) -> Campaign:
        """Create a new campaign from a shared one (403 if it is not shared).

        Not retried after the request may have reached the server.
        """
        path = f"{_PATH}/{path_id(campaign, 'campaign')}/from-export"
        return await self._send("POST", path, Campaign, safe_to_retry=False)

    async def export(self, campaign: CampaignRef) -> Campaign:
        """Export a campaign as JSON."""
        path = f"{_PATH}/{path_id(campaign, 'campaign')}/export"
        return await self._send("POST", path, Campaign, safe_to_retry=True)

    async def add_variables(self, campaign: CampaignRef, variables: Iterable[str]) -> Campaign:
        """Declare custom or core variable names (e.g. ``firstName``) used by a campaign."""
        path = f"{_PATH}/{path_id(campaign, 'campaign')}/variables"
        payload = {"variables": string_list(variables, "variables")}
        return await self._send("POST", path, Campaign, body=payload, safe_to_retry=True)

    async def sending_status(
        self, campaign: CampaignRef, *, with_ai_summary: bool = False
    ) -> SendingStatus:
        """Why a campaign is or is not sending.

        For drafts and paused campaigns ``diagnostics`` is null and the reason
        is in ``summary.status``: see :attr:`SendingStatus.status`.
        """
        path = f"{_PATH}/{path_id(campaign, 'campaign')}/sending-status"
        params = query(("with_ai_summary", bool(with_ai_summary)))
        return await self._send("GET", path, SendingStatus, params=params, safe_to_retry=True)

    async def search_by_contact(
        self,
        email: str,
        *,
        sort_column: str | None = None,
        sort_order: SortOrder | str | None = None,
    ) -> builtins.list[Campaign]:
        """Campaigns that contain a lead with this email (not paginated)."""
        if not isinstance(email, str) or not email.strip():
            raise InvalidArgumentError("email must be a non-empty string")
        params = query(
            ("search", email),
            ("sort_column", sort_column),
            (
                "sort_order",
                None if sort_order is None else enum_value(sort_order, SortOrder, "sort_order"),
            ),
        )
        path = f"{_PATH}/search-by-contact"
        found = await self._send("GET", path, _CampaignItems, params=params, safe_to_retry=True)
        return found.items or []

    async def count_launched(self) -> float:
        """How many campaigns of the workspace have been launched.

        The spec types it as a JSON ``number``: an ``int`` in practice, returned
        as sent (a fraction would stay a fraction, never rounded).
        """
        launched = await self._send("GET", f"{_PATH}/count-launched", _Count, safe_to_retry=True)
        return launched.count

    async def analytics(
        self,
        *,
        campaign: CampaignRef | None = None,
        campaigns: Iterable[CampaignRef] | None = None,
        start_date: date | str | None = None,
        end_date: date | str | None = None,
        exclude_total_leads_count: bool | None = None,
    ) -> builtins.list[CampaignAnalytics]:
        """Per-campaign totals: one campaign, several, or (neither given) all."""
        params = [
            *_ids_filter(campaign, campaigns),
            *query(
                ("start_date", date_param(start_date, "start_date")),
                ("end_date", date_param(end_date, "end_date")),
                ("exclude_total_leads_count", exclude_total_leads_count),
            ),
        ]
        return await self._send(
            "GET", f"{_PATH}/analytics", list[CampaignAnalytics], params=params, safe_to_retry=True
        )

    async def analytics_overview(
        self,
        *,
        campaign: CampaignRef | None = None,
        campaigns: Iterable[CampaignRef] | None = None,
        start_date: date | str | None = None,
        end_date: date | str | None = None,
        campaign_status: CampaignStatus | int | None = None,
        expand_crm_events: bool | None = None,
    ) -> AnalyticsOverview:
        """Totals across the selected campaigns (all when none is given)."""
        params = [
            *_ids_filter(campaign, campaigns),
            *query(
                ("start_date", date_param(start_date, "start_date")),
                ("end_date", date_param(end_date, "end_date")),
                (
                    "campaign_status",
                    None
                    if campaign_status is None
                    else enum_value(campaign_status, CampaignStatus, "campaign_status"),
                ),
                ("expand_crm_events", expand_crm_events),
            ),
        ]
        return await self._send(
            "GET",
            f"{_PATH}/analytics/overview",
            AnalyticsOverview,
            params=params,
            safe_to_retry=True,
        )

    async def analytics_daily(
        self,
        *,
        campaign: CampaignRef | None = None,
        start_date: date | str | None = None,
        end_date: date | str | None = None,
        campaign_status: CampaignStatus | int | None = None,
    ) -> builtins.list[DailyAnalytics]:
        """Day-by-day counts for one campaign, or all when none is given."""
        params = query(
            ("campaign_id", optional_id(campaign, "campaign")),
            ("start_date", date_param(start_date, "start_date")),
            ("end_date", date_param(end_date, "end_date")),
            (
                "campaign_status",
                None
                if campaign_status is None
                else enum_value(campaign_status, CampaignStatus, "campaign_status"),
            ),
        )
        return await self._send(
            "GET",
            f"{_PATH}/analytics/daily",
            list[DailyAnalytics],
            params=params,
            safe_to_retry=True,
        )

    async def analytics_steps(
        self,
        *,
        campaign: CampaignRef | None = None,
        start_date: date | str | None = None,
        end_date: date | str | None = None,
        include_opportunities_count: bool | None = None,
    ) -> builtins.list[StepAnalytics]:
        """Counts per sequence step and variant."""
        params = query(
            ("campaign_id", optional_id(campaign, "campaign")),
            ("start_date", date_param(start_date, "start_date")),
            ("end_date", date_param(end_date, "end_date")),
            ("include_opportunities_count", include_opportunities_count),
        )
        return await self._send(
            "GET",
            f"{_PATH}/analytics/steps",
            list[StepAnalytics],
            params=params,
            safe_to_retry=True,
        )

    # Bulk jobs: ``await client.campaigns.pause_many(ids_or_a_listing)``.
    pause_many = BulkOperation(pause)
    activate_many = BulkOperation(activate)
