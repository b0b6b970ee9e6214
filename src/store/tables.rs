//! Every redb table and index of Korobka, in one place, each declared once with its role:
//! the store creates them from `ALL`, backups read their roles from it (`io::registry`).
//! Names are written by hand and never change once released; a renamed or dropped table is a
//! migration (`store::MIGRATIONS`). Values are `&[u8]` decoded by `store::codec` (never serde
//! types as redb values: one bad record must not panic). Index keys are hand-encoded
//! (big-endian ids) so their order is defined.

use redb::{MultimapTableDefinition, TableDefinition, WriteTransaction};

/// What a table holds, for backups and checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Records of one type keyed by id: archived through `io::registry` (one entry each).
    Record,
    /// A secondary index or counter rebuilt from the records on restore; never archived.
    Derived,
    /// Archived by a member of its own (`meta.jsonl`, `history.jsonl`).
    Special,
    /// Not business data, never archived: sessions, the search outbox, the mail queue.
    Ephemeral,
}

/// One declared table.
#[derive(Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub role: Role,
    /// Creates the table if it does not exist yet.
    pub create: fn(&WriteTransaction) -> Result<(), redb::TableError>,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({:?})", self.name, self.role)
    }
}

/// The declared table of this name.
pub fn find(name: &str) -> Option<&'static Table> {
    ALL.iter().find(|t| t.name == name)
}

/// Opening a definition in a write transaction creates its table.
trait Create {
    fn create(self, txn: &WriteTransaction) -> Result<(), redb::TableError>;
}

impl<K: redb::Key + 'static, V: redb::Value + 'static> Create for TableDefinition<'_, K, V> {
    fn create(self, txn: &WriteTransaction) -> Result<(), redb::TableError> {
        txn.open_table(self).map(drop)
    }
}

impl<K: redb::Key + 'static, V: redb::Key + 'static> Create for MultimapTableDefinition<'_, K, V> {
    fn create(self, txn: &WriteTransaction) -> Result<(), redb::TableError> {
        txn.open_multimap_table(self).map(drop)
    }
}

