//! The CRM area: companies, contacts, company types, custom fields, their history, the
//! global search and the navigation counters.

use std::sync::Arc;

use poem::Request;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    common::{
        Created, DEFAULT_PAGE, HistoryList, NoContent, Tag, caller, history_out, read_as,
        reflist_api, write_as,
    },
    fastjson::RawJson,
    problem::ApiResult,
};
use crate::{
    app::App,
    crm::{
        Company, CompanyType, Contact,
        companies::{self, CompanyInput},
        company_types::CompanyTypeInput,
        contacts::{self, ContactInput, ContactPage},
        counts::{self, Counts},
        custom::{self, Entity, FieldDef, FieldInput},
        listing::SortBy,
    },
    search::find,
    work::TargetKind,
};

#[derive(Object)]
pub struct CompanyPage {
    pub items: Vec<Company>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// Records matching the filters.
    pub total: u64,
}

#[derive(Object)]
pub struct ContactList {
    pub items: Vec<Contact>,
}

#[derive(Object)]
pub struct SearchHit {
    /// company or contact (later: lead, deal)
    pub kind: String,
    pub id: u64,
    pub title: String,
    pub subtitle: String,
}

#[derive(Object)]
pub struct SearchResult {
    pub items: Vec<SearchHit>,
}

#[derive(Object)]
pub struct FieldList {
    pub items: Vec<FieldDef>,
}

reflist_api!(
    CompanyTypesApi,
    CompanyType,
    CompanyTypeInput,
    CompanyTypeList,
    path: "/company-types",
    path_id: "/company-types/:id",
    tag: "Tag::Crm",
    list_doc: "The company types reference list (archived ones included, flagged).",
    delete_doc: "Deletes an unused company type; a used one answers 409 (archive it instead).",
);

pub struct CrmApi {
    pub app: Arc<App>,
}

#[OpenApi(prefix_path = "/api/v1")]
impl CrmApi {
    /// Companies, one page at a time, sorted and filtered (custom fields: `cf.<id>=value`).
    #[oai(path = "/companies", method = "get", tag = "Tag::Crm")]
    async fn companies(
        &self,
        req: &Request,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
        sort: Query<Option<SortBy>>,
        responsible_id: Query<Option<u64>>,
        type_id: Query<Option<u64>>,
    ) -> ApiResult<Json<CompanyPage>> {
        let f = companies::Filter {
            custom: crate::crm::custom::filters_from_query(req.uri().query().unwrap_or("")),
            responsible_id: responsible_id.0,
            type_id: type_id.0,
        };
        let page = read_as(&self.app, req, |rx, me| {
            companies::list(
                rx,
                me,
                &f,
                sort.0.unwrap_or_default(),
                cursor.0.as_deref(),
                limit.0.unwrap_or(DEFAULT_PAGE) as usize,
            )
        })
        .await?;
        Ok(Json(CompanyPage {
            items: page.items,
            next_cursor: page.next_cursor,
            total: page.total,
        }))
    }

    #[oai(path = "/companies", method = "post", tag = "Tag::Crm")]
    async fn create_company(
        &self,
        req: &Request,
        body: Json<CompanyInput>,
    ) -> ApiResult<Created<Company>> {
        let c = write_as(&self.app, req, move |tx, me| {
            companies::create(tx, me, body.0)
        })
        .await?;
        Ok(Created::Created(Json(c)))
    }

    #[oai(path = "/companies/:id", method = "get", tag = "Tag::Crm")]
    async fn company(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Company>> {
        Ok(Json(
            read_as(&self.app, req, |rx, me| companies::get(rx, me, id.0)).await?,
        ))
    }

    /// Replaces every field of a company.
    #[oai(path = "/companies/:id", method = "put", tag = "Tag::Crm")]
    async fn update_company(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<CompanyInput>,
    ) -> ApiResult<Json<Company>> {
        let c = write_as(&self.app, req, move |tx, me| {
            companies::update(tx, me, id.0, body.0)
        })
        .await?;
        Ok(Json(c))
    }

    /// Deletes a company; its contacts stay, without a company.
    #[oai(path = "/companies/:id", method = "delete", tag = "Tag::Crm")]
    async fn delete_company(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| {
            companies::delete(tx, me, id.0)
        })
        .await?;
        Ok(NoContent::NoContent)
    }

