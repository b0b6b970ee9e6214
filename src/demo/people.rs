//! The people of the demo office: an admin (if none yet), the owner and managers in two
//! departments.

use chrono::{DateTime, Utc};

use super::DEMO_PASSWORD;
use crate::{
    access::{
        Language, Role, User,
        departments::{self, DepartmentInput},
        users::{self, NewUser},
    },
    error::Result,
    store::{self, Store},
};

/// Adds the departments and the people missing from them; returns the managers (the owner
/// first), or every user when they were all there already.
pub(super) fn add(store: &Store, now: DateTime<Utc>) -> Result<Vec<User>> {
    let managers: Vec<User> = store.write(None, now, |tx| {
        let (office, sales, ads) = departments(tx)?;
        let mut managers = Vec::new();
        for (login, name, role, dep, position, language) in staff(office, sales, ads) {
            if users::find_by_login_tx(tx, login)?.is_some() {
                continue;
            }
            let u = users::create(
                tx,
                None,
                NewUser {
                    login: login.into(),
                    name: name.into(),
                    email: format!("{login}@korobka.example"),
                    password: DEMO_PASSWORD.into(),
                    role,
                    department_id: dep,
                    position: position.into(),
                    language,
                    time_zone: "Europe/Kyiv".into(),
                },
            )?;
            if role == Role::User || login == "owner" {
                managers.push(u);
            }
        }
        Ok(managers)
    })?;
    Ok(if managers.is_empty() {
        store.read(|rx| users::list(rx, false))?
    } else {
        managers
    })
}

/// The office with its sales and advertising departments: their ids.
fn departments(tx: &mut store::Tx) -> Result<(u64, u64, u64)> {
    let dept = |tx: &mut store::Tx, name: &str, parent| {
        departments::create(
            tx,
            &User {
                role: Role::Admin,
                active: true,
                ..User::default()
            },
            DepartmentInput {
                name: name.into(),
                parent_id: parent,
                head_id: None,
            },
        )
    };
    let office = dept(tx, "Офіс", None)?;
    let sales = dept(tx, "Відділ продажів", Some(office.id))?;
    let ads = dept(tx, "Реклама", Some(office.id))?;
    Ok((office.id, sales.id, ads.id))
}

/// Who works where: (login, name, role, department, position, language).
#[allow(clippy::type_complexity)]
fn staff(
    office: u64,
    sales: u64,
    ads: u64,
) -> [(
    &'static str,
    &'static str,
    Role,
    Option<u64>,
    &'static str,
    Language,
); 6] {
    [
        (
            "admin",
            "Адміністратор",
            Role::Admin,
            Some(office),
            "Адміністратор",
            Language::Uk,
        ),
        (
            "owner",
            "Андрій Кравчук",
            Role::Admin,
            Some(office),
            "Власник",
            Language::Uk,
        ),
        (
            "olena",
            "Олена Марченко",
            Role::User,
            Some(sales),
            "Менеджер з продажу",
            Language::Uk,
        ),
        (
            "taras",
            "Тарас Бойко",
            Role::User,
            Some(sales),
            "Менеджер з продажу",
            Language::Uk,
        ),
        (
            "ekaterina",
            "Екатерина Соколова",
            Role::User,
            Some(ads),
            "Менеджер по рекламе",
            Language::Ru,
        ),
        (
            "john",
            "John Walker",
            Role::User,
            Some(ads),
            "Account manager",
            Language::En,
        ),
    ]
}
