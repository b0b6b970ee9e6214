//! Sign-in: argon2id passwords, sessions kept in redb with expiry, hashed API tokens,
//! login throttling per account and per address, and the first-run setup.

use std::{collections::HashMap, sync::Mutex};

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use poem_openapi::Object;
use rand::RngCore;
use redb::{ReadTransaction, ReadableTable};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::users::{self, User};
use crate::{
    error::{Ctx, Error, Problems, Result},
    store::{self, Kind, Record, Store, Tx, codec, tables},
    validate,
};

pub const SESSION_DAYS: i64 = 14;
pub const COOKIE_NAME: &str = "korobka_session";

pub fn hash_password(password: &str) -> Result<String> {
    // A fresh random salt from the operating system (argon2's `getrandom` feature).
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("hash password: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// A random URL-safe secret of 32 bytes.
pub fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

pub fn sha256(s: &str) -> Vec<u8> {
    Sha256::digest(s.as_bytes()).to_vec()
}

/// Compares secrets without leaking where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (sha256(a), sha256(b));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub user_id: u64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub csrf_token: String,
}

/// Who is making a request, and how they proved it.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    /// Set when signed in with a cookie: unsafe requests must echo it.
    pub csrf_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct ApiToken {
    pub id: u64,
    #[oai(skip)]
    pub user_id: u64,
    pub name: String,
    /// The first characters of the token, to recognise it in the list.
    pub prefix: String,
    #[oai(skip)]
    pub hash: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl Record for ApiToken {
    const KIND: Kind = Kind::ApiToken;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::API_TOKENS;
    const NAME: &'static str = "API token";
    const HISTORY_SKIP: &'static [&'static str] = &["hash", "last_used_at"];
    fn id(&self) -> u64 {
        self.id
    }
}

/// Opens a session for a user; returns the cookie value (the only copy of the secret).
pub fn open_session(tx: &mut Tx, user_id: u64) -> Result<(String, Session)> {
    let token = random_secret();
    let session = Session {
        user_id,
        created_at: tx.now,
        expires_at: tx.now + Duration::days(SESSION_DAYS),
        csrf_token: random_secret(),
    };
    let bytes = codec::encode(&session)?;
    tx.txn
        .open_table(tables::SESSIONS)
        .ctx("open sessions")?
        .insert(sha256(&token).as_slice(), bytes.as_slice())
        .ctx("write session")?;
    Ok((token, session))
}

pub fn close_session(tx: &mut Tx, token: &str) -> Result<()> {
    tx.txn
        .open_table(tables::SESSIONS)
        .ctx("open sessions")?
        .remove(sha256(token).as_slice())
        .ctx("remove session")?;
    Ok(())
}

/// Removes expired sessions; returns how many.
pub fn purge_sessions(tx: &mut Tx) -> Result<usize> {
    let now = tx.now;
    let mut t = tx.txn.open_table(tables::SESSIONS).ctx("open sessions")?;
    let mut n = 0;
    t.retain(|_, v| {
        let keep = codec::decode::<Session>(v, "session")
            .map(|s| s.expires_at > now)
            .unwrap_or(false);
        if !keep {
            n += 1;
        }
        keep
    })
    .ctx("purge sessions")?;
    Ok(n)
}

fn active_user(rx: &ReadTransaction, id: u64) -> Result<User> {
    match store::get::<User>(rx, id)? {
        Some(u) if u.active => Ok(u),
        _ => Err(Error::Unauthenticated),
    }
}

/// Resolves a session cookie to its user.
pub fn by_session(rx: &ReadTransaction, token: &str, now: DateTime<Utc>) -> Result<Principal> {
    let t = rx.open_table(tables::SESSIONS).ctx("open sessions")?;
    let Some(v) = t.get(sha256(token).as_slice()).ctx("read session")? else {
        return Err(Error::Unauthenticated);
    };
    let s: Session = codec::decode(v.value(), "session")?;
    if s.expires_at <= now {
        return Err(Error::Unauthenticated);
    }
    Ok(Principal {
        user: active_user(rx, s.user_id)?,
        csrf_token: Some(s.csrf_token),
    })
}

/// Resolves a bearer token to its user and token id.
/// The caller of a bearer token: who, which token, and when it was last used.
pub fn by_token(
    rx: &ReadTransaction,
    token: &str,
) -> Result<(Principal, u64, Option<DateTime<Utc>>)> {
    let t = rx
        .open_table(tables::API_TOKEN_BY_HASH)
        .ctx("open token index")?;
    let Some(id) = t.get(sha256(token).as_slice()).ctx("read token index")? else {
        return Err(Error::Unauthenticated);
    };
    let id = id.value();
    let tok: ApiToken = store::get(rx, id)?.ok_or(Error::Unauthenticated)?;
    Ok((
        Principal {
            user: active_user(rx, tok.user_id)?,
            csrf_token: None,
        },
        id,
        tok.last_used_at,
    ))
}

/// Notes when a token was last used (at most once a minute per token).
pub fn touch_token(tx: &mut Tx, id: u64) -> Result<()> {
    if let Some(mut tok) = tx.get::<ApiToken>(id)? {
        if tok
            .last_used_at
            .is_some_and(|t| tx.now - t < Duration::minutes(1))
        {
            return Ok(());
        }
        tok.last_used_at = Some(tx.now);
        tx.put_quietly(&tok)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Object)]
pub struct NewToken {
    #[oai(default)]
    pub name: String,
}

/// Creates an API token; the returned secret is shown once and stored only hashed.
pub fn create_token(tx: &mut Tx, me: &User, input: NewToken) -> Result<(ApiToken, String)> {
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &input.name, 100);
    p.finish()?;
    let secret = format!("kb_{}", random_secret());
    let id = tx.next_id("api_tokens")?;
    let tok = ApiToken {
        id,
        user_id: me.id,
        name,
        prefix: secret.chars().take(7).collect(),
        hash: sha256(&secret),
        created_at: tx.now,
        last_used_at: None,
    };
    tx.insert(&tok)?;
    tx.txn
        .open_table(tables::API_TOKEN_BY_HASH)
        .ctx("open token index")?
        .insert(tok.hash.as_slice(), id)
        .ctx("write token index")?;
    Ok((tok, secret))
}

