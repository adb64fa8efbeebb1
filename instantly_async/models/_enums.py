"""Every enum the API documents, open to values it adds later.

Unknown values from the server become pseudo-members (see ``_open_enum``), so
parsing a response never fails on a new value; arguments the SDK sends must be
documented members (request validation uses ``known_values``).
"""

from .._open_enum import OpenIntEnum, OpenStrEnum


class CampaignStatus(OpenIntEnum):
    """Status of a campaign, and of a subsequence (same values).

    Also the type of the list filters ``status``/``exclude_status`` and of the
    analytics ``campaign_status``.
    """

    DRAFT = 0  # created, never launched (new campaigns start here)
    ACTIVE = 1  # running
    PAUSED = 2  # paused by hand
    COMPLETED = 3  # finished
    RUNNING_SUBSEQUENCES = 4  # main sequence done, subsequences still running
    ACCOUNT_SUSPENDED = -99  # suspended because of account issues
    ACCOUNTS_UNHEALTHY = -1  # paused: the sending accounts are unhealthy
    BOUNCE_PROTECT = -2  # paused by bounce protection (high bounce rate)


class NotSendingStatus(OpenIntEnum):
    """Why an active campaign is not sending right now (``Campaign.not_sending_status``)."""

    OUTSIDE_SCHEDULE = 1  # not within its sending schedule
    WAITING_FOR_LEAD = 2  # waiting for a lead to process
    CAMPAIGN_DAILY_LIMIT = 3  # the campaign reached its daily limit
    ACCOUNTS_DAILY_LIMIT = 4  # every sending account reached its daily limit
    ERROR = 99  # not sending because of an error (contact Instantly support)


class CrmStatus(OpenIntEnum):
    """A lead's interest status, as used by subsequence ``conditions.crm_status``.

    These are the built-in values; a custom lead label has its own value anywhere
    in -30000..30000, which parses as a pseudo-member (open by nature).
    """

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
    """Lead activity that can trigger a subsequence (``conditions.lead_activity``)."""

    EMAIL_OPENED = 2  # the lead opened an email
    LINK_CLICKED = 4  # the lead clicked a link in an email
    COMPLETED_WITHOUT_REPLY = 91  # the campaign finished for the lead with no reply


class AutoVariantTrigger(OpenStrEnum):
    """The metric A/Z testing uses to pick the winning variant."""

    REPLY_RATE = "reply_rate"
    CLICK_RATE = "click_rate"
    OPEN_RATE = "open_rate"


class DelayUnit(OpenStrEnum):
    """Unit of a step's ``delay`` and ``pre_delay`` (the API defaults to days)."""

    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"


class StepType(OpenStrEnum):
    """Kind of sequence step; email is the only one documented."""

    EMAIL = "email"


class DailyLimitMode(OpenStrEnum):
    """How a subsequence's daily sending limit is set."""

    INHERIT = "inherit"  # use the parent campaign's limit
    CUSTOM = "custom"  # use the subsequence's own ``daily_limit``
    UNLIMITED = "unlimited"  # bypass the campaign-level daily limit


class LimitMode(OpenStrEnum):
    """Mode of ``limit_emails_per_company_override``."""

    CUSTOM = "custom"  # apply the override's own ``daily_limit``
    DISABLED = "disabled"  # no per-company limit for this campaign


class LimitScope(OpenStrEnum):
    """What the per-company limit of ``limit_emails_per_company_override`` counts."""

    PER_CAMPAIGN = "per_campaign"  # emails from this campaign only
    ACROSS_WORKSPACE = "across_workspace"  # emails from every campaign of the workspace


class RoutingAction(OpenStrEnum):
    """What a provider routing rule does for the matching sender/recipient pairs."""

    SEND = "send"
    DO_NOT_SEND = "do_not_send"


class EspProvider(OpenStrEnum):
    """Email service provider of a sender or recipient, in provider routing rules."""

    ALL = "all"
    GOOGLE = "google"
    OUTLOOK = "outlook"
    OTHER = "other"


class DiagnosticsStatus(OpenStrEnum):
    """The sending state reported by ``SendingStatus.diagnostics.status``."""

    CAMPAIGN_PAUSED = "campaign_paused"
    CAMPAIGN_DRAFT = "campaign_draft"
    CAMPAIGN_COMPLETED = "campaign_completed"
    CAMPAIGN_RUNNING_SUBSEQUENCES = "campaign_running_subsequences"
    CAMPAIGN_BOUNCE_PROTECT = "campaign_bounce_protect"
    CAMPAIGN_ACCOUNTS_UNHEALTHY = "campaign_accounts_unhealthy"
    CAMPAIGN_ACCOUNT_SUSPENDED = "campaign_account_suspended"
    OUT_OF_SCHEDULE = "out_of_schedule"  # outside the sending schedule
    WAITING_FOR_LEADS = "waiting_for_leads"  # no lead ready to contact
    DAILY_LIMIT_MET = "daily_limit_met"  # the campaign's daily limit
    ACCOUNT_DAILY_LIMIT_MET = "account_daily_limit_met"  # the accounts' daily limits
    NEW_LEAD_LIMIT_MET = "new_lead_limit_met"  # daily_max_leads reached
    ALL_ACCOUNTS_UNHEALTHY = "all_accounts_unhealthy"
    WAITING_FOR_ESP_MATCH = "waiting_for_esp_match"  # provider matching/routing holds leads
    DOMAIN_LIMIT_REACHED = "domain_limit_reached"  # per-company (domain) limit
    FOLLOW_UP_DELAY_NOT_MET = "follow_up_delay_not_met"  # follow-ups still waiting
    NO_ACCOUNTS_AVAILABLE = "no_accounts_available"
    HEALTHY = "healthy"  # sending normally


class SortOrder(OpenStrEnum):
    """Sort direction of ``search-by-contact`` (the spec documents examples, no enum)."""

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
