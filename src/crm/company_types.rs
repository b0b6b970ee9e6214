//! The editable reference list of company types, with labels in each UI language. Its use
//! cases are the generic ones of `reflists` (list, create, update, delete).

use poem_openapi::Object;
use serde::{Deserialize, Serialize};

use crate::{
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