pub fn list_tokens(rx: &ReadTransaction, me: &User) -> Result<Vec<ApiToken>> {
    let mut all: Vec<ApiToken> = store::all(rx)?;
    all.retain(|t| t.user_id == me.id);
    Ok(all)
}

pub fn revoke_token(tx: &mut Tx, me: &User, id: u64) -> Result<()> {
    let tok: ApiToken = tx.must(id)?;
    if tok.user_id != me.id {
        return Err(Error::NotFound("API token"));
    }
    tx.delete(&tok)?;
    tx.txn
        .open_table(tables::API_TOKEN_BY_HASH)
        .ctx("open token index")?
        .remove(tok.hash.as_slice())
        .ctx("remove token index")?;
    Ok(())
}

/// Failed sign-ins per account and per address, in a sliding window.
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
}

pub const WINDOW_MINUTES: i64 = 15;
pub const MAX_PER_ACCOUNT: usize = 5;
pub const MAX_PER_ADDRESS: usize = 20;

impl Default for Throttle {
    fn default() -> Self {
        Self::new()
    }
}

impl Throttle {
    pub fn new() -> Self {
        Throttle {
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(login: &str, addr: &str) -> [(String, usize); 2] {
        [
            (
                format!("login:{}", login.trim().to_lowercase()),
                MAX_PER_ACCOUNT,
            ),
            (format!("addr:{addr}"), MAX_PER_ADDRESS),
        ]
    }

    /// Refuses an attempt while either the account or the address is over its limit.
    pub fn check(&self, login: &str, addr: &str, now: DateTime<Utc>) -> Result<()> {
        let mut map = self
            .failures
            .lock()
            .map_err(|_| Error::Internal("throttle lock".into()))?;
        let since = now - Duration::minutes(WINDOW_MINUTES);
        for (key, max) in Self::keys(login, addr) {
            if let Some(list) = map.get_mut(&key) {
                list.retain(|t| *t > since);
                if list.len() >= max {
                    let oldest = list.iter().min().copied().unwrap_or(now);
                    let retry = (oldest + Duration::minutes(WINDOW_MINUTES) - now)
                        .num_seconds()
                        .max(1) as u64;
                    return Err(Error::TooManyAttempts {
                        retry_after_secs: retry,
                    });
                }
            }
        }
        Ok(())
    }

    pub fn failed(&self, login: &str, addr: &str, now: DateTime<Utc>) {
        if let Ok(mut map) = self.failures.lock() {
            for (key, _) in Self::keys(login, addr) {
                map.entry(key).or_default().push(now);
            }
            if map.len() > 10_000 {
                let since = now - Duration::minutes(WINDOW_MINUTES);
                map.retain(|_, l| l.iter().any(|t| *t > since));
            }
        }
    }

    pub fn succeeded(&self, login: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&format!("login:{}", login.trim().to_lowercase()));
        }
    }
}

#[derive(Debug, Clone, Object)]
pub struct LoginInput {
    #[oai(default)]
    pub login: String,
    #[oai(default)]
    pub password: String,
}

