//! Departments form a tree (parent_id); a cycle is refused.

use poem_openapi::Object;
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use super::{
    User,
    policy::{Permission, allow},
};
use crate::{
    error::{Error, Problems, Result},
    store::{self, Kind, Record, Tx, tables},
    validate,
};

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Department {
    pub id: u64,
    pub name: String,
    pub parent_id: Option<u64>,
    pub head_id: Option<u64>,
}

impl Record for Department {
    const KIND: Kind = Kind::Department;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::DEPARTMENTS;
    const NAME: &'static str = "department";
    fn id(&self) -> u64 {
        self.id
    }
}

#[derive(Debug, Clone, Object)]
pub struct DepartmentInput {
    #[oai(default)]
    pub name: String,
    pub parent_id: Option<u64>,
    pub head_id: Option<u64>,
}

fn check(tx: &Tx, id: Option<u64>, input: &DepartmentInput) -> Result<String> {
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &input.name, 200);
    if let Some(parent) = input.parent_id {
        if !tx.exists::<Department>(parent)? {
            p.add("parent_id", "not_found", "no such department");
        } else if let Some(me) = id {
            // Walk up from the new parent: meeting ourselves means a cycle.
            let mut cur = Some(parent);
            let mut steps = 0;
            while let Some(c) = cur {
                if c == me || steps > 10_000 {
                    p.add(
                        "parent_id",
                        "invalid_value",
                        "a department cannot sit inside itself",
                    );
                    break;
                }
                cur = tx.get::<Department>(c)?.and_then(|d| d.parent_id);
                steps += 1;
            }
        }
    }
    if let Some(h) = input.head_id
        && !tx.exists::<User>(h)?
    {
        p.add("head_id", "not_found", "no such user");
    }
    p.finish()?;
    Ok(name)
}

pub fn create(tx: &mut Tx, actor: &User, input: DepartmentInput) -> Result<Department> {
    allow(actor, Permission::ManageDepartments)?;
    let name = check(tx, None, &input)?;
    let d = Department {
        id: tx.next_id("departments")?,
        name,
        parent_id: input.parent_id,
        head_id: input.head_id,
    };
    tx.insert(&d)?;
    Ok(d)
}

pub fn update(tx: &mut Tx, actor: &User, id: u64, input: DepartmentInput) -> Result<Department> {
    allow(actor, Permission::ManageDepartments)?;
    let old: Department = tx.must(id)?;
    let name = check(tx, Some(id), &input)?;
    let new = Department {
        id,
        name,
        parent_id: input.parent_id,
        head_id: input.head_id,
    };
    tx.update(&old, &new)?;
    Ok(new)
}

pub fn delete(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    allow(actor, Permission::ManageDepartments)?;
    let old: Department = tx.must(id)?;
    if tx
        .all::<Department>()?
        .iter()
        .any(|d| d.parent_id == Some(id))
    {
        return Err(Error::Conflict(
            "the department has sub-departments: move or delete them first".into(),
        ));
    }
    if tx
        .all::<User>()?
        .iter()
        .any(|u| u.department_id == Some(id))
    {
        return Err(Error::Conflict(
            "people work in this department: move them first".into(),
        ));
    }
    tx.delete(&old)
}

pub fn list(rx: &ReadTransaction) -> Result<Vec<Department>> {
    let mut all: Vec<Department> = store::all(rx)?;
    all.sort_by_key(|d| d.name.to_lowercase());
    Ok(all)
}

/// Reads departments from a read snapshot or from inside a write transaction, so the policy
/// can learn where a user sits in the tree from either.
pub trait Source {
    fn department(&self, id: u64) -> Result<Option<Department>>;
}

impl Source for ReadTransaction {
    fn department(&self, id: u64) -> Result<Option<Department>> {
        store::get::<Department>(self, id)
    }
}

impl Source for Tx {
    fn department(&self, id: u64) -> Result<Option<Department>> {
        self.get::<Department>(id)
    }
}

/// A department and every department above it, nearest first (empty for none). A broken
/// tree (a cycle written before cycles were refused) stops after 64 steps.
pub fn chain(src: &impl Source, dept: Option<u64>) -> Result<Vec<u64>> {
    let mut out = Vec::new();
    let mut cur = dept;
    while let Some(d) = cur {
        if out.contains(&d) || out.len() >= 64 {
            break;
        }
        out.push(d);
        cur = src.department(d)?.and_then(|x| x.parent_id);
    }
    Ok(out)
}
