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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn input(name: &str, parent: Option<u64>) -> DepartmentInput {
        DepartmentInput {
            name: name.into(),
            parent_id: parent,
            head_id: None,
        }
    }

    fn field_of(r: Result<Department>) -> Vec<(String, &'static str)> {
        match r {
            Err(Error::Validation(f)) => f.into_iter().map(|f| (f.field, f.code)).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn the_tree_refuses_cycles_unknown_parents_and_heads_and_keeps_what_it_had() {
        let (_dir, store, admin) = crate::testing::test_store();
        let at = chrono::Utc::now();
        let (sales, kyiv, desk) = store
            .write(Some(1), at, |tx| {
                let s = create(tx, &admin, input("Sales", None))?;
                let k = create(tx, &admin, input("Kyiv", Some(s.id)))?;
                let d = create(tx, &admin, input("Desk", Some(k.id)))?;
                Ok((s, k, d))
            })
            .expect("tree");
        // Sales under its own grandchild, or under itself: a cycle.
        for parent in [desk.id, sales.id] {
            let r = store.write(Some(1), at, |tx| {
                update(tx, &admin, sales.id, input("Sales", Some(parent)))
            });
            assert_eq!(
                field_of(r),
                [("parent_id".to_string(), "invalid_value")],
                "parent {parent}"
            );
        }
        // A sibling move is fine: Desk goes straight under Sales.
        store
            .write(Some(1), at, |tx| {
                update(tx, &admin, desk.id, input("Desk", Some(sales.id)))
            })
            .expect("move");
        let r = store.write(Some(1), at, |tx| create(tx, &admin, input("", Some(999))));
        assert_eq!(
            field_of(r),
            [
                ("name".to_string(), "required"),
                ("parent_id".to_string(), "not_found")
            ]
        );
        let r = store.write(Some(1), at, |tx| {
            create(
                tx,
                &admin,
                DepartmentInput {
                    head_id: Some(77),
                    ..input("Ghosts", None)
                },
            )
        });
        assert_eq!(field_of(r), [("head_id".to_string(), "not_found")]);
        let all = store.read(list).expect("list");
        let names: Vec<(&str, Option<u64>)> =
            all.iter().map(|d| (d.name.as_str(), d.parent_id)).collect();
        assert_eq!(
            names,
            [
                ("Desk", Some(sales.id)),
                ("Kyiv", Some(sales.id)),
                ("Sales", None)
            ]
        );
        // The chain reads the same from a snapshot and from inside a write.
        let from_rx = store.read(|rx| chain(rx, Some(kyiv.id))).expect("chain");
        let from_tx = store
            .write(Some(1), at, |tx| chain(tx, Some(kyiv.id)))
            .expect("chain in tx");
        assert_eq!(from_rx, vec![kyiv.id, sales.id]);
        assert_eq!(from_tx, from_rx);
    }

    #[test]
    fn a_department_with_sub_departments_or_people_is_not_deleted() {
        let (_dir, store, admin) = crate::testing::test_store();
        let at = chrono::Utc::now();
        let (sales, kyiv) = store
            .write(Some(1), at, |tx| {
                let s = create(tx, &admin, input("Sales", None))?;
                let k = create(tx, &admin, input("Kyiv", Some(s.id)))?;
                Ok((s, k))
            })
            .expect("tree");
        let mut member = admin.clone();
        member.id = 5;
        member.department_id = Some(kyiv.id);
        store
            .write(Some(1), at, |tx| tx.put_quietly(&member))
            .expect("member");
        for id in [sales.id, kyiv.id] {
            let r = store.write(Some(1), at, |tx| delete(tx, &admin, id));
            assert!(matches!(r, Err(Error::Conflict(_))), "{id}: {r:?}");
        }
        assert_eq!(store.read(list).expect("list").len(), 2);
        // A user may not edit the tree at all.
        let mut user = admin.clone();
        user.role = crate::access::Role::User;
        let r = store.write(Some(1), at, |tx| delete(tx, &user, kyiv.id));
        assert!(r.as_ref().is_err_and(Error::is_refusal), "{r:?}");
        // Once nobody works there and nothing hangs below, it goes.
        member.department_id = None;
        store
            .write(Some(1), at, |tx| tx.put_quietly(&member))
            .expect("moved");
        store
            .write(Some(1), at, |tx| delete(tx, &admin, kyiv.id))
            .expect("delete kyiv");
        store
            .write(Some(1), at, |tx| delete(tx, &admin, sales.id))
            .expect("delete sales");
        assert!(store.read(list).expect("list").is_empty());
    }
}
