"""Realistic, fully populated Campaign JSON, as the fake returns it.

Built with the fake's own seeding code (``FakeInstantly.seed_campaigns``: every
field the API returns, server-set ids and timestamps) with every optional field
filled in the way a working campaign has it, then round-tripped through JSON
so the benchmark starts from freshly parsed data, as a client would.
"""

from __future__ import annotations

import json
from typing import Any

from instantly_async.testing import FakeInstantly

_DAYS = {"0": False, "1": True, "2": True, "3": True, "4": True, "5": True, "6": False}


def _step(n: int) -> dict[str, Any]:
    return {
        "type": "email",
        "delay": 2 + n,
        "delay_unit": "days",
        "variants": [
            {
                "subject": f"{{{{firstName}}}}, quick question #{n}",
                "body": (
                    "<p>Hi {{firstName}},</p><br/><p>I noticed {{companyName}} is hiring "
                    "engineers. We help teams like yours ship faster without adding "
                    "headcount.</p><br/><p>Worth a 15-minute chat next week?</p>"
                    "<br/><p>Best,<br/>{{sendingAccountFirstName}}</p>"
                ),
            },
            {
                "subject": f"Idea for {{{{companyName}}}} ({n})",
                "body": "<p>Hello {{firstName}},</p><br/><p>Short follow-up on my note.</p>",
                "v_disabled": n == 2,
            },
        ],
    }


POPULATED: dict[str, Any] = {
    "pl_value": 250.0,
    "is_evergreen": False,
    "campaign_schedule": {
        "schedules": [
            {
                "name": "Business hours",
                "timing": {"from": "09:00", "to": "17:30"},
                "days": _DAYS,
                "timezone": "America/Chicago",
            },
            {
                "name": "EU mornings",
                "timing": {"from": "08:00", "to": "11:00"},
                "days": _DAYS,
                "timezone": "Europe/Belgrade",
            },
        ],
        "start_date": "2025-09-25",
        "end_date": "2026-03-31",
    },
    "sequences": [{"steps": [_step(1), _step(2), _step(3)]}],
    "email_gap": 10,
    "random_wait_max": 5,
    "text_only": False,
    "first_email_text_only": True,
    "email_list": ["alice@sales.example.com", "bob@sales.example.com", "carol@outreach.example.io"],
    "daily_limit": 120,
    "stop_on_reply": True,
    "email_tag_list": ["01a205d6-5733-7000-aef2-7eaedc7d4d01"],
    "link_tracking": True,
    "open_tracking": True,
    "stop_on_auto_reply": False,
    "daily_max_leads": 40,
    "prioritize_new_leads": True,
    "auto_variant_select": {"trigger": "reply_rate"},
    "match_lead_esp": True,
    "not_sending_status": 1,
    "stop_for_company": True,
    "core_variables": {"firstName": "there", "companyName": "your team"},
    "custom_variables": {"industry": "SaaS", "region": "NA"},
    "insert_unsubscribe_header": True,
    "allow_risky_contacts": False,
    "disable_bounce_protect": False,
    "limit_emails_per_company_override": {
        "mode": "custom",
        "daily_limit": 3,
        "scope": "per_campaign",
    },
    "cc_list": ["manager@sales.example.com"],
    "bcc_list": ["crm-dropbox@example.com"],
    "owned_by": "01a205d6-5733-7000-aef2-7eaedc7d4d02",
    "ai_sdr_id": "01a205d6-5733-7000-aef2-7eaedc7d4d03",
    "provider_routing_rules": [
        {"action": "send", "recipient_esp": ["google"], "sender_esp": ["google", "outlook"]},
        {"action": "do_not_send", "recipient_esp": ["outlook"], "sender_esp": ["other"]},
    ],
}


def campaigns(n: int) -> list[dict[str, Any]]:
    """``n`` distinct, fully populated active campaigns as parsed JSON."""
    fake = FakeInstantly()
    seeded = fake.seed_campaigns(n, status=1, **POPULATED)
    parsed: list[dict[str, Any]] = json.loads(json.dumps(seeded))
    return parsed


def full_campaign(n: int, *, status: int = 1) -> dict[str, Any]:
    """Campaign number ``n`` with every field of the API's Campaign schema set (about 1.75 KB).

    What the lean server answers with: every field a working campaign has (one
    step with A/B variants, one schedule, routing rules, server-set fields),
    each campaign with its own id, name and timestamps.
    """
    stamp = f"2026-03-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:07.{n % 1000:03d}Z"
    schedule = POPULATED["campaign_schedule"]
    step = {
        "type": "email",
        "delay": 2,
        "delay_unit": "days",
        "variants": [
            {
                "subject": "{{firstName}}, quick question",
                "body": "<p>Hi {{firstName}},</p><p>Worth a chat?</p>",
            },
            {
                "subject": "Idea for {{companyName}}",
                "body": "<p>A short follow-up.</p>",
                "v_disabled": False,
            },
        ],
    }
    return {
        "id": campaign_id(n),
        "name": f"Campaign {n}",
        **POPULATED,
        "status": status,
        "campaign_schedule": {**schedule, "schedules": schedule["schedules"][:1]},
        "sequences": [{"steps": [step]}],
        "email_list": POPULATED["email_list"][:2],
        "provider_routing_rules": POPULATED["provider_routing_rules"][:1],
        "timestamp_created": stamp,
        "timestamp_updated": stamp,
        "organization": "01a205d6-5733-7000-aef2-7eaedc7d4d00",
    }


def campaign_id(n: int) -> str:
    """A UUIDv7-shaped id, ordered like the API's (creation order)."""
    return f"01a228e3-cd80-7{n >> 48 & 0xFFF:03x}-a{n >> 36 & 0xFFF:03x}-{n & 0xFFFFFFFFF:012x}"
