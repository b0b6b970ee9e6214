//! Users: decode → load → authorise → validate → apply → store.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use redb::{ReadTransaction, ReadableTable};
use serde::{Deserialize, Serialize};

use super::policy::{Permission, allow, keep_an_admin};
use crate::{
    error::{Ctx, Error, Problems, Result},
    store::{self, Kind, Record, Tx, tables},
    validate,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum Role {
    Admin,
    #[default]
    User,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Uk,
    Ru,
    En,
}

/// A person who signs in. The password hash is stored but never sent or written to history.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Object)]
pub struct User {
    pub id: u64,
    pub login: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub department_id: Option<u64>,
    pub position: String,
    pub language: Language,
    pub time_zone: String,
    pub active: bool,
    #[oai(skip)]
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Record for User {
    const KIND: Kind = Kind::User;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::USERS;
    const NAME: &'static str = "user";
    const HISTORY_SKIP: &'static [&'static str] = &["password_hash"];
    fn id(&self) -> u64 {
        self.id
    }
}

#[derive(Debug, Clone, Object)]
pub struct NewUser {
    #[oai(default)]
    pub login: String,
    #[oai(default)]
    pub name: String,
    #[oai(default)]
    pub email: String,
    #[oai(default)]
    pub password: String,
    #[oai(default)]
    pub role: Role,
    pub department_id: Option<u64>,
    #[oai(default)]
    pub position: String,
    #[oai(default)]
    pub language: Language,
    #[oai(default = "default_tz")]
    pub time_zone: String,
}

#[derive(Debug, Clone, Object)]
pub struct UserUpdate {
    #[oai(default)]
    pub name: String,
    #[oai(default)]
    pub email: String,
    #[oai(default)]
    pub role: Role,
    pub department_id: Option<u64>,
    #[oai(default)]
    pub position: String,
    #[oai(default)]
    pub language: Language,
    #[oai(default = "default_tz")]
    pub time_zone: String,
    #[oai(default = "yes")]
    pub active: bool,
}

/// What a user may change of themselves.
#[derive(Debug, Clone, Object)]
pub struct ProfileUpdate {
    pub name: Option<String>,
    pub email: Option<String>,
    pub language: Option<Language>,
    pub time_zone: Option<String>,
}

pub fn default_tz() -> String {
    "Europe/Kyiv".to_string()
}

fn yes() -> bool {
    true
}

pub const MIN_PASSWORD: usize = 8;

pub fn check_password(p: &mut Problems, field: &str, password: &str) {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        p.add(
            field,
            "too_short",
            format!("must have at least {MIN_PASSWORD} characters"),
        );
    } else if n > 256 {
        p.add(field, "too_long", "is longer than 256 characters");
    }
}

fn check_login(p: &mut Problems, login: &str) -> String {
    let l = login.trim().to_lowercase();
    let ok_chars = l.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c));
    if l.is_empty() {
        p.add("login", "required", "is required");
    } else if l.chars().count() < 2 || l.chars().count() > 64 || !ok_chars {
        p.add(
            "login",
            "invalid_value",
            "must be 2 to 64 letters, digits or . _ - @",
        );
    }
    l
}

pub fn find_by_login(rx: &ReadTransaction, login: &str) -> Result<Option<User>> {
    let t = rx
        .open_table(tables::USER_BY_LOGIN)
        .ctx("open user_by_login")?;
    let Some(id) = t
        .get(login.trim().to_lowercase().as_str())
        .ctx("read user_by_login")?
    else {
        return Ok(None);
    };
    store::get::<User>(rx, id.value())
}

pub fn find_by_login_tx(tx: &Tx, login: &str) -> Result<Option<u64>> {
    let t = tx
        .txn
        .open_table(tables::USER_BY_LOGIN)
        .ctx("open user_by_login")?;
    Ok(t.get(login.trim().to_lowercase().as_str())
        .ctx("read user_by_login")?
        .map(|v| v.value()))
}

fn check_department(tx: &Tx, p: &mut Problems, id: Option<u64>) -> Result<()> {
    if let Some(d) = id
        && !tx.exists::<super::Department>(d)?
    {
        p.add("department_id", "not_found", "no such department");
    }
    Ok(())
}

