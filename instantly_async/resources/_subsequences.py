"""``client.subsequences``: the 11 CampaignSubsequence operations of the API."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from collections.abc import Sequence as Seq
from datetime import date
from typing import Any

from .._exceptions import InvalidArgumentError
from .._open_enum import known_values
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
)
from .._validate import check_conditions, check_schedule, check_sequences
from ..models import (
    AutoVariantSelect,
    Conditions,
    DailyLimitMode,
    LeadActivity,
    Schedule,
    SendingStatus,
    Sequence,
    Subsequence,
    SubsequenceAnalytics,
    SubsequenceStepAnalytics,
)
from ._base import BulkOperation, Resource
from ._campaigns import CampaignRef

SubsequenceRef = str | Subsequence | HasId
_PATH = "/api/v2/subsequences"
_LEAD_ACTIVITIES = frozenset(known_values(LeadActivity))


def _subsequence_body(fields: dict[str, Any]) -> dict[str, Any]:
    fields.pop("self", None)
    mode = fields.get("daily_limit_mode", NOT_GIVEN)
    if mode is not NOT_GIVEN and mode is not None:
        fields["daily_limit_mode"] = enum_value(mode, DailyLimitMode, "daily_limit_mode")
    payload = body(fields)
    check_conditions(payload.get("conditions"), "conditions", _LEAD_ACTIVITIES)
    check_schedule(payload.get("subsequence_schedule"), "subsequence_schedule")
    check_sequences(payload.get("sequences"), "sequences", variant_rules=True)
    return payload


class Subsequences(Resource):
    """Subsequences: follow-up sequences a campaign runs for leads meeting conditions.

    Wherever a subsequence or campaign is taken, the model or its id will do.
    """

    __slots__ = ()

    async def create(
        self,
        *,
        parent_campaign: CampaignRef,
        name: str,
        conditions: Conditions | Mapping[str, Any],
        subsequence_schedule: Schedule | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        sequences: Seq[Sequence | Mapping[str, Any]] | NotGiven = NOT_GIVEN,
        auto_variant_select: AutoVariantSelect | Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        daily_limit_mode: DailyLimitMode | str | NotGiven = NOT_GIVEN,
        daily_limit: int | NotGiven | None = NOT_GIVEN,
        ignore_account_daily_limit: bool | NotGiven = NOT_GIVEN,
    ) -> Subsequence:
        """Create a subsequence in ``parent_campaign``.

        Without ``subsequence_schedule`` it inherits the campaign's schedule.
        Not retried after the request may have reached the server (no
        idempotency keys: a blind retry could create it twice).
        """
        if not isinstance(name, str) or not name.strip():
            raise InvalidArgumentError("name must be a non-empty string")
        fields = dict(locals())
        fields["parent_campaign"] = optional_id(parent_campaign, "parent_campaign")
        payload = _subsequence_body(fields)
        return await self._send("POST", _PATH, Subsequence, body=payload, safe_to_retry=False)

    def list(
        self,
        *,
        parent_campaign: CampaignRef | None = None,
        parent_campaign_not: CampaignRef | None = None,
        search: str | None = None,
        limit: int = 100,
        starting_after: str | None = None,
        max_items: int | None = None,
    ) -> AsyncPaginator[Subsequence]:
        """Iterate over subsequences, following cursors.

        ``parent_campaign`` lists one campaign's subsequences;
        ``parent_campaign_not`` lists the workspace's others (reusable ones).
        Older API versions required ``parent_campaign``; the current one does not.
        """
        filters = query(
            ("parent_campaign", optional_id(parent_campaign, "parent_campaign")),
            ("parent_campaign_not", optional_id(parent_campaign_not, "parent_campaign_not")),
            ("search", search),
        )
        return self._paginate(
            _PATH,
            Subsequence,
            filters,
            limit=limit,
            starting_after=starting_after,
            max_items=max_items,
        )

    async def get(self, subsequence: SubsequenceRef) -> Subsequence:
        """Fetch one subsequence."""
        path = f"{_PATH}/{path_id(subsequence, 'subsequence')}"
        return await self._send("GET", path, Subsequence, safe_to_retry=True)

    async def update(
        self,
        subsequence: SubsequenceRef,
        *,
        name: str | NotGiven = NOT_GIVEN,
        conditions: Conditions | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        subsequence_schedule: Schedule | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        sequences: Seq[Sequence | Mapping[str, Any]] | NotGiven = NOT_GIVEN,
        auto_variant_select: AutoVariantSelect | Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        daily_limit_mode: DailyLimitMode | str | NotGiven = NOT_GIVEN,
        daily_limit: int | NotGiven | None = NOT_GIVEN,
        ignore_account_daily_limit: bool | NotGiven = NOT_GIVEN,
    ) -> Subsequence:
        """Change some fields of a subsequence (its parent campaign cannot change).

        Only the arguments you pass are sent; ``None`` sends ``null``.
        """
        path = f"{_PATH}/{path_id(subsequence, 'subsequence')}"
        fields = dict(locals())
        del fields["subsequence"], fields["path"]
        payload = _subsequence_body(fields)
        return await self._send("PATCH", path, Subsequence, body=payload, safe_to_retry=True)

    async def delete(self, subsequence: SubsequenceRef) -> Subsequence:
        """Delete a subsequence; returns what was deleted."""
        path = f"{_PATH}/{path_id(subsequence, 'subsequence')}"
        return await self._send("DELETE", path, Subsequence, safe_to_retry=True)

    async def duplicate(
        self,
        subsequence: SubsequenceRef,
        *,
        parent_campaign: CampaignRef,
        name: str | NotGiven = NOT_GIVEN,
    ) -> Subsequence:
        """Copy a subsequence, with the same conditions, into ``parent_campaign``.

        Not retried after the request may have reached the server.
        """
        path = f"{_PATH}/{path_id(subsequence, 'subsequence')}/duplicate"
        payload: dict[str, Any] = {
            "parent_campaign": optional_id(parent_campaign, "parent_campaign")
        }
        if not isinstance(name, NotGiven):
            payload["name"] = name
        return await self._send("POST", path, Subsequence, body=payload, safe_to_retry=False)

    async def pause(self, subsequence: SubsequenceRef) -> Subsequence:
        """Pause a subsequence."""
        path = f"{_PATH}/{path_id(subsequence, 'subsequence')}/pause"
        return await self._send("POST", path, Subsequence, safe_to_retry=True)

    async def resume(self, subsequence: SubsequenceRef) -> Subsequence:
        """Resume a paused subsequence."""
        path = f"{_PATH}/{path_id(subsequence, 'subsequence')}/resume"
        return await self._send("POST", path, Subsequence, safe_to_retry=True)

    async def sending_status(
        self, subsequence: SubsequenceRef, *, with_ai_summary: bool = False
    ) -> SendingStatus:
        """Why a subsequence is or is not sending."""
        path = f"{_PATH}/{path_id(subsequence, 'subsequence')}/sending-status"
        params = query(("with_ai_summary", bool(with_ai_summary)))
        return await self._send("GET", path, SendingStatus, params=params, safe_to_retry=True)

    async def analytics(self, campaign: CampaignRef) -> builtins.list[SubsequenceAnalytics]:
        """Sent, opened and replied counts for each subsequence of a campaign."""
        params = query(("campaign_id", optional_id(campaign, "campaign")))
        return await self._send(
            "GET",
            f"{_PATH}/analytics",
            list[SubsequenceAnalytics],
            params=params,
            safe_to_retry=True,
        )

    async def analytics_steps(
        self,
        subsequence: SubsequenceRef,
        *,
        start_date: date | str | None = None,
        end_date: date | str | None = None,
    ) -> builtins.list[SubsequenceStepAnalytics]:
        """Counts per step and variant of one subsequence (inclusive date range)."""
        path = f"{_PATH}/{path_id(subsequence, 'subsequence')}/analytics/steps"
        params = query(
            ("start_date", date_param(start_date, "start_date")),
            ("end_date", date_param(end_date, "end_date")),
        )
        return await self._send(
            "GET", path, list[SubsequenceStepAnalytics], params=params, safe_to_retry=True
        )

    # Bulk jobs: ``await client.subsequences.pause_many(ids_or_a_listing)``.
    pause_many = BulkOperation(pause)
    resume_many = BulkOperation(resume)
    delete_many = BulkOperation(delete)