/// Declares each table once: its definition constant and its entry in [`ALL`].
macro_rules! tables {
    ($(
        $(#[$doc:meta])*
        $role:ident $name:ident: $def:ident<$k:ty, $v:ty> = $table:literal;
    )*) => {
        $(
            $(#[$doc])*
            pub const $name: $def<$k, $v> = $def::new($table);
        )*

        /// Every table of the store, with its role.
        pub const ALL: &[Table] = &[$(
            Table {
                name: $table,
                role: Role::$role,
                create: |txn| Create::create($name, txn),
            },
        )*];
    };
}

tables! {
    /// `schema_version`, `id_seq:<table>`, `outbox_seq`, `setup_token_hash`, one-off markers.
    Special META: TableDefinition<&str, &[u8]> = "meta";

    Record USERS: TableDefinition<u64, &[u8]> = "users";
    /// lowercased login → user id
    Derived USER_BY_LOGIN: TableDefinition<&str, u64> = "user_by_login";
    Record DEPARTMENTS: TableDefinition<u64, &[u8]> = "departments";
    /// SHA-256 of the session token → session record
    Ephemeral SESSIONS: TableDefinition<&[u8], &[u8]> = "sessions";
    Record API_TOKENS: TableDefinition<u64, &[u8]> = "api_tokens";
    /// SHA-256 of the API token → token id
    Derived API_TOKEN_BY_HASH: TableDefinition<&[u8], u64> = "api_token_by_hash";

    Record COMPANY_TYPES: TableDefinition<u64, &[u8]> = "company_types";

    Record COMPANIES: TableDefinition<u64, &[u8]> = "companies";
    /// sort key (folded name, ≤ 64 bytes) ‖ 0x00 ‖ id BE → ()
    Derived COMPANY_BY_NAME: TableDefinition<&[u8], ()> = "company_by_name";
    /// updated_at micros BE ‖ id BE → ()
    Derived COMPANY_BY_UPDATED: TableDefinition<&[u8], ()> = "company_by_updated";
    Derived COMPANY_BY_RESPONSIBLE: MultimapTableDefinition<u64, u64> = "company_by_responsible";
    Derived COMPANY_BY_TYPE: MultimapTableDefinition<u64, u64> = "company_by_type";

    Record CONTACTS: TableDefinition<u64, &[u8]> = "contacts";
    Derived CONTACT_BY_NAME: TableDefinition<&[u8], ()> = "contact_by_name";
    Derived CONTACT_BY_UPDATED: TableDefinition<&[u8], ()> = "contact_by_updated";
    Derived CONTACT_BY_RESPONSIBLE: MultimapTableDefinition<u64, u64> = "contact_by_responsible";
    Derived CONTACT_BY_COMPANY: MultimapTableDefinition<u64, u64> = "contact_by_company";

    /// kind u8 ‖ entity id BE ‖ seq BE → history entry
    Special HISTORY: TableDefinition<&[u8], &[u8]> = "history";
    /// outbox seq → (kind, id) of a record the search index must refresh
    Ephemeral OUTBOX: TableDefinition<u64, &[u8]> = "outbox";

    // --- the sales pipeline ---------------------------------------------------------------

    Record PIPELINES: TableDefinition<u64, &[u8]> = "pipelines";
    Record STAGES: TableDefinition<u64, &[u8]> = "stages";
    Derived STAGE_BY_PIPELINE: MultimapTableDefinition<u64, u64> = "stage_by_pipeline";
    Record LEAD_STATUSES: TableDefinition<u64, &[u8]> = "lead_statuses";
    Record LEAD_SOURCES: TableDefinition<u64, &[u8]> = "lead_sources";
    Record DEAL_TYPES: TableDefinition<u64, &[u8]> = "deal_types";

    Record CURRENCIES: TableDefinition<u64, &[u8]> = "currencies";
    Record RATES: TableDefinition<u64, &[u8]> = "rates";
    /// currency code ‖ 0x00 ‖ days since 1970 BE (i64 + 2^63) ‖ rate id BE → ()
    Derived RATE_BY_CODE_DATE: TableDefinition<&[u8], ()> = "rate_by_code_date";

    Record CUSTOM_FIELDS: TableDefinition<u64, &[u8]> = "custom_fields";

    Record LEADS: TableDefinition<u64, &[u8]> = "leads";
    Derived LEAD_BY_UPDATED: TableDefinition<&[u8], ()> = "lead_by_updated";
    Derived LEAD_BY_TITLE: TableDefinition<&[u8], ()> = "lead_by_title";
    Derived LEAD_BY_STATUS: MultimapTableDefinition<u64, u64> = "lead_by_status";
    Derived LEAD_BY_RESPONSIBLE: MultimapTableDefinition<u64, u64> = "lead_by_responsible";
    Derived LEAD_BY_SOURCE: MultimapTableDefinition<u64, u64> = "lead_by_source";

    Record DEALS: TableDefinition<u64, &[u8]> = "deals";
    Derived DEAL_BY_UPDATED: TableDefinition<&[u8], ()> = "deal_by_updated";
    Derived DEAL_BY_TITLE: TableDefinition<&[u8], ()> = "deal_by_title";
    Derived DEAL_BY_PIPELINE: MultimapTableDefinition<u64, u64> = "deal_by_pipeline";
    Derived DEAL_BY_STAGE: MultimapTableDefinition<u64, u64> = "deal_by_stage";
    Derived DEAL_BY_RESPONSIBLE: MultimapTableDefinition<u64, u64> = "deal_by_responsible";
    Derived DEAL_BY_COMPANY: MultimapTableDefinition<u64, u64> = "deal_by_company";
    Derived DEAL_BY_CONTACT: MultimapTableDefinition<u64, u64> = "deal_by_contact";
    Derived DEAL_BY_SOURCE: MultimapTableDefinition<u64, u64> = "deal_by_source";
    /// stage id BE ‖ stage_changed_at micros BE ‖ deal id BE ‖ currency (3 bytes) ‖ amount in
    /// cents (i128 + 2^127, BE) → (): a board column's cards in order, and its sums, from the
    /// index alone.
    Derived DEAL_BY_STAGE_AMOUNT: TableDefinition<&[u8], ()> = "deal_by_stage_amount";
    /// stage id → generation of its entries in `deal_by_stage_amount`, bumped in the transaction
    /// of every change there: a column's totals computed from one generation hold until the next,
    /// so they can be kept in memory (`deals::TotalsCache`). Derived; a missing row is generation 0.
    Derived DEAL_STAGE_GEN: TableDefinition<u64, u64> = "deal_stage_gen";
    /// 0 → generation of `company_by_name`, bumped in the transaction of every change there (a
    /// company created, renamed or deleted): company names read in one generation hold until the
    /// next, so lists keep them in memory (`companies::NameCache`). Derived; missing is 0.
    Derived COMPANY_NAME_GEN: TableDefinition<u64, u64> = "company_name_gen";
    Derived DEAL_BY_TYPE: MultimapTableDefinition<u64, u64> = "deal_by_type";
    /// Every stage a deal entered: which, when, by whom (for time-in-stage).
    Record DEAL_STAGES: TableDefinition<u64, &[u8]> = "deal_stages";
    /// deal id BE ‖ stage move id BE → ()
    Derived DEAL_STAGE_BY_DEAL: TableDefinition<&[u8], ()> = "deal_stage_by_deal";

    // --- work: tasks, activities, comments, feed, notifications, reminders, calendar ----------
    // Links to records are keyed by strings `<kind>:<id>` (e.g. `deal:5`).

    Record TASKS: TableDefinition<u64, &[u8]> = "tasks";
    Derived TASK_BY_RESPONSIBLE: MultimapTableDefinition<u64, u64> = "task_by_responsible";
    Derived TASK_BY_CREATOR: MultimapTableDefinition<u64, u64> = "task_by_creator";
    Derived TASK_BY_PARTICIPANT: MultimapTableDefinition<u64, u64> = "task_by_participant";
    Derived TASK_BY_OBSERVER: MultimapTableDefinition<u64, u64> = "task_by_observer";
    /// who delegated → task
    Derived TASK_BY_DELEGATOR: MultimapTableDefinition<u64, u64> = "task_by_delegator";
    Derived TASK_BY_LINK: MultimapTableDefinition<&str, u64> = "task_by_link";
    /// Open tasks whose deadline has not yet been announced as overdue:
    /// deadline micros BE ‖ task id BE → ()
    Derived TASK_DEADLINE_WATCH: TableDefinition<&[u8], ()> = "task_deadline_watch";

    Record ACTIVITIES: TableDefinition<u64, &[u8]> = "activities";
    Derived ACTIVITY_BY_RESPONSIBLE: MultimapTableDefinition<u64, u64> = "activity_by_responsible";
    Derived ACTIVITY_BY_LINK: MultimapTableDefinition<&str, u64> = "activity_by_link";

    Record COMMENTS: TableDefinition<u64, &[u8]> = "comments";
    Derived COMMENT_BY_TARGET: MultimapTableDefinition<&str, u64> = "comment_by_target";

    /// The company feed; ids grow with time, so the table order is the feed's order.
    Record FEED: TableDefinition<u64, &[u8]> = "feed";

    Record NOTIFICATIONS: TableDefinition<u64, &[u8]> = "notifications";
    /// user id BE ‖ notification id BE → ()
    Derived NOTIFICATION_BY_USER: TableDefinition<&[u8], ()> = "notification_by_user";
    /// user → unread notification
    Derived NOTIFICATION_UNREAD: MultimapTableDefinition<u64, u64> = "notification_unread";

    Record REMINDERS: TableDefinition<u64, &[u8]> = "reminders";
    /// Reminders not yet fired: at micros BE ‖ reminder id BE → ()
    Derived REMINDER_DUE: TableDefinition<&[u8], ()> = "reminder_due";
    Derived REMINDER_BY_TARGET: MultimapTableDefinition<&str, u64> = "reminder_by_target";
    Derived REMINDER_BY_USER: MultimapTableDefinition<u64, u64> = "reminder_by_user";

    Record CAL_EVENTS: TableDefinition<u64, &[u8]> = "cal_events";
    /// organizer or attendee → event
    Derived CAL_EVENT_BY_USER: MultimapTableDefinition<u64, u64> = "cal_event_by_user";
    Derived CAL_EVENT_BY_LINK: MultimapTableDefinition<&str, u64> = "cal_event_by_link";

    /// The office's SMTP settings (one record, id 1).
    Record MAIL_SETTINGS: TableDefinition<u64, &[u8]> = "mail_settings";
    /// E-mails waiting to be sent (and recently sent ones).
    Ephemeral MAIL_QUEUE: TableDefinition<u64, &[u8]> = "mail_queue";
    /// next attempt micros BE ‖ mail id BE → () for mails not yet sent
    Ephemeral MAIL_PENDING: TableDefinition<&[u8], ()> = "mail_pending";

    /// Per-user iCalendar feed secrets (record id = user id).
    Record ICAL_FEEDS: TableDefinition<u64, &[u8]> = "ical_feeds";
    /// secret → user id
    Derived ICAL_BY_SECRET: MultimapTableDefinition<&str, u64> = "ical_by_secret";
}
