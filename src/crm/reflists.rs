//! Editable reference lists with translated labels: company types, lead sources, deal types.
//! One shape, one set of use-cases; each list has its own input type and only says how to
//! tell whether an item is in use.

use poem_openapi::Object;
use redb::ReadTransaction;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::company_types::{CompanyType, CompanyTypeInput, Labels};
use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::{Error, Problems, Result},
    store::{self, Kind, Record, Tx, tables},
    validate,
};

/// What a new or edited item of a reference list says (each list has its own input type).
pub trait RefInput {
    fn name(&self) -> &str;
    fn labels(&self) -> &Labels;
    fn sort(&self) -> i64;
    fn archived(&self) -> bool;
}

/// An item of a reference list.
pub trait RefItem: Record + Clone + Serialize + DeserializeOwned {
    /// The id sequence name.
    const SEQ: &'static str;
    /// The list's own input type.
    type Input: RefInput;
    fn make(id: u64, name: String, labels: Labels, sort: i64, archived: bool) -> Self;
    fn sort_key(&self) -> (i64, u64);
    /// How many records use the item (a used item cannot be deleted, only archived).
    fn uses(tx: &Tx, id: u64) -> Result<usize>;
}

macro_rules! ref_input {
    ($input:ident) => {
        impl RefInput for $input {
            fn name(&self) -> &str {
                &self.name
            }
            fn labels(&self) -> &Labels {
                &self.labels
            }
            fn sort(&self) -> i64 {
                self.sort
            }
            fn archived(&self) -> bool {
                self.archived
            }
        }
    };
}

macro_rules! ref_item {
    ($name:ident, $input:ident, $table:expr, $kind:expr, $human:literal, $seq:literal, |$tx:ident, $id:ident| $uses:expr) => {
        #[derive(Debug, Clone, Serialize, Deserialize, Object)]
        pub struct $name {
            pub id: u64,
            pub name: String,
            pub labels: Labels,
            pub sort: i64,
            pub archived: bool,
        }

        #[derive(Debug, Clone, Object)]
        pub struct $input {
            #[oai(default)]
            pub name: String,
            #[oai(default)]
            pub labels: Labels,
            #[oai(default)]
            pub sort: i64,
            #[oai(default)]
            pub archived: bool,
        }

        ref_input!($input);

        impl Record for $name {
            const KIND: Kind = $kind;
            const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = $table;
            const NAME: &'static str = $human;
            fn id(&self) -> u64 {
                self.id
            }
        }

        impl RefItem for $name {
            const SEQ: &'static str = $seq;
            type Input = $input;
            fn make(id: u64, name: String, labels: Labels, sort: i64, archived: bool) -> Self {
                $name {
                    id,
                    name,
                    labels,
                    sort,
                    archived,
                }
            }
            fn sort_key(&self) -> (i64, u64) {
                (self.sort, self.id)
            }
            fn uses($tx: &Tx, $id: u64) -> Result<usize> {
                $uses
            }
        }
    };
}

ref_item!(
    LeadSource,
    LeadSourceInput,
    tables::LEAD_SOURCES,
    Kind::LeadSource,
    "lead source",
    "lead_sources",
    |tx, id| Ok(
        tx.ids_by(tables::LEAD_BY_SOURCE, id)?.len() + tx.ids_by(tables::DEAL_BY_SOURCE, id)?.len()
    )
);
ref_item!(
    DealType,
    DealTypeInput,
    tables::DEAL_TYPES,
    Kind::DealType,
    "deal type",
    "deal_types",
    |tx, id| Ok(tx.ids_by(tables::DEAL_BY_TYPE, id)?.len())
);

ref_input!(CompanyTypeInput);

impl RefItem for CompanyType {
    const SEQ: &'static str = "company_types";
    type Input = CompanyTypeInput;
    fn make(id: u64, name: String, labels: Labels, sort: i64, archived: bool) -> Self {
        CompanyType {
            id,
            name,
            labels,
            sort,
            archived,
        }
    }
    fn sort_key(&self) -> (i64, u64) {
        (self.sort, self.id)
    }
    fn uses(tx: &Tx, id: u64) -> Result<usize> {
        Ok(tx.ids_by(tables::COMPANY_BY_TYPE, id)?.len())
    }
}

