//! The editable reference list of company types, with labels in each UI language.

use poem_openapi::Object;
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::{Error, Problems, Result},
    store::{self, Kind, Record, Tx, tables},
    validate,
};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Object)]
pub struct Labels {
    #[oai(default)]
    #[serde(default)]
    pub en: String,
    #[oai(default)]
    #[serde(default)]
    pub uk: String,
    #[oai(default)]
    #[serde(default)]
    pub ru: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct CompanyType {
    pub id: u64,
    pub name: String,
    pub labels: Labels,
    pub sort: i64,
    pub archived: bool,
}

impl Record for CompanyType {
    const KIND: Kind = Kind::CompanyType;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::COMPANY_TYPES;
    const NAME: &'static str = "company type";
    fn id(&self) -> u64 {
        self.id
    }
}

#[derive(Debug, Clone, Object)]
pub struct CompanyTypeInput {
    #[oai(default)]
    pub name: String,
    #[oai(default)]
    pub labels: Labels,
    #[oai(default)]
    pub sort: i64,
    #[oai(default)]
    pub archived: bool,
}

/// The five types every new office starts with.
pub fn seed(tx: &mut Tx) -> Result<()> {
    if tx.count::<CompanyType>()? > 0 {
        return Ok(());
    }
    let seeds = [
        ("Client", "Клієнт", "Клиент"),
        ("Advertiser", "Рекламодавець", "Рекламодатель"),
        ("Partner", "Партнер", "Партнёр"),
        ("Supplier", "Постачальник", "Поставщик"),
        ("Other", "Інше", "Другое"),
    ];
    for (i, (en, uk, ru)) in seeds.into_iter().enumerate() {
        let t = CompanyType {
            id: tx.next_id("company_types")?,
            name: en.into(),
            labels: Labels {
                en: en.into(),
                uk: uk.into(),
                ru: ru.into(),
            },
            sort: (i as i64 + 1) * 10,
            archived: false,
        };
        tx.insert(&t)?;
    }
    Ok(())
}

fn check(input: &CompanyTypeInput) -> Result<(String, Labels)> {
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &input.name, 100);
    let labels = Labels {
        en: validate::optional(&mut p, "labels.en", &input.labels.en, 100),
        uk: validate::optional(&mut p, "labels.uk", &input.labels.uk, 100),
        ru: validate::optional(&mut p, "labels.ru", &input.labels.ru, 100),
    };
    p.finish()?;
    Ok((name, labels))
}

pub fn create(tx: &mut Tx, actor: &User, input: CompanyTypeInput) -> Result<CompanyType> {
    allow(actor, Permission::ManageReferenceLists)?;
    let (name, labels) = check(&input)?;
    let t = CompanyType {
        id: tx.next_id("company_types")?,
        name,
        labels,
        sort: input.sort,
        archived: input.archived,
    };
    tx.insert(&t)?;
    Ok(t)
}

pub fn update(tx: &mut Tx, actor: &User, id: u64, input: CompanyTypeInput) -> Result<CompanyType> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old: CompanyType = tx.must(id)?;
    let (name, labels) = check(&input)?;
    let new = CompanyType {
        id,
        name,
        labels,
        sort: input.sort,
        archived: input.archived,
    };
    tx.update(&old, &new)?;
    Ok(new)
}

/// Deletes a type no company uses; a used one must be archived instead.
pub fn delete(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old: CompanyType = tx.must(id)?;
    let used = tx.ids_by(tables::COMPANY_BY_TYPE, id)?.len();
    if used > 0 {
        return Err(Error::Conflict(format!(
            "{used} companies have this type: archive it instead"
        )));
    }
    tx.delete(&old)
}

pub fn list(rx: &ReadTransaction) -> Result<Vec<CompanyType>> {
    let mut all: Vec<CompanyType> = store::all(rx)?;
    all.sort_by_key(|t| (t.sort, t.id));
    Ok(all)
}
