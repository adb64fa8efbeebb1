"""Building campaign and subsequence JSON the way the vendor returns it."""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "CAMPAIGN_COPY_FIELDS",
    "SUBSEQUENCE_COPY_FIELDS",
    "campaign_defaults",
    "clone",
    "default_schedule",
    "subsequence_defaults",
]

JSONObj = dict[str, Any]


def clone(value: Any) -> Any:
    """Deep copy of plain JSON data (a JSON round trip beats copy.deepcopy here)."""
    return json.loads(json.dumps(value))


def default_schedule() -> JSONObj:
    return {
        "schedules": [
            {
                "name": "Weekdays",
                "timing": {"from": "09:00", "to": "17:00"},
                "days": {"1": True, "2": True, "3": True, "4": True, "5": True},
                "timezone": "America/Chicago",
            }
        ],
        "start_date": None,
        "end_date": None,
    }


def campaign_defaults(
    *, campaign_id: str, now: str, organization: str, name: str = "Campaign"
) -> JSONObj:
    """Every Campaign field, in the schema's order, as a fresh draft carries it."""
    return {
        "id": campaign_id,
        "name": name,
        "pl_value": None,
        "status": 0,
        "is_evergreen": False,
        "campaign_schedule": default_schedule(),
        "sequences": [],
        "timestamp_created": now,
        "timestamp_updated": now,
        "email_gap": 10,
        "random_wait_max": 10,
        "text_only": False,
        "first_email_text_only": False,
        "email_list": [],
        "daily_limit": 50,
        "stop_on_reply": True,
        "email_tag_list": [],
        "link_tracking": False,
        "open_tracking": False,
        "stop_on_auto_reply": True,
        "daily_max_leads": None,
        "prioritize_new_leads": False,
        "auto_variant_select": None,
        "match_lead_esp": False,
        "not_sending_status": None,
        "stop_for_company": False,
        "core_variables": {},
        "custom_variables": {},
        "insert_unsubscribe_header": False,
        "allow_risky_contacts": False,
        "disable_bounce_protect": False,
        "limit_emails_per_company_override": None,
        "cc_list": [],
        "bcc_list": [],
        "organization": organization,
        "owned_by": None,
        "ai_sdr_id": None,
        "provider_routing_rules": [],
    }


# What a duplicate or an import from an export carries over; everything else
# (id, status, timestamps, organization, not_sending_status) is the new draft's own.
CAMPAIGN_COPY_FIELDS = (
    "name",
    "pl_value",
    "is_evergreen",
    "campaign_schedule",
    "sequences",
    "email_gap",
    "random_wait_max",
    "text_only",
    "first_email_text_only",
    "email_list",
    "daily_limit",
    "stop_on_reply",
    "email_tag_list",
    "link_tracking",
    "open_tracking",
    "stop_on_auto_reply",
    "daily_max_leads",
    "prioritize_new_leads",
    "auto_variant_select",
    "match_lead_esp",
    "stop_for_company",
    "core_variables",
    "custom_variables",
    "insert_unsubscribe_header",
    "allow_risky_contacts",
    "disable_bounce_protect",
    "limit_emails_per_company_override",
    "cc_list",
    "bcc_list",
    "owned_by",
    "ai_sdr_id",
    "provider_routing_rules",
)


def subsequence_defaults(
    *, subsequence_id: str, parent: str, now: str, workspace: str, name: str = "Subsequence"
) -> JSONObj:
    """Every CampaignSubsequence field, in the schema's order, for a new draft."""
    return {
        "id": subsequence_id,
        "timestamp_created": now,
        "parent_campaign": parent,
        "workspace": workspace,
        "status": 0,
        "timestamp_leads_updated": now,
        "name": name,
        "conditions": {},
        "subsequence_schedule": default_schedule(),
        "sequences": [],
        "auto_variant_select": None,
        "daily_limit_mode": "inherit",
        "daily_limit": None,
        "ignore_account_daily_limit": False,
    }


SUBSEQUENCE_COPY_FIELDS = (
    "name",
    "conditions",
    "subsequence_schedule",
    "sequences",
    "auto_variant_select",
    "daily_limit_mode",
    "daily_limit",
    "ignore_account_daily_limit",
)