fn check(input: &impl RefInput) -> Result<(String, Labels)> {
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", input.name(), 100);
    let l = input.labels();
    let labels = Labels {
        en: validate::optional(&mut p, "labels.en", &l.en, 100),
        uk: validate::optional(&mut p, "labels.uk", &l.uk, 100),
        ru: validate::optional(&mut p, "labels.ru", &l.ru, 100),
    };
    p.finish()?;
    Ok((name, labels))
}

/// Fills an empty list with (en, uk, ru) labels.
pub fn seed<T: RefItem>(tx: &mut Tx, items: &[(&str, &str, &str)]) -> Result<()> {
    if tx.count::<T>()? > 0 {
        return Ok(());
    }
    for (i, (en, uk, ru)) in items.iter().enumerate() {
        let labels = Labels {
            en: (*en).into(),
            uk: (*uk).into(),
            ru: (*ru).into(),
        };
        let item = T::make(
            tx.next_id(T::SEQ)?,
            (*en).into(),
            labels,
            (i as i64 + 1) * 10,
            false,
        );
        tx.insert(&item)?;
    }
    Ok(())
}

pub fn create<T: RefItem>(tx: &mut Tx, actor: &User, input: T::Input) -> Result<T> {
    allow(actor, Permission::ManageReferenceLists)?;
    let (name, labels) = check(&input)?;
    let item = T::make(
        tx.next_id(T::SEQ)?,
        name,
        labels,
        input.sort(),
        input.archived(),
    );
    tx.insert(&item)?;
    Ok(item)
}

pub fn update<T: RefItem>(tx: &mut Tx, actor: &User, id: u64, input: T::Input) -> Result<T> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old: T = tx.must(id)?;
    let (name, labels) = check(&input)?;
    let new = T::make(id, name, labels, input.sort(), input.archived());
    tx.update(&old, &new)?;
    Ok(new)
}

pub fn delete<T: RefItem>(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old: T = tx.must(id)?;
    let used = T::uses(tx, id)?;
    if used > 0 {
        return Err(Error::Conflict(format!(
            "{used} records use this {}: archive it instead",
            T::NAME
        )));
    }
    tx.delete(&old)
}

pub fn list<T: RefItem>(rx: &ReadTransaction) -> Result<Vec<T>> {
    let mut all: Vec<T> = store::all(rx)?;
    all.sort_by_key(|t| t.sort_key());
    Ok(all)
}

/// Checks that a referenced item exists and is not archived (for new values).
pub fn check_ref<T: RefItem + HasArchived>(
    tx: &Tx,
    p: &mut Problems,
    field: &str,
    id: Option<u64>,
    old: Option<u64>,
) -> Result<()> {
    if let Some(id) = id {
        match tx.get::<T>(id)? {
            None => p.add(field, "not_found", format!("no such {}", T::NAME)),
            Some(t) if t.is_archived() && old != Some(id) => p.add(
                field,
                "invalid_value",
                format!("this {} is archived", T::NAME),
            ),
            Some(_) => {}
        }
    }
    Ok(())
}

pub trait HasArchived {
    fn is_archived(&self) -> bool;
}

impl HasArchived for LeadSource {
    fn is_archived(&self) -> bool {
        self.archived
    }
}
impl HasArchived for DealType {
    fn is_archived(&self) -> bool {
        self.archived
    }
}
impl HasArchived for CompanyType {
    fn is_archived(&self) -> bool {
        self.archived
    }
}

pub fn seed_all(tx: &mut Tx) -> Result<()> {
    seed::<LeadSource>(
        tx,
        &[
            ("Website", "Сайт", "Сайт"),
            ("Referral", "Рекомендація", "Рекомендация"),
            ("Exhibition", "Виставка", "Выставка"),
            ("Cold call", "Холодний дзвінок", "Холодный звонок"),
            ("E-mail", "E-mail", "E-mail"),
            ("Social networks", "Соцмережі", "Соцсети"),
        ],
    )?;
    seed::<DealType>(
        tx,
        &[
            ("Advertising", "Реклама", "Реклама"),
            ("Sponsorship", "Спонсорство", "Спонсорство"),
            ("Other", "Інше", "Другое"),
        ],
    )
}
