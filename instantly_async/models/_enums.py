"""Every enum the API documents, open to values it adds later.

Unknown values from the server become pseudo-members (see _open_enum);
arguments the SDK sends must be documented members.
"""

from __future__ import annotations

from .._open_enum import OpenIntEnum, OpenStrEnum


class CampaignStatus(OpenIntEnum):
    """Status of a campaign, and of a subsequence (same values)."""

    DRAFT = 0
    ACTIVE = 1
    PAUSED = 2
    COMPLETED = 3
    RUNNING_SUBSEQUENCES = 4
    ACCOUNT_SUSPENDED = -99
    ACCOUNTS_UNHEALTHY = -1
    BOUNCE_PROTECT = -2


class NotSendingStatus(OpenIntEnum):
    """Why an active campaign is not sending right now."""

    OUTSIDE_SCHEDULE = 1
    WAITING_FOR_LEAD = 2
    CAMPAIGN_DAILY_LIMIT = 3
    ACCOUNTS_DAILY_LIMIT = 4
    ERROR = 99


class CrmStatus(OpenIntEnum):
    """A lead's interest status.  Custom lead labels use any value in -30000..30000."""

    OUT_OF_OFFICE = 0
    INTERESTED = 1
    MEETING_BOOKED = 2
    MEETING_COMPLETED = 3
    WON = 4
    NOT_INTERESTED = -1
    WRONG_PERSON = -2
    LOST = -3
    NO_SHOW = -4


class LeadActivity(OpenIntEnum):
    """Lead activity that can trigger a subsequence."""

    EMAIL_OPENED = 2
    LINK_CLICKED = 4
    COMPLETED_WITHOUT_REPLY = 91


class AutoVariantTrigger(OpenStrEnum):
    """The metric A/Z testing uses to pick the winning variant."""

    REPLY_RATE = "reply_rate"
    CLICK_RATE = "click_rate"
    OPEN_RATE = "open_rate"


