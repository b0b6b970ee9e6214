//! E-mail: the office's SMTP settings (Settings → Mail), a queue in redb written in the
//! transaction of what caused the mail (a fired reminder), and a sender that drains it with
//! lettre. A mail that cannot be sent is retried with a growing pause, then given up.

use chrono::{DateTime, Duration, Utc};
use poem_openapi::{Enum, Object};
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::{Ctx, Error, Problems, Result},
    store::{self, IndexKey, Kind, Record, Tx, tables},
    validate,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Enum, Default)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum Security {
    /// STARTTLS on the submission port (587).
    #[default]
    Starttls,
    /// TLS from the first byte (465).
    Tls,
    /// Plain text: only for a relay on the same machine or LAN.
    None,
}

/// The one settings record (id 1).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct MailSettings {
    pub id: u64,
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    pub password: String,
    pub sender: String,
    pub enabled: bool,
}

impl Record for MailSettings {
    const KIND: Kind = Kind::MailSettings;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::MAIL_SETTINGS;
    const NAME: &'static str = "mail settings";
    const HISTORY_SKIP: &'static [&'static str] = &["password"];
    fn id(&self) -> u64 {
        self.id
    }
}

#[derive(Debug, Clone, Object)]
pub struct MailSettingsOut {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    /// A password is stored (it is never sent back).
    pub password_set: bool,
    /// The From address, on the office's own domain.
    pub sender: String,
    pub enabled: bool,
}

#[derive(Debug, Clone, Object)]
pub struct MailSettingsInput {
    #[oai(default)]
    pub host: String,
    pub port: Option<u16>,
    pub security: Option<Security>,
    #[oai(default)]
    pub user: String,
    /// null keeps the stored password; "" clears it.
    pub password: Option<String>,
    #[oai(default)]
    pub sender: String,
    #[oai(default)]
    pub enabled: bool,
}

fn out(s: &MailSettings) -> MailSettingsOut {
    MailSettingsOut {
        host: s.host.clone(),
        port: s.port,
        security: s.security,
        user: s.user.clone(),
        password_set: !s.password.is_empty(),
        sender: s.sender.clone(),
        enabled: s.enabled,
    }
}

fn default_settings() -> MailSettings {
    MailSettings {
        id: 1,
        port: 587,
        ..MailSettings::default()
    }
}

pub fn get(rx: &ReadTransaction, actor: &User) -> Result<MailSettingsOut> {
    allow(actor, Permission::ManageUsers)?;
    Ok(out(
        &store::get::<MailSettings>(rx, 1)?.unwrap_or_else(default_settings)
    ))
}

/// The settings when mail is switched on.
pub fn settings_in(tx: &Tx) -> Result<Option<MailSettings>> {
    Ok(tx.get::<MailSettings>(1)?.filter(|s| s.enabled))
}

pub fn stored(rx: &ReadTransaction) -> Result<MailSettings> {
    Ok(store::get::<MailSettings>(rx, 1)?.unwrap_or_else(default_settings))
}

/// The stored settings with the password, for an admin's test message.
pub fn stored_for_test(rx: &ReadTransaction, actor: &User) -> Result<MailSettings> {
    allow(actor, Permission::ManageUsers)?;
    stored(rx)
}

pub fn put(tx: &mut Tx, actor: &User, input: MailSettingsInput) -> Result<MailSettingsOut> {
    allow(actor, Permission::ManageUsers)?;
    let old = tx.get::<MailSettings>(1)?;
    let mut p = Problems::default();
    let host = validate::optional(&mut p, "host", &input.host, 255);
    if host.contains(char::is_whitespace) || host.contains('/') {
        p.add(
            "host",
            "invalid_value",
            "a host name such as smtp.office.ua",
        );
    }
    let port = input.port.unwrap_or(587);
    if port == 0 {
        p.add("port", "invalid_value", "1 to 65535");
    }
    let user = validate::optional(&mut p, "user", &input.user, 255);
    let sender = validate::optional(&mut p, "sender", &input.sender, 255);
    if !sender.is_empty() && !validate::is_email(&sender) {
        p.add("sender", "invalid_email", "is not a valid e-mail address");
    }
    if input.enabled {
        if host.is_empty() {
            p.add("host", "required", "is required to send mail");
        }
        if sender.is_empty() {
            p.add("sender", "required", "is required to send mail");
        }
    }
    p.finish()?;
    let password = match input.password {
        Some(pw) => pw,
        None => old.as_ref().map(|o| o.password.clone()).unwrap_or_default(),
    };
    let new = MailSettings {
        id: 1,
        host,
        port,
        security: input.security.unwrap_or_default(),
        user,
        password,
        sender,
        enabled: input.enabled,
    };
    match old {
        Some(o) => {
            tx.update(&o, &new)?;
        }
        None => tx.insert(&new)?,
    }
    Ok(out(&new))
}

