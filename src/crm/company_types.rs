//! The editable reference list of company types, with labels in each UI language.

use poem_openapi::Object;
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use crate::{
    access::User,
    error::Result,
    store::{Kind, Record, Tx, tables},
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
    super::reflists::seed::<CompanyType>(
        tx,
        &[
            ("Client", "Клієнт", "Клиент"),
            ("Advertiser", "Рекламодавець", "Рекламодатель"),
            ("Partner", "Партнер", "Партнёр"),
            ("Supplier", "Постачальник", "Поставщик"),
            ("Other", "Інше", "Другое"),
        ],
    )
}

pub fn create(tx: &mut Tx, actor: &User, input: CompanyTypeInput) -> Result<CompanyType> {
    super::reflists::create(tx, actor, input)
}

pub fn update(tx: &mut Tx, actor: &User, id: u64, input: CompanyTypeInput) -> Result<CompanyType> {
    super::reflists::update(tx, actor, id, input)
}

/// Deletes a type no company uses; a used one must be archived instead.
pub fn delete(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    super::reflists::delete::<CompanyType>(tx, actor, id)
}

pub fn list(rx: &ReadTransaction) -> Result<Vec<CompanyType>> {
    super::reflists::list(rx)
}
