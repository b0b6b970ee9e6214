//! Every redb table and index of Korobka, in one place. Names are written by hand and never
//! change once released; a renamed table is a migration. Values are `&[u8]` decoded by
//! `store::codec` (never serde types as redb values: one bad record must not panic).
//! Index keys are hand-encoded (big-endian ids) so their order is defined.

use redb::{MultimapTableDefinition, TableDefinition};

/// `schema_version`, `id_seq:<table>`, `outbox_seq`, `setup_token_hash`, one-off markers.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

pub const USERS: TableDefinition<u64, &[u8]> = TableDefinition::new("users");
/// lowercased login → user id
pub const USER_BY_LOGIN: TableDefinition<&str, u64> = TableDefinition::new("user_by_login");
pub const DEPARTMENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("departments");
/// SHA-256 of the session token → session record
pub const SESSIONS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("sessions");
pub const API_TOKENS: TableDefinition<u64, &[u8]> = TableDefinition::new("api_tokens");
/// SHA-256 of the API token → token id
pub const API_TOKEN_BY_HASH: TableDefinition<&[u8], u64> =
    TableDefinition::new("api_token_by_hash");

pub const COMPANY_TYPES: TableDefinition<u64, &[u8]> = TableDefinition::new("company_types");

pub const COMPANIES: TableDefinition<u64, &[u8]> = TableDefinition::new("companies");
/// sort key (folded name, ≤ 64 bytes) ‖ 0x00 ‖ id BE → ()
pub const COMPANY_BY_NAME: TableDefinition<&[u8], ()> = TableDefinition::new("company_by_name");
/// updated_at micros BE ‖ id BE → ()
pub const COMPANY_BY_UPDATED: TableDefinition<&[u8], ()> =
    TableDefinition::new("company_by_updated");
pub const COMPANY_BY_RESPONSIBLE: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("company_by_responsible");
pub const COMPANY_BY_TYPE: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("company_by_type");
/// phone digits → company id (duplicate search)
pub const COMPANY_BY_PHONE: MultimapTableDefinition<&str, u64> =
    MultimapTableDefinition::new("company_by_phone");
/// lowercased e-mail → company id
pub const COMPANY_BY_EMAIL: MultimapTableDefinition<&str, u64> =
    MultimapTableDefinition::new("company_by_email");

pub const CONTACTS: TableDefinition<u64, &[u8]> = TableDefinition::new("contacts");
pub const CONTACT_BY_NAME: TableDefinition<&[u8], ()> = TableDefinition::new("contact_by_name");
pub const CONTACT_BY_UPDATED: TableDefinition<&[u8], ()> =
    TableDefinition::new("contact_by_updated");
pub const CONTACT_BY_RESPONSIBLE: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("contact_by_responsible");
pub const CONTACT_BY_COMPANY: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("contact_by_company");
pub const CONTACT_BY_PHONE: MultimapTableDefinition<&str, u64> =
    MultimapTableDefinition::new("contact_by_phone");
pub const CONTACT_BY_EMAIL: MultimapTableDefinition<&str, u64> =
    MultimapTableDefinition::new("contact_by_email");

/// kind u8 ‖ entity id BE ‖ seq BE → history entry
pub const HISTORY: TableDefinition<&[u8], &[u8]> = TableDefinition::new("history");
/// outbox seq → (kind, id) of a record the search index must refresh
pub const OUTBOX: TableDefinition<u64, &[u8]> = TableDefinition::new("outbox");

// --- the sales pipeline ---------------------------------------------------------------

pub const PIPELINES: TableDefinition<u64, &[u8]> = TableDefinition::new("pipelines");
pub const STAGES: TableDefinition<u64, &[u8]> = TableDefinition::new("stages");
pub const STAGE_BY_PIPELINE: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("stage_by_pipeline");
pub const LEAD_STATUSES: TableDefinition<u64, &[u8]> = TableDefinition::new("lead_statuses");
pub const LEAD_SOURCES: TableDefinition<u64, &[u8]> = TableDefinition::new("lead_sources");
pub const DEAL_TYPES: TableDefinition<u64, &[u8]> = TableDefinition::new("deal_types");

pub const CURRENCIES: TableDefinition<u64, &[u8]> = TableDefinition::new("currencies");
pub const RATES: TableDefinition<u64, &[u8]> = TableDefinition::new("rates");
/// currency code ‖ 0x00 ‖ days since 1970 BE (i64 + 2^63) ‖ rate id BE → ()
pub const RATE_BY_CODE_DATE: TableDefinition<&[u8], ()> = TableDefinition::new("rate_by_code_date");

pub const CUSTOM_FIELDS: TableDefinition<u64, &[u8]> = TableDefinition::new("custom_fields");

pub const LEADS: TableDefinition<u64, &[u8]> = TableDefinition::new("leads");
pub const LEAD_BY_UPDATED: TableDefinition<&[u8], ()> = TableDefinition::new("lead_by_updated");
pub const LEAD_BY_TITLE: TableDefinition<&[u8], ()> = TableDefinition::new("lead_by_title");
pub const LEAD_BY_STATUS: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("lead_by_status");
pub const LEAD_BY_RESPONSIBLE: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("lead_by_responsible");
pub const LEAD_BY_SOURCE: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("lead_by_source");