    /// The people of a company, by name.
    #[oai(path = "/companies/:id/contacts", method = "get", tag = "Tag::Crm")]
    async fn company_contacts(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<ContactList>> {
        let items = read_as(&self.app, req, |rx, me| contacts::of_company(rx, me, id.0)).await?;
        Ok(Json(ContactList { items }))
    }

    /// Who changed what and when, newest first.
    #[oai(path = "/companies/:id/history", method = "get", tag = "Tag::Crm")]
    async fn company_history(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<HistoryList>> {
        history_out(&self.app, req, TargetKind::Company, id.0).await
    }

    /// Contacts, one page at a time, sorted (by last name) and filtered (custom fields:
    /// `cf.<id>=value`). Each row carries what the list shows; open a contact for the rest.
    #[oai(path = "/contacts", method = "get", tag = "Tag::Crm")]
    async fn contacts(
        &self,
        req: &Request,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
        sort: Query<Option<SortBy>>,
        responsible_id: Query<Option<u64>>,
        company_id: Query<Option<u64>>,
    ) -> ApiResult<RawJson<ContactPage>> {
        let f = contacts::Filter {
            custom: crate::crm::custom::filters_from_query(req.uri().query().unwrap_or("")),
            responsible_id: responsible_id.0,
            company_id: company_id.0,
        };
        let json = read_as(&self.app, req, |rx, me| {
            contacts::list_json(
                rx,
                me,
                &f,
                sort.0.unwrap_or_default(),
                cursor.0.as_deref(),
                limit.0.unwrap_or(DEFAULT_PAGE) as usize,
                &self.app.caches,
            )
        })
        .await?;
        Ok(RawJson::new(json))
    }

    #[oai(path = "/contacts", method = "post", tag = "Tag::Crm")]
    async fn create_contact(
        &self,
        req: &Request,
        body: Json<ContactInput>,
    ) -> ApiResult<Created<Contact>> {
        let c = write_as(&self.app, req, move |tx, me| {
            contacts::create(tx, me, body.0)
        })
        .await?;
        Ok(Created::Created(Json(c)))
    }

    #[oai(path = "/contacts/:id", method = "get", tag = "Tag::Crm")]
    async fn contact(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Contact>> {
        Ok(Json(
            read_as(&self.app, req, |rx, me| contacts::get(rx, me, id.0)).await?,
        ))
    }

    /// Replaces every field of a contact.
    #[oai(path = "/contacts/:id", method = "put", tag = "Tag::Crm")]
    async fn update_contact(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<ContactInput>,
    ) -> ApiResult<Json<Contact>> {
        let c = write_as(&self.app, req, move |tx, me| {
            contacts::update(tx, me, id.0, body.0)
        })
        .await?;
        Ok(Json(c))
    }

    #[oai(path = "/contacts/:id", method = "delete", tag = "Tag::Crm")]
    async fn delete_contact(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| contacts::delete(tx, me, id.0)).await?;
        Ok(NoContent::NoContent)
    }

    #[oai(path = "/contacts/:id/history", method = "get", tag = "Tag::Crm")]
    async fn contact_history(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<HistoryList>> {
        history_out(&self.app, req, TargetKind::Contact, id.0).await
    }

    /// Global search over companies and contacts: name prefixes, one typo, Cyrillic ↔ Latin,
    /// phone tails of 7+ digits, e-mail local part or domain.
    #[oai(path = "/search", method = "get", tag = "Tag::Search")]
    async fn search(
        &self,
        req: &Request,
        q: Query<Option<String>>,
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<SearchResult>> {
        // The search index, not the store: the use case filters the hits by the caller.
        let me = caller(&self.app, req).await?;
        let q = q.0.unwrap_or_default();
        let hits = find::find(&self.app.index, &me, &q, limit.0)?;
        Ok(Json(SearchResult {
            items: hits
                .into_iter()
                .map(|h| SearchHit {
                    kind: h.kind.as_str().to_string(),
                    id: h.id,
                    title: h.title,
                    subtitle: h.subtitle,
                })
                .collect(),
        }))
    }

    /// Counters for the navigation.
    #[oai(path = "/counts", method = "get", tag = "Tag::Crm")]
    async fn counts(&self, req: &Request) -> ApiResult<Json<Counts>> {
        Ok(Json(
            read_as(&self.app, req, |rx, _| counts::counts(rx)).await?,
        ))
    }

    /// Custom field definitions (archived ones included, flagged).
    #[oai(path = "/custom-fields", method = "get", tag = "Tag::Fields")]
    async fn custom_fields(
        &self,
        req: &Request,
        entity: Query<Option<Entity>>,
    ) -> ApiResult<Json<FieldList>> {
        Ok(Json(FieldList {
            items: read_as(&self.app, req, |rx, _| custom::defs(rx, entity.0)).await?,
        }))
    }

    #[oai(path = "/custom-fields", method = "post", tag = "Tag::Fields")]
    async fn create_custom_field(
        &self,
        req: &Request,
        body: Json<FieldInput>,
    ) -> ApiResult<Created<FieldDef>> {
        let f = write_as(&self.app, req, move |tx, me| custom::create(tx, me, body.0)).await?;
        Ok(Created::Created(Json(f)))
    }

    /// Edits a field; options left out are archived, never deleted.
    #[oai(path = "/custom-fields/:id", method = "put", tag = "Tag::Fields")]
    async fn update_custom_field(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<FieldInput>,
    ) -> ApiResult<Json<FieldDef>> {
        Ok(Json(
            write_as(&self.app, req, move |tx, me| {
                custom::update(tx, me, id.0, body.0)
            })
            .await?,
        ))
    }

    /// Archives a field: stored values stay.
    #[oai(path = "/custom-fields/:id", method = "delete", tag = "Tag::Fields")]
    async fn archive_custom_field(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| custom::archive(tx, me, id.0)).await?;
        Ok(NoContent::NoContent)
    }
}