/// An e-mail waiting in the queue (or sent).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Mail {
    pub id: u64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub next_try: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub gave_up: bool,
    pub last_error: String,
}

impl Record for Mail {
    const KIND: Kind = Kind::Mail;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::MAIL_QUEUE;
    const NAME: &'static str = "mail";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        if self.sent_at.is_none() && !self.gave_up {
            vec![IndexKey::Sorted(
                tables::MAIL_PENDING,
                store::time_key(self.next_try, self.id),
            )]
        } else {
            Vec::new()
        }
    }
}

const MAX_ATTEMPTS: u32 = 6;

pub fn enqueue(tx: &mut Tx, to: &str, subject: &str, body: &str) -> Result<()> {
    let m = Mail {
        id: tx.next_id("mail_queue")?,
        to: to.to_string(),
        subject: subject.to_string(),
        body: body.to_string(),
        created_at: tx.now,
        attempts: 0,
        next_try: tx.now,
        sent_at: None,
        gave_up: false,
        last_error: String::new(),
    };
    tx.insert_quietly(&m)
}

/// Mails whose time to (re)try has come.
pub fn due(rx: &ReadTransaction, now: DateTime<Utc>, limit: usize) -> Result<Vec<Mail>> {
    let t = rx
        .open_table(tables::MAIL_PENDING)
        .ctx("open mail_pending")?;
    let mut out = Vec::new();
    for id in store::due_ids(&t, now, limit)? {
        if let Some(m) = store::get::<Mail>(rx, id)? {
            out.push(m);
        }
    }
    Ok(out)
}

/// Records the outcome of one attempt.
pub fn mark(tx: &mut Tx, id: u64, result: std::result::Result<(), String>) -> Result<()> {
    let Some(old) = tx.get::<Mail>(id)? else {
        return Ok(());
    };
    let mut new = old.clone();
    new.attempts += 1;
    match result {
        Ok(()) => new.sent_at = Some(tx.now),
        Err(e) => {
            tracing::warn!(mail = id, to = %old.to, "sending mail failed: {e}");
            new.last_error = e;
            if new.attempts >= MAX_ATTEMPTS {
                new.gave_up = true;
            } else {
                new.next_try = tx.now + Duration::minutes(1 << (2 * new.attempts.min(5)));
            }
        }
    }
    tx.update_quietly(&old, &new)
}

/// Sends one message with these settings (used by the queue and by "send test e-mail").
pub async fn send(
    s: &MailSettings,
    to: &str,
    subject: &str,
    body: &str,
) -> std::result::Result<(), String> {
    use lettre::{
        AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor, message::header::ContentType,
        transport::smtp::authentication::Credentials,
    };
    if s.host.is_empty() || s.sender.is_empty() {
        return Err("mail is not set up: host and sender are required".into());
    }
    let msg = Message::builder()
        .from(
            s.sender
                .parse()
                .map_err(|e| format!("sender {:?}: {e}", s.sender))?,
        )
        .to(to.parse().map_err(|e| format!("recipient {to:?}: {e}"))?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_string())
        .map_err(|e| format!("build message: {e}"))?;
    let mut b = match s.security {
        Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)
            .map_err(|e| format!("{}: {e}", s.host))?,
        Security::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)
            .map_err(|e| format!("{}: {e}", s.host))?,
        Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
    }
    .port(s.port)
    .timeout(Some(std::time::Duration::from_secs(20)));
    if !s.user.is_empty() {
        b = b.credentials(Credentials::new(s.user.clone(), s.password.clone()));
    }
    let transport = b.build();
    transport
        .send(msg)
        .await
        .map(|_| ())
        .map_err(|e| format!("{}:{}: {e}", s.host, s.port))
}

/// "Send test e-mail" from Settings: sends now and reports the server's answer.
pub async fn send_test(s: &MailSettings, to: &str) -> Result<()> {
    if !validate::is_email(to) {
        return Err(Error::field(
            "to",
            "invalid_email",
            "is not a valid e-mail address",
        ));
    }
    send(
        s,
        to,
        "Korobka: test e-mail",
        "This is a test e-mail from Korobka. Mail is set up correctly.\n",
    )
    .await
    .map_err(Error::Mail)
}