class DelayUnit(OpenStrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"


class StepType(OpenStrEnum):
    EMAIL = "email"


class DailyLimitMode(OpenStrEnum):
    """How a subsequence's daily limit is set: the parent's, its own, or none."""

    INHERIT = "inherit"
    CUSTOM = "custom"
    UNLIMITED = "unlimited"


class LimitMode(OpenStrEnum):
    """Per-company email limit override: a custom limit, or no limit."""

    CUSTOM = "custom"
    DISABLED = "disabled"


class LimitScope(OpenStrEnum):
    PER_CAMPAIGN = "per_campaign"
    ACROSS_WORKSPACE = "across_workspace"


class RoutingAction(OpenStrEnum):
    SEND = "send"
    DO_NOT_SEND = "do_not_send"


class EspProvider(OpenStrEnum):
    """Email service provider of a sender or recipient."""

    ALL = "all"
    GOOGLE = "google"
    OUTLOOK = "outlook"
    OTHER = "other"


class DiagnosticsStatus(OpenStrEnum):
    """Sending diagnostics of a campaign or subsequence."""

    CAMPAIGN_PAUSED = "campaign_paused"
    CAMPAIGN_DRAFT = "campaign_draft"
    CAMPAIGN_COMPLETED = "campaign_completed"
    CAMPAIGN_RUNNING_SUBSEQUENCES = "campaign_running_subsequences"
    CAMPAIGN_BOUNCE_PROTECT = "campaign_bounce_protect"
    CAMPAIGN_ACCOUNTS_UNHEALTHY = "campaign_accounts_unhealthy"
    CAMPAIGN_ACCOUNT_SUSPENDED = "campaign_account_suspended"
    OUT_OF_SCHEDULE = "out_of_schedule"
    WAITING_FOR_LEADS = "waiting_for_leads"
    DAILY_LIMIT_MET = "daily_limit_met"
    ACCOUNT_DAILY_LIMIT_MET = "account_daily_limit_met"
    NEW_LEAD_LIMIT_MET = "new_lead_limit_met"
    ALL_ACCOUNTS_UNHEALTHY = "all_accounts_unhealthy"
    WAITING_FOR_ESP_MATCH = "waiting_for_esp_match"
    DOMAIN_LIMIT_REACHED = "domain_limit_reached"
    FOLLOW_UP_DELAY_NOT_MET = "follow_up_delay_not_met"
    NO_ACCOUNTS_AVAILABLE = "no_accounts_available"
    HEALTHY = "healthy"


class SortOrder(OpenStrEnum):
    ASC = "asc"
    DESC = "desc"


# The schedule timezones the API accepts: one legacy IANA name per offset
# (common names such as "UTC" or "Europe/London" are not among them).
TIMEZONES: frozenset[str] = frozenset(
    [
        "Etc/GMT+12",
        "Etc/GMT+11",
        "Etc/GMT+10",
        "America/Anchorage",
        "America/Dawson",
        "America/Creston",
        "America/Chihuahua",
        "America/Boise",
        "America/Belize",
        "America/Chicago",
        "America/Bahia_Banderas",
        "America/Regina",
        "America/Bogota",
        "America/Detroit",
        "America/Indiana/Marengo",
        "America/Caracas",
        "America/Asuncion",
        "America/Glace_Bay",
        "America/Campo_Grande",
        "America/Anguilla",
        "America/Santiago",
        "America/St_Johns",
        "America/Sao_Paulo",
        "America/Argentina/La_Rioja",
        "America/Araguaina",
        "America/Godthab",
        "America/Montevideo",
        "America/Bahia",
        "America/Noronha",
        "America/Scoresbysund",
        "Atlantic/Cape_Verde",
        "Africa/Casablanca",
        "America/Danmarkshavn",
        "Europe/Isle_of_Man",
        "Atlantic/Canary",
        "Africa/Abidjan",
        "Arctic/Longyearbyen",
        "Europe/Belgrade",
        "Africa/Ceuta",
        "Europe/Sarajevo",
        "Africa/Algiers",
        "Africa/Windhoek",
        "Asia/Nicosia",
        "Asia/Beirut",
        "Africa/Cairo",
        "Asia/Damascus",
        "Europe/Bucharest",
        "Africa/Blantyre",
        "Europe/Helsinki",
        "Europe/Istanbul",
        "Asia/Jerusalem",
        "Africa/Tripoli",
        "Asia/Amman",
        "Asia/Baghdad",
        "Europe/Kaliningrad",
        "Asia/Aden",
        "Africa/Addis_Ababa",
        "Europe/Kirov",
        "Europe/Astrakhan",
        "Asia/Tehran",
        "Asia/Dubai",
        "Asia/Baku",
        "Indian/Mahe",
        "Asia/Tbilisi",
        "Asia/Yerevan",
        "Asia/Kabul",
        "Antarctica/Mawson",
        "Asia/Yekaterinburg",
        "Asia/Karachi",
        "Asia/Kolkata",
        "Asia/Colombo",
        "Asia/Kathmandu",
        "Antarctica/Vostok",
        "Asia/Dhaka",
        "Asia/Rangoon",
        "Antarctica/Davis",
        "Asia/Novokuznetsk",
        "Asia/Hong_Kong",
        "Asia/Krasnoyarsk",
        "Asia/Brunei",
        "Australia/Perth",
        "Asia/Taipei",
        "Asia/Choibalsan",
        "Asia/Irkutsk",
        "Asia/Dili",
        "Asia/Pyongyang",
        "Australia/Adelaide",
        "Australia/Darwin",
        "Australia/Brisbane",
        "Australia/Melbourne",
        "Antarctica/DumontDUrville",
        "Australia/Currie",
        "Asia/Chita",
        "Antarctica/Macquarie",
        "Asia/Sakhalin",
        "Pacific/Auckland",
        "Etc/GMT-12",
        "Pacific/Fiji",
        "Asia/Anadyr",
        "Asia/Kamchatka",
        "Etc/GMT-13",
        "Pacific/Apia",
    ]
)