pub const DEALS: TableDefinition<u64, &[u8]> = TableDefinition::new("deals");
pub const DEAL_BY_UPDATED: TableDefinition<&[u8], ()> = TableDefinition::new("deal_by_updated");
pub const DEAL_BY_TITLE: TableDefinition<&[u8], ()> = TableDefinition::new("deal_by_title");
pub const DEAL_BY_PIPELINE: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("deal_by_pipeline");
pub const DEAL_BY_STAGE: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("deal_by_stage");
pub const DEAL_BY_RESPONSIBLE: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("deal_by_responsible");
pub const DEAL_BY_COMPANY: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("deal_by_company");
pub const DEAL_BY_CONTACT: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("deal_by_contact");
pub const DEAL_BY_SOURCE: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("deal_by_source");
/// stage id BE ‖ stage_changed_at micros BE ‖ deal id BE ‖ currency (3 bytes) ‖ amount in
/// cents (i128 + 2^127, BE) → (): a board column's cards in order, and its sums, from the
/// index alone.
pub const DEAL_BY_STAGE_AMOUNT: TableDefinition<&[u8], ()> =
    TableDefinition::new("deal_by_stage_amount");
/// stage id → generation of its entries in `deal_by_stage_amount`, bumped in the transaction
/// of every change there: a column's totals computed from one generation hold until the next,
/// so they can be kept in memory (`deals::TotalsCache`). Derived; a missing row is generation 0.
pub const DEAL_STAGE_GEN: TableDefinition<u64, u64> = TableDefinition::new("deal_stage_gen");
/// 0 → generation of `company_by_name`, bumped in the transaction of every change there (a
/// company created, renamed or deleted): company names read in one generation hold until the
/// next, so lists keep them in memory (`companies::NameCache`). Derived; missing is 0.
pub const COMPANY_NAME_GEN: TableDefinition<u64, u64> = TableDefinition::new("company_name_gen");
pub const DEAL_BY_TYPE: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("deal_by_type");
/// Every stage a deal entered: which, when, by whom (for time-in-stage).
pub const DEAL_STAGES: TableDefinition<u64, &[u8]> = TableDefinition::new("deal_stages");
/// deal id BE ‖ stage move id BE → ()
pub const DEAL_STAGE_BY_DEAL: TableDefinition<&[u8], ()> =
    TableDefinition::new("deal_stage_by_deal");

// --- work: tasks, activities, comments, feed, notifications, reminders, calendar ----------
// Links to records are keyed by strings `<kind>:<id>` (e.g. `deal:5`).

pub const TASKS: TableDefinition<u64, &[u8]> = TableDefinition::new("tasks");
pub const TASK_BY_RESPONSIBLE: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("task_by_responsible");
pub const TASK_BY_CREATOR: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("task_by_creator");
pub const TASK_BY_PARTICIPANT: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("task_by_participant");
pub const TASK_BY_OBSERVER: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("task_by_observer");
/// who delegated → task
pub const TASK_BY_DELEGATOR: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("task_by_delegator");
pub const TASK_BY_LINK: MultimapTableDefinition<&str, u64> =
    MultimapTableDefinition::new("task_by_link");
/// Open tasks whose deadline has not yet been announced as overdue:
/// deadline micros BE ‖ task id BE → ()
pub const TASK_DEADLINE_WATCH: TableDefinition<&[u8], ()> =
    TableDefinition::new("task_deadline_watch");

pub const ACTIVITIES: TableDefinition<u64, &[u8]> = TableDefinition::new("activities");
pub const ACTIVITY_BY_RESPONSIBLE: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("activity_by_responsible");
pub const ACTIVITY_BY_LINK: MultimapTableDefinition<&str, u64> =
    MultimapTableDefinition::new("activity_by_link");

pub const COMMENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("comments");
pub const COMMENT_BY_TARGET: MultimapTableDefinition<&str, u64> =
    MultimapTableDefinition::new("comment_by_target");

/// The company feed; ids grow with time, so the table order is the feed's order.
pub const FEED: TableDefinition<u64, &[u8]> = TableDefinition::new("feed");

pub const NOTIFICATIONS: TableDefinition<u64, &[u8]> = TableDefinition::new("notifications");
/// user id BE ‖ notification id BE → ()
pub const NOTIFICATION_BY_USER: TableDefinition<&[u8], ()> =
    TableDefinition::new("notification_by_user");
/// user → unread notification
pub const NOTIFICATION_UNREAD: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("notification_unread");

pub const REMINDERS: TableDefinition<u64, &[u8]> = TableDefinition::new("reminders");
/// Reminders not yet fired: at micros BE ‖ reminder id BE → ()
pub const REMINDER_DUE: TableDefinition<&[u8], ()> = TableDefinition::new("reminder_due");
pub const REMINDER_BY_TARGET: MultimapTableDefinition<&str, u64> =
    MultimapTableDefinition::new("reminder_by_target");
pub const REMINDER_BY_USER: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("reminder_by_user");

pub const CAL_EVENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("cal_events");
/// organizer or attendee → event
pub const CAL_EVENT_BY_USER: MultimapTableDefinition<u64, u64> =
    MultimapTableDefinition::new("cal_event_by_user");
pub const CAL_EVENT_BY_LINK: MultimapTableDefinition<&str, u64> =
    MultimapTableDefinition::new("cal_event_by_link");

/// The office's SMTP settings (one record, id 1).
pub const MAIL_SETTINGS: TableDefinition<u64, &[u8]> = TableDefinition::new("mail_settings");
/// E-mails waiting to be sent (and recently sent ones).
pub const MAIL_QUEUE: TableDefinition<u64, &[u8]> = TableDefinition::new("mail_queue");
/// next attempt micros BE ‖ mail id BE → () for mails not yet sent
pub const MAIL_PENDING: TableDefinition<&[u8], ()> = TableDefinition::new("mail_pending");

/// Per-user iCalendar feed secrets (record id = user id).
pub const ICAL_FEEDS: TableDefinition<u64, &[u8]> = TableDefinition::new("ical_feeds");
/// secret → user id
pub const ICAL_BY_SECRET: MultimapTableDefinition<&str, u64> =
    MultimapTableDefinition::new("ical_by_secret");