/// Checks a login and password (throttled) and opens a session.
pub fn login(
    store: &Store,
    throttle: &Throttle,
    input: &LoginInput,
    addr: &str,
    now: DateTime<Utc>,
) -> Result<(String, Session, User)> {
    throttle.check(&input.login, addr, now)?;
    let user = store.read(|rx| users::find_by_login(rx, &input.login))?;
    let ok_user = match user {
        Some(u) if u.active && verify_password(&input.password, &u.password_hash) => Some(u),
        Some(_) => None,
        None => {
            // Spend the same time as a real check so logins cannot be probed by timing.
            let _ = verify_password(&input.password, dummy_hash());
            None
        }
    };
    let Some(user) = ok_user else {
        throttle.failed(&input.login, addr, now);
        return Err(Error::BadCredentials);
    };
    throttle.succeeded(&input.login);
    let (token, session) = store.write(Some(user.id), now, |tx| open_session(tx, user.id))?;
    Ok((token, session, user))
}

/// A real hash of a throwaway password, computed once, for unknown logins.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

#[derive(Debug, Clone, Object)]
pub struct SetupInput {
    #[oai(default)]
    pub token: String,
    #[oai(default)]
    pub login: String,
    #[oai(default)]
    pub name: String,
    #[oai(default)]
    pub email: String,
    #[oai(default)]
    pub password: String,
    #[oai(default)]
    pub language: super::Language,
    #[oai(default = "users::default_tz")]
    pub time_zone: String,
}

/// True while no user exists: the setup page is open (guarded by the console token).
pub fn setup_required(store: &Store) -> Result<bool> {
    store.read(|rx| Ok(store::count::<User>(rx)? == 0))
}

/// Creates the first admin and signs them in.
pub fn setup(
    store: &Store,
    expected_token: &str,
    input: SetupInput,
    now: DateTime<Utc>,
) -> Result<(String, Session, User)> {
    store.write(None, now, |tx| {
        if tx.count::<User>()? > 0 {
            return Err(Error::SetupDone);
        }
        if !same_secret(input.token.trim(), expected_token) {
            return Err(Error::BadSetupToken);
        }
        let user = users::create(
            tx,
            None,
            users::NewUser {
                login: input.login,
                name: input.name,
                email: input.email,
                password: input.password,
                role: super::Role::Admin,
                department_id: None,
                position: String::new(),
                language: input.language,
                time_zone: input.time_zone,
            },
        )?;
        let (token, session) = open_session(tx, user.id)?;
        Ok((token, session, user))
    })
}

/// Reads the session store to check it is all decodable (`korobka check`).
pub fn count_sessions(rx: &ReadTransaction) -> Result<u64> {
    let t = rx.open_table(tables::SESSIONS).ctx("open sessions")?;
    let mut n = 0;
    for row in t.iter().ctx("read sessions")? {
        let (_, v) = row.ctx("read sessions")?;
        codec::decode::<Session>(v.value(), "session")?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    /// Hashes written by argon2 0.5 (Korobka 0.1.0, from tests/fixtures/v1) still verify after
    /// the move to argon2 0.6, and only with their password.
    #[test]
    fn passwords_hashed_by_the_old_argon2_still_verify() {
        const OLD: [&str; 2] = [
            "$argon2id$v=19$m=19456,t=2,p=1$Fn3/+LoTJj82EA80tWEgug$rtpPNx/iJnDs5Wvx7qicceJ3anSsp9gBANmYo4rrE5k",
            "$argon2id$v=19$m=19456,t=2,p=1$CpFQ6OD+i5h6NeuNs/SqXQ$4oNT3RsC7/3rNSi6STgEAwZNXD3gInANTXJkwZAlaxI",
        ];
        for h in OLD {
            assert!(verify_password("korobka-demo", h), "{h}");
            assert!(!verify_password("korobka-demo ", h), "{h}");
        }
        // New hashes keep the same algorithm and parameters.
        let new = hash_password("korobka-demo").unwrap();
        assert!(new.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{new}");
    }

    #[test]
    fn throttle_locks_an_account_after_five_failures_and_unlocks_later() {
        let t = Throttle::new();
        let now = Utc::now();
        for _ in 0..MAX_PER_ACCOUNT {
            t.check("ada", "1.2.3.4", now).unwrap();
            t.failed("ada", "1.2.3.4", now);
        }
        assert!(matches!(
            t.check("ADA", "5.6.7.8", now),
            Err(Error::TooManyAttempts { .. })
        ));
        // Another account from the same address is still allowed.
        t.check("bob", "1.2.3.4", now).unwrap();
        let later = now + Duration::minutes(WINDOW_MINUTES + 1);
        t.check("ada", "1.2.3.4", later).unwrap();
    }

    #[test]
    fn throttle_limits_an_address_across_accounts() {
        let t = Throttle::new();
        let now = Utc::now();
        for i in 0..MAX_PER_ADDRESS {
            t.failed(&format!("user{i}"), "9.9.9.9", now);
        }
        assert!(t.check("someone", "9.9.9.9", now).is_err());
        t.check("someone", "8.8.8.8", now).unwrap();
    }
}