/// Creates a user. `actor` None is the first-run setup or the command line.
pub fn create(tx: &mut Tx, actor: Option<&User>, input: NewUser) -> Result<User> {
    if let Some(a) = actor {
        allow(a, Permission::ManageUsers)?;
    }
    let mut p = Problems::default();
    let login = check_login(&mut p, &input.login);
    let name = validate::required(&mut p, "name", &input.name, 200);
    let email = validate::email(&mut p, "email", &input.email);
    check_password(&mut p, "password", &input.password);
    let position = validate::optional(&mut p, "position", &input.position, 200);
    let time_zone = validate::time_zone(&mut p, "time_zone", &input.time_zone);
    check_department(tx, &mut p, input.department_id)?;
    {
        let t = tx
            .txn
            .open_table(tables::USER_BY_LOGIN)
            .ctx("open user_by_login")?;
        if !login.is_empty() && t.get(login.as_str()).ctx("read user_by_login")?.is_some() {
            p.add("login", "taken", "is already used by another user");
        }
    }
    p.finish()?;
    let hash = super::auth::hash_password(&input.password)?;
    let id = tx.next_id("users")?;
    let user = User {
        id,
        login: login.clone(),
        name,
        email,
        role: input.role,
        department_id: input.department_id,
        position,
        language: input.language,
        time_zone,
        active: true,
        password_hash: hash,
        created_at: tx.now,
        updated_at: tx.now,
    };
    tx.insert(&user)?;
    tx.txn
        .open_table(tables::USER_BY_LOGIN)
        .ctx("open user_by_login")?
        .insert(login.as_str(), id)
        .ctx("write user_by_login")?;
    Ok(user)
}

fn active_admins(tx: &Tx) -> Result<usize> {
    Ok(tx
        .all::<User>()?
        .iter()
        .filter(|u| u.active && u.role == Role::Admin)
        .count())
}

pub fn update(tx: &mut Tx, actor: &User, id: u64, input: UserUpdate) -> Result<User> {
    allow(actor, Permission::ManageUsers)?;
    let old: User = tx.must(id)?;
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &input.name, 200);
    let email = validate::email(&mut p, "email", &input.email);
    let position = validate::optional(&mut p, "position", &input.position, 200);
    let time_zone = validate::time_zone(&mut p, "time_zone", &input.time_zone);
    check_department(tx, &mut p, input.department_id)?;
    p.finish()?;
    keep_an_admin(&old, input.role, input.active, active_admins(tx)?)?;
    let new = User {
        name,
        email,
        role: input.role,
        department_id: input.department_id,
        position,
        language: input.language,
        time_zone,
        active: input.active,
        updated_at: tx.now,
        ..old.clone()
    };
    tx.update(&old, &new)?;
    Ok(new)
}

pub fn update_profile(tx: &mut Tx, me: &User, input: ProfileUpdate) -> Result<User> {
    let old: User = tx.must(me.id)?;
    let mut p = Problems::default();
    let mut new = old.clone();
    if let Some(n) = input.name {
        new.name = validate::required(&mut p, "name", &n, 200);
    }
    if let Some(e) = input.email {
        new.email = validate::email(&mut p, "email", &e);
    }
    if let Some(l) = input.language {
        new.language = l;
    }
    if let Some(tz) = input.time_zone {
        new.time_zone = validate::time_zone(&mut p, "time_zone", &tz);
    }
    p.finish()?;
    new.updated_at = tx.now;
    tx.update(&old, &new)?;
    Ok(new)
}

/// Sets someone's password: admins (who manage users) only.
pub fn set_password_of(tx: &mut Tx, actor: &User, id: u64, password: &str) -> Result<()> {
    allow(actor, Permission::ManageUsers)?;
    set_password(tx, id, password)
}

/// Sets a password: by an admin for anyone, or by the user (after checking the old one).
pub fn set_password(tx: &mut Tx, id: u64, password: &str) -> Result<()> {
    let mut p = Problems::default();
    check_password(&mut p, "password", password);
    p.finish()?;
    let old: User = tx.must(id)?;
    let new = User {
        password_hash: super::auth::hash_password(password)?,
        updated_at: tx.now,
        ..old
    };
    // A password change is bookkeeping, not a visible field change.
    tx.put_quietly(&new)
}

pub fn list(rx: &ReadTransaction, include_inactive: bool) -> Result<Vec<User>> {
    let mut users: Vec<User> = store::all(rx)?;
    users.retain(|u| include_inactive || u.active);
    users.sort_by_key(|u| u.name.to_lowercase());
    Ok(users)
}

/// Changes one's own password: the current one must be given, and problems with the new one
/// are reported on `new_password`.
pub fn change_password(tx: &mut Tx, me: &User, current: &str, new: &str) -> Result<()> {
    if !super::auth::verify_password(current, &me.password_hash) {
        let mut pr = Problems::default();
        pr.add(
            "current_password",
            "invalid_value",
            "is not your current password",
        );
        pr.finish()?;
    }
    set_password(tx, me.id, new).map_err(|e| match e {
        Error::Validation(mut f) => {
            for x in &mut f {
                x.field = "new_password".into();
            }
            Error::Validation(f)
        }
        e => e,
    })
}

/// One user by id (every signed-in user may look anyone up, as in the pickers).
pub fn get(rx: &ReadTransaction, id: u64) -> Result<User> {
    store::get::<User>(rx, id)?.ok_or(Error::NotFound("user"))
}
