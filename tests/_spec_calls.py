"""Every SDK call, by the vendor operation it sends, and how to read its answer back as JSON.

``CALLS[operation_id]`` lists the ways the SDK can send that operation (only
the required arguments; every optional argument set; nullable ones set to
``None`` where the method takes them), and ``ANSWERS[operation_id]`` turns
the SDK's result back into the JSON the server sent, next to the part of the
body it came from, so that round trips can be compared.
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from typing import Any

from instantly_async import AsyncInstantly, CampaignStatus, to_dict

Call = Callable[[AsyncInstantly], Awaitable[Any]]
# (the SDK's result, the body served) -> (result as JSON, what it should equal)
Answer = Callable[[Any, Any], tuple[Any, Any]]

SCHEDULE: dict[str, Any] = {
    "schedules": [
        {
            "name": "Weekdays",
            "timing": {"from": "09:00", "to": "17:00"},
            "days": {"1": True, "2": True, "3": True, "4": True, "5": True},
            "timezone": "Etc/GMT+12",
        }
    ],
    "start_date": "2026-01-05",
    "end_date": None,
}
SEQUENCES: list[dict[str, Any]] = [
    {
        "steps": [
            {
                "type": "email",
                "delay": 2,
                "delay_unit": "days",
                "variants": [
                    {"subject": "Hi", "body": "<p>Hello</p>"},
                    {"subject": "B", "body": "x"},
                ],
            }
        ]
    }
]
SUB_SEQUENCES: list[dict[str, Any]] = [
    {
        "steps": [
            {
                "type": "email",
                "delay": 1,
                "delay_unit": "hours",
                "pre_delay": 30,
                "pre_delay_unit": "minutes",
                "variants": [{"subject": "S", "body": "b", "v_disabled": False}],
            }
        ]
    }
]
CAMPAIGN_FIELDS: dict[str, Any] = {
    "sequences": SEQUENCES,
    "pl_value": 100.5,
    "is_evergreen": True,
    "email_gap": 10,
    "random_wait_max": 5,
    "text_only": False,
    "first_email_text_only": True,
    "email_list": ["a@b.io"],
    "daily_limit": 50,
    "stop_on_reply": True,
    "email_tag_list": ["t1"],
    "link_tracking": True,
    "open_tracking": False,
    "stop_on_auto_reply": True,
    "daily_max_leads": 20,
    "prioritize_new_leads": True,
    "auto_variant_select": {"trigger": "reply_rate"},
    "match_lead_esp": True,
    "stop_for_company": True,
    "insert_unsubscribe_header": True,
    "allow_risky_contacts": False,
    "disable_bounce_protect": False,
    "limit_emails_per_company_override": {
        "mode": "custom",
        "daily_limit": 3,
        "scope": "per_campaign",
    },
    "cc_list": ["c@d.io"],
    "bcc_list": ["e@f.io"],
    "owned_by": "u1",
    "provider_routing_rules": [
        {"action": "send", "recipient_esp": ["google"], "sender_esp": ["all", "outlook"]}
    ],
}
CAMPAIGN_NULLS: dict[str, Any] = {
    name: None
    for name in (
        "pl_value",
        "is_evergreen",
        "email_gap",
        "random_wait_max",
        "text_only",
        "first_email_text_only",
        "daily_limit",
        "stop_on_reply",
        "link_tracking",
        "stop_on_auto_reply",
        "daily_max_leads",
        "prioritize_new_leads",
        "auto_variant_select",
        "match_lead_esp",
        "stop_for_company",
        "insert_unsubscribe_header",
        "allow_risky_contacts",
        "disable_bounce_protect",
        "limit_emails_per_company_override",
        "owned_by",
    )
}
SUBSEQUENCE_FIELDS: dict[str, Any] = {
    "conditions": {"crm_status": [1, -3, 12345], "lead_activity": [2, 91], "reply_contains": "y"},
    "subsequence_schedule": SCHEDULE,
    "sequences": SUB_SEQUENCES,
    "auto_variant_select": {"trigger": "open_rate"},
    "daily_limit_mode": "custom",
    "daily_limit": 10,
    "ignore_account_daily_limit": True,
}
DATES: dict[str, Any] = {"start_date": "2026-01-01", "end_date": datetime.date(2026, 2, 1)}

CALLS: dict[str, list[Call]] = {
    # -- Campaign -----------------------------------------------------------------------
    "createCampaign": [
        lambda c: c.campaigns.create(name="n", campaign_schedule=SCHEDULE),
        lambda c: c.campaigns.create(
            name="n", campaign_schedule=SCHEDULE, ai_sdr_id="a1", **CAMPAIGN_FIELDS
        ),
        lambda c: c.campaigns.create(name="n", campaign_schedule=SCHEDULE, **CAMPAIGN_NULLS),
    ],
    "listCampaign": [
        lambda c: c.campaigns.list(),
        lambda c: c.campaigns.list(
            search="x",
            tag_ids=["t1", "t2"],
            status=1,
            exclude_status=CampaignStatus.PAUSED,
            ai_sales_agent_id="a1",
            limit=10,
            starting_after="c0",
            max_items=5,
        ),
    ],
    "getCampaign": [lambda c: c.campaigns.get("c1")],
    "patchCampaign": [
        lambda c: c.campaigns.update("c1", name="n2"),
        lambda c: c.campaigns.update(
            "c1", name="n2", campaign_schedule=SCHEDULE, **CAMPAIGN_FIELDS
        ),
        lambda c: c.campaigns.update("c1", **CAMPAIGN_NULLS),
    ],
    "deleteCampaign": [lambda c: c.campaigns.delete("c1")],
    "activateCampaign": [lambda c: c.campaigns.activate("c1")],
    "pauseCampaign": [lambda c: c.campaigns.pause("c1")],
    "duplicate": [
        lambda c: c.campaigns.duplicate("c1"),
        lambda c: c.campaigns.duplicate("c1", name="copy"),
    ],
    "shareCampaign": [lambda c: c.campaigns.share("c1")],
    "createFromExport": [lambda c: c.campaigns.create_from_export("c1")],
    "exportCampaign": [lambda c: c.campaigns.export("c1")],
    "addVariables": [lambda c: c.campaigns.add_variables("c1", ["firstName", "companyName"])],
    "getCampaignSendingStatus": [
        lambda c: c.campaigns.sending_status("c1"),
        lambda c: c.campaigns.sending_status("c1", with_ai_summary=True),
    ],
    "searchByContact": [
        lambda c: c.campaigns.search_by_contact("a@b.io"),
        lambda c: c.campaigns.search_by_contact("a@b.io", sort_column="name", sort_order="desc"),
    ],
    "countLaunched": [lambda c: c.campaigns.count_launched()],
    "getCampaignAnalytics": [
        lambda c: c.campaigns.analytics(),
        lambda c: c.campaigns.analytics(campaign="c1"),
        lambda c: c.campaigns.analytics(
            campaigns=["c1", "c2"], exclude_total_leads_count=True, **DATES
        ),
    ],
    "getCampaignAnalyticsOverview": [
        lambda c: c.campaigns.analytics_overview(),
        lambda c: c.campaigns.analytics_overview(campaign="c1"),
        lambda c: c.campaigns.analytics_overview(
            campaigns=["c1", "c2"], campaign_status=1, expand_crm_events=True, **DATES
        ),
    ],
    "getDailyCampaignAnalytics": [
        lambda c: c.campaigns.analytics_daily(),
        lambda c: c.campaigns.analytics_daily(campaign="c1", campaign_status=-99, **DATES),
    ],
    "getCampaignStepsAnalytics": [
        lambda c: c.campaigns.analytics_steps(),
        lambda c: c.campaigns.analytics_steps(
            campaign="c1", include_opportunities_count=True, **DATES
        ),
    ],
    # -- CampaignSubsequence --------------------------------------------------------------
    "createCampaignSubsequence": [
        lambda c: c.subsequences.create(
            parent_campaign="c1", name="s", conditions={"crm_status": [1]}
        ),
        lambda c: c.subsequences.create(parent_campaign="c1", name="s", **SUBSEQUENCE_FIELDS),
    ],
    "listCampaignSubsequence": [
        lambda c: c.subsequences.list(),
        lambda c: c.subsequences.list(
            parent_campaign="c1", search="x", limit=5, starting_after="s0", max_items=3
        ),
        lambda c: c.subsequences.list(parent_campaign_not="c1"),
    ],
    "getCampaignSubsequence": [lambda c: c.subsequences.get("s1")],
    "patchCampaignSubsequence": [
        lambda c: c.subsequences.update("s1", name="n"),
        lambda c: c.subsequences.update("s1", name="n", **SUBSEQUENCE_FIELDS),
        lambda c: c.subsequences.update("s1", auto_variant_select=None, daily_limit=None),
    ],
    "deleteCampaignSubsequence": [lambda c: c.subsequences.delete("s1")],
    "duplicateSubsequence": [
        lambda c: c.subsequences.duplicate("s1", parent_campaign="c2"),
        lambda c: c.subsequences.duplicate("s1", parent_campaign="c2", name="copy"),
    ],
    "pauseSubsequence": [lambda c: c.subsequences.pause("s1")],
    "resumeSubsequence": [lambda c: c.subsequences.resume("s1")],
    "getSubsequenceSendingStatus": [
        lambda c: c.subsequences.sending_status("s1"),
        lambda c: c.subsequences.sending_status("s1", with_ai_summary=True),
    ],
    "getSubsequenceAnalytics": [lambda c: c.subsequences.analytics("c1")],
    "getSubsequenceStepsAnalytics": [
        lambda c: c.subsequences.analytics_steps("s1"),
        lambda c: c.subsequences.analytics_steps("s1", **DATES),
    ],
}


def _model(result: Any, body: Any) -> tuple[Any, Any]:
    return to_dict(result), body


def _models(result: Any, body: Any) -> tuple[Any, Any]:
    return [to_dict(item) for item in result], body


def _page(result: Any, body: Any) -> tuple[Any, Any]:
    return [to_dict(item) for item in result.items], body["items"]


ANSWERS: dict[str, Answer] = {
    op: _model
    for op in (
        "createCampaign",
        "getCampaign",
        "patchCampaign",
        "deleteCampaign",
        "activateCampaign",
        "pauseCampaign",
        "duplicate",
        "createFromExport",
        "exportCampaign",
        "addVariables",
        "getCampaignSendingStatus",
        "getCampaignAnalyticsOverview",
        "createCampaignSubsequence",
        "getCampaignSubsequence",
        "patchCampaignSubsequence",
        "deleteCampaignSubsequence",
        "duplicateSubsequence",
        "pauseSubsequence",
        "resumeSubsequence",
        "getSubsequenceSendingStatus",
    )
}
ANSWERS.update(
    {
        op: _models
        for op in (
            "getCampaignAnalytics",
            "getDailyCampaignAnalytics",
            "getCampaignStepsAnalytics",
            "getSubsequenceAnalytics",
            "getSubsequenceStepsAnalytics",
        )
    }
)
ANSWERS["listCampaign"] = ANSWERS["listCampaignSubsequence"] = _page
ANSWERS["searchByContact"] = lambda result, body: (
    [to_dict(item) for item in result],
    body.get("items", []),
)
ANSWERS["countLaunched"] = lambda result, body: (result, body["count"])
ANSWERS["shareCampaign"] = lambda result, body: (result, None)
