//! The sales area: currencies, pipelines and stages, lead statuses, the lead source and deal
//! type reference lists, leads (with conversion), deals, the board and live events.

use std::sync::Arc;

use chrono::NaiveDate;
use poem::Request;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::{EventStream, Json},
};
use rust_decimal::Decimal;

use super::{
    common::{
        Created, HistoryList, NoContent, Tag, caller, history_out, read_as, reflist_api, today_of,
        write_as,
    },
    problem::ApiResult,
};
use crate::{
    app::{App, Event, Live},
    crm::{
        self, custom,
        deals::{self, Board, DealFilter, DealInput, DealPage, DealRow, DealSort, StageVisit},
        leads::{self, ConvertInput, ConvertResult, Duplicates, Lead, LeadInput},
        listing::SortBy,
        money::{self, Currencies, CurrencyInput, Rate, RateInput},
        pipelines::{
            self, LeadStatus, LeadStatusInput, PipelineInput, PipelineOut, Stage, StageInput,
        },
        reflists::{DealType, DealTypeInput, LeadSource, LeadSourceInput},
    },
    work::TargetKind,
};

reflist_api!(
    LeadSourcesApi,
    LeadSource,
    LeadSourceInput,
    LeadSourceList,
    path: "/lead-sources",
    path_id: "/lead-sources/:id",
    tag: "Tag::Fields",
    list_doc: "The lead sources reference list (archived ones included, flagged).",
    delete_doc: "Deletes an unused lead source; a used one answers 409 (archive it instead).",
);

reflist_api!(
    DealTypesApi,
    DealType,
    DealTypeInput,
    DealTypeList,
    path: "/deal-types",
    path_id: "/deal-types/:id",
    tag: "Tag::Fields",
    list_doc: "The deal types reference list (archived ones included, flagged).",
    delete_doc: "Deletes an unused deal type; a used one answers 409 (archive it instead).",
);

#[derive(Object)]
pub struct PipelineList {
    pub items: Vec<PipelineOut>,
}
#[derive(Object)]
pub struct StageOrder {
    pub stage_ids: Vec<u64>,
}
#[derive(Object)]
pub struct IdOrder {
    pub ids: Vec<u64>,
}
#[derive(Object)]
pub struct LeadStatusList {
    pub items: Vec<LeadStatus>,
}
#[derive(Object)]
pub struct RateList {
    pub items: Vec<Rate>,
}
#[derive(Object)]
pub struct BaseInput {
    #[oai(default)]
    pub code: String,
}
#[derive(Object)]
pub struct LeadPage {
    pub items: Vec<Lead>,
    pub next_cursor: Option<String>,
    pub total: u64,
}
#[derive(Object)]
pub struct MoveInput {
    pub stage_id: u64,
}
#[derive(Object)]
pub struct StageLog {
    pub items: Vec<StageVisit>,
}
pub struct SalesApi {
    pub app: Arc<App>,
}

fn cf_filters(req: &Request) -> Vec<(u64, String)> {
    custom::filters_from_query(req.uri().query().unwrap_or(""))
}

impl SalesApi {
    /// Tells open browsers what happened to a deal (after the commit).
    fn publish(&self, kind: &str, d: &deals::Deal, from: Option<u64>, by: u64) {
        self.app.publish(Event {
            kind: kind.into(),
            deal_id: d.id,
            pipeline_id: d.pipeline_id,
            stage_id: d.stage_id,
            from_stage_id: from,
            by,
        });
    }
}

#[OpenApi(prefix_path = "/api/v1")]
impl SalesApi {
    /// Currencies with the rate in force today and the base currency.
    #[oai(path = "/currencies", method = "get", tag = "Tag::Money")]
    async fn currencies(&self, req: &Request) -> ApiResult<Json<Currencies>> {
        let now = self.app.now();
        Ok(Json(
            read_as(&self.app, req, |rx, me| money::list(rx, today_of(me, now))).await?,
        ))
    }

    /// Adds a currency (any ISO 4217 code).
    #[oai(path = "/currencies", method = "post", tag = "Tag::Money")]
    async fn create_currency(
        &self,
        req: &Request,
        body: Json<CurrencyInput>,
    ) -> ApiResult<Created<money::Currency>> {
        let c = write_as(&self.app, req, move |tx, me| money::create(tx, me, body.0)).await?;
        Ok(Created::Created(Json(c)))
    }

    /// Chooses the base currency; rates entered against the old one keep converting.
    #[oai(path = "/currencies/base", method = "put", tag = "Tag::Money")]
    async fn set_base(&self, req: &Request, body: Json<BaseInput>) -> ApiResult<Json<Currencies>> {
        let now = self.app.now();
        Ok(Json(
            write_as(&self.app, req, move |tx, me| {
                money::set_base(tx, me, &body.code, today_of(me, now))
            })
            .await?,
        ))
    }

    #[oai(path = "/currencies/:code", method = "put", tag = "Tag::Money")]
    async fn update_currency(
        &self,
        req: &Request,
        code: Path<String>,
        body: Json<CurrencyInput>,
    ) -> ApiResult<Json<money::Currency>> {
        let c = write_as(&self.app, req, move |tx, me| {
            money::update(tx, me, &code.0, body.0)
        })
        .await?;
        Ok(Json(c))
    }

    /// The rate history of a currency, newest first.
    #[oai(path = "/currencies/:code/rates", method = "get", tag = "Tag::Money")]
    async fn rates(&self, req: &Request, code: Path<String>) -> ApiResult<Json<RateList>> {
        let code = code.0.to_uppercase();
        let items = read_as(&self.app, req, |rx, _| money::rates(rx, &code)).await?;
        Ok(Json(RateList { items }))
    }

    /// Enters the rate of a day: 1 unit of the currency = `rate` units of the base.
    #[oai(path = "/currencies/:code/rates", method = "post", tag = "Tag::Money")]
    async fn set_rate(
        &self,
        req: &Request,
        code: Path<String>,
        body: Json<RateInput>,
    ) -> ApiResult<Created<Rate>> {
        let r = write_as(&self.app, req, move |tx, me| {
            money::set_rate(tx, me, &code.0, body.0)
        })
        .await?;
        Ok(Created::Created(Json(r)))
    }

    #[oai(
        path = "/currencies/:code/rates/:date",
        method = "delete",
        tag = "Tag::Money"
    )]
    async fn delete_rate(
        &self,
        req: &Request,
        code: Path<String>,
        date: Path<NaiveDate>,
    ) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| {
            money::delete_rate(tx, me, &code.0, date.0)
        })
        .await?;
        Ok(NoContent::NoContent)
    }

    /// Pipelines with their stages in order.
    #[oai(path = "/pipelines", method = "get", tag = "Tag::Pipelines")]
    async fn pipelines(&self, req: &Request) -> ApiResult<Json<PipelineList>> {
        Ok(Json(PipelineList {
            items: read_as(&self.app, req, |rx, _| pipelines::list(rx)).await?,
        }))
    }

    /// Adds a pipeline with the default stages.
    #[oai(path = "/pipelines", method = "post", tag = "Tag::Pipelines")]
    async fn create_pipeline(
        &self,
        req: &Request,
        body: Json<PipelineInput>,
    ) -> ApiResult<Created<PipelineOut>> {
        let p = write_as(&self.app, req, move |tx, me| {
            pipelines::create(tx, me, body.0)
        })
        .await?;
        Ok(Created::Created(Json(p)))
    }

    #[oai(path = "/pipelines/:id", method = "put", tag = "Tag::Pipelines")]
    async fn update_pipeline(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<PipelineInput>,
    ) -> ApiResult<Json<PipelineOut>> {
        Ok(Json(
            write_as(&self.app, req, move |tx, me| {
                pipelines::update(tx, me, id.0, body.0)
            })
            .await?,
        ))
    }

    /// Deletes a pipeline without deals (archive one that has deals).
    #[oai(path = "/pipelines/:id", method = "delete", tag = "Tag::Pipelines")]
    async fn delete_pipeline(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| {
            pipelines::delete(tx, me, id.0)
        })
        .await?;
        Ok(NoContent::NoContent)
    }

    #[oai(
        path = "/pipelines/:id/stages",
        method = "post",
        tag = "Tag::Pipelines"
    )]
    async fn add_stage(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<StageInput>,
    ) -> ApiResult<Created<Stage>> {
        let s = write_as(&self.app, req, move |tx, me| {
            pipelines::add_stage(tx, me, id.0, body.0)
        })
        .await?;
        Ok(Created::Created(Json(s)))
    }

    /// Puts the stages in this order (all of them, each once).
    #[oai(
        path = "/pipelines/:id/stage-order",
        method = "put",
        tag = "Tag::Pipelines"
    )]
    async fn stage_order(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<StageOrder>,
    ) -> ApiResult<Json<PipelineOut>> {
        Ok(Json(
            write_as(&self.app, req, move |tx, me| {
                pipelines::reorder_stages(tx, me, id.0, &body.stage_ids)
            })
            .await?,
        ))
    }

    #[oai(path = "/stages/:id", method = "put", tag = "Tag::Pipelines")]
    async fn update_stage(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<StageInput>,
    ) -> ApiResult<Json<Stage>> {
        Ok(Json(
            write_as(&self.app, req, move |tx, me| {
                pipelines::update_stage(tx, me, id.0, body.0)
            })
            .await?,
        ))
    }

    /// Deletes a stage; with deals in it, `move_to` names the stage they move to (else 409 stage_not_empty).
    #[oai(path = "/stages/:id", method = "delete", tag = "Tag::Pipelines")]
    async fn delete_stage(
        &self,
        req: &Request,
        id: Path<u64>,
        move_to: Query<Option<u64>>,
    ) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| {
            pipelines::delete_stage(tx, me, id.0, move_to.0)
        })
        .await?;
        Ok(NoContent::NoContent)
    }

    #[oai(path = "/lead-statuses", method = "get", tag = "Tag::Pipelines")]
    async fn lead_statuses(&self, req: &Request) -> ApiResult<Json<LeadStatusList>> {
        Ok(Json(LeadStatusList {
            items: read_as(&self.app, req, |rx, _| pipelines::lead_statuses(rx)).await?,
        }))
    }

    #[oai(path = "/lead-statuses", method = "post", tag = "Tag::Pipelines")]
    async fn create_lead_status(
        &self,
        req: &Request,
        body: Json<LeadStatusInput>,
    ) -> ApiResult<Created<LeadStatus>> {
        let s = write_as(&self.app, req, move |tx, me| {
            pipelines::create_status(tx, me, body.0)
        })
        .await?;
        Ok(Created::Created(Json(s)))
    }

    #[oai(path = "/lead-statuses/order", method = "put", tag = "Tag::Pipelines")]
    async fn lead_status_order(
        &self,
        req: &Request,
        body: Json<IdOrder>,
    ) -> ApiResult<Json<LeadStatusList>> {
        let items = write_as(&self.app, req, move |tx, me| {
            pipelines::reorder_statuses(tx, me, &body.ids)
        })
        .await?;
        Ok(Json(LeadStatusList { items }))
    }

    #[oai(path = "/lead-statuses/:id", method = "put", tag = "Tag::Pipelines")]
    async fn update_lead_status(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<LeadStatusInput>,
    ) -> ApiResult<Json<LeadStatus>> {
        Ok(Json(
            write_as(&self.app, req, move |tx, me| {
                pipelines::update_status(tx, me, id.0, body.0)
            })
            .await?,
        ))
    }

    /// Deletes a lead status; leads that have it get `move_to` (else 409 status_not_empty).
    #[oai(path = "/lead-statuses/:id", method = "delete", tag = "Tag::Pipelines")]
    async fn delete_lead_status(
        &self,
        req: &Request,
        id: Path<u64>,
        move_to: Query<Option<u64>>,
    ) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| {
            pipelines::delete_status(tx, me, id.0, move_to.0)
        })
        .await?;
        Ok(NoContent::NoContent)
    }

    /// Leads, one page at a time (filter custom fields with `cf.<id>=value`).
    #[oai(path = "/leads", method = "get", tag = "Tag::Leads")]
    #[allow(clippy::too_many_arguments)]
    async fn leads(
        &self,
        req: &Request,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
        sort: Query<Option<LeadSort>>,
        status_id: Query<Option<u64>>,
        responsible_id: Query<Option<u64>>,
        source_id: Query<Option<u64>>,
    ) -> ApiResult<Json<LeadPage>> {
        let f = leads::Filter {
            status_id: status_id.0,
            responsible_id: responsible_id.0,
            source_id: source_id.0,
            custom: cf_filters(req),
        };
        let sort = match sort.0.unwrap_or_default() {
            LeadSort::CreatedDesc => SortBy::CreatedDesc,
            LeadSort::Created => SortBy::Created,
            LeadSort::UpdatedDesc => SortBy::UpdatedDesc,
            LeadSort::Updated => SortBy::Updated,
            LeadSort::Title => SortBy::Name,
            LeadSort::TitleDesc => SortBy::NameDesc,
        };
        let page = read_as(&self.app, req, |rx, me| {
            leads::list(
                rx,
                me,
                &f,
                sort,
                cursor.0.as_deref(),
                limit.0.unwrap_or(50) as usize,
            )
        })
        .await?;
        Ok(Json(LeadPage {
            items: page.items,
            next_cursor: page.next_cursor,
            total: page.total,
        }))
    }

    #[oai(path = "/leads", method = "post", tag = "Tag::Leads")]
    async fn create_lead(&self, req: &Request, body: Json<LeadInput>) -> ApiResult<Created<Lead>> {
        let l = write_as(&self.app, req, move |tx, me| leads::create(tx, me, body.0)).await?;
        Ok(Created::Created(Json(l)))
    }

    #[oai(path = "/leads/:id", method = "get", tag = "Tag::Leads")]
    async fn lead(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Lead>> {
        Ok(Json(
            read_as(&self.app, req, |rx, me| leads::get(rx, me, id.0)).await?,
        ))
    }

    #[oai(path = "/leads/:id", method = "put", tag = "Tag::Leads")]
    async fn update_lead(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<LeadInput>,
    ) -> ApiResult<Json<Lead>> {
        Ok(Json(
            write_as(&self.app, req, move |tx, me| {
                leads::update(tx, me, id.0, body.0)
            })
            .await?,
        ))
    }

    #[oai(path = "/leads/:id", method = "delete", tag = "Tag::Leads")]
    async fn delete_lead(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        write_as(&self.app, req, move |tx, me| leads::delete(tx, me, id.0)).await?;
        Ok(NoContent::NoContent)
    }

    #[oai(path = "/leads/:id/history", method = "get", tag = "Tag::Leads")]
    async fn lead_history(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<HistoryList>> {
        history_out(&self.app, req, TargetKind::Lead, id.0).await
    }

    /// Existing contacts and companies that look like the lead's (same phone, e-mail or name).
    #[oai(path = "/leads/:id/duplicates", method = "get", tag = "Tag::Leads")]
    async fn lead_duplicates(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<Duplicates>> {
        let index = &*self.app.index;
        Ok(Json(
            read_as(&self.app, req, |rx, me| {
                leads::duplicates(rx, index, me, id.0)
            })
            .await?,
        ))
    }

    /// Turns the lead into a deal plus a new or existing contact and company, in one step.
    #[oai(path = "/leads/:id/convert", method = "post", tag = "Tag::Leads")]
    async fn convert_lead(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<ConvertInput>,
    ) -> ApiResult<Json<ConvertResult>> {
        let now = self.app.now();
        let (c, by) = write_as(&self.app, req, move |tx, me| {
            let c = leads::convert_answer(tx, me, id.0, body.0, today_of(me, now))?;
            Ok((c, me.id))
        })
        .await?;
        self.publish("created", &c.deal.deal, None, by);
        Ok(Json(c))
    }

    /// Deals across currencies with per-currency and base totals over the whole filtered set.
    #[oai(path = "/deals", method = "get", tag = "Tag::Deals")]
    #[allow(clippy::too_many_arguments)]
    async fn deals(
        &self,
        req: &Request,
        pipeline_id: Query<Option<u64>>,
        stage_id: Query<Option<u64>>,
        responsible_id: Query<Option<u64>>,
        mine: Query<Option<bool>>,
        company_id: Query<Option<u64>>,
        created_from: Query<Option<NaiveDate>>,
        created_to: Query<Option<NaiveDate>>,
        close_from: Query<Option<NaiveDate>>,
        close_to: Query<Option<NaiveDate>>,
        amount_min: Query<Option<Decimal>>,
        amount_max: Query<Option<Decimal>>,
        sort: Query<Option<DealSort>>,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<DealPage>> {
        let f = DealFilter {
            pipeline_id: pipeline_id.0,
            stage_id: stage_id.0,
            responsible_id: responsible_id.0,
            mine: mine.0.unwrap_or(false),
            company_id: company_id.0,
            created_from: created_from.0,
            created_to: created_to.0,
            close_from: close_from.0,
            close_to: close_to.0,
            amount_min: amount_min.0,
            amount_max: amount_max.0,
            custom: cf_filters(req),
        };
        let now = self.app.now();
        Ok(Json(
            read_as(&self.app, req, |rx, me| {
                deals::list(
                    rx,
                    &self.app.caches,
                    me,
                    &f,
                    sort.0.unwrap_or_default(),
                    cursor.0.as_deref(),
                    limit.0.unwrap_or(50) as usize,
                    today_of(me, now),
                )
            })
            .await?,
        ))
    }

    #[oai(path = "/deals", method = "post", tag = "Tag::Deals")]
    async fn create_deal(
        &self,
        req: &Request,
        body: Json<DealInput>,
    ) -> ApiResult<Created<DealRow>> {
        let now = self.app.now();
        let (r, by) = write_as(&self.app, req, move |tx, me| {
            Ok((deals::create_row(tx, me, body.0, today_of(me, now))?, me.id))
        })
        .await?;
        self.publish("created", &r.deal, None, by);
        Ok(Created::Created(Json(r)))
    }

    #[oai(path = "/deals/:id", method = "get", tag = "Tag::Deals")]
    async fn deal(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<DealRow>> {
        let now = self.app.now();
        Ok(Json(
            read_as(&self.app, req, |rx, me| {
                deals::get(rx, me, id.0, today_of(me, now))
            })
            .await?,
        ))
    }

    /// Replaces every field of a deal (a stage change here is a move like any other).
    #[oai(path = "/deals/:id", method = "put", tag = "Tag::Deals")]
    async fn update_deal(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<DealInput>,
    ) -> ApiResult<Json<DealRow>> {
        let now = self.app.now();
        let ((r, from), by) = write_as(&self.app, req, move |tx, me| {
            Ok((
                deals::update_row(tx, me, id.0, body.0, today_of(me, now))?,
                me.id,
            ))
        })
        .await?;
        self.publish(
            if from.is_some() { "moved" } else { "updated" },
            &r.deal,
            from,
            by,
        );
        Ok(Json(r))
    }

    #[oai(path = "/deals/:id", method = "delete", tag = "Tag::Deals")]
    async fn delete_deal(&self, req: &Request, id: Path<u64>) -> ApiResult<NoContent> {
        let (d, by) = write_as(&self.app, req, move |tx, me| {
            Ok((deals::delete(tx, me, id.0)?, me.id))
        })
        .await?;
        self.publish("deleted", &d, None, by);
        Ok(NoContent::NoContent)
    }

    /// Moves a deal to another stage of its pipeline (kanban drag).
    #[oai(path = "/deals/:id/move", method = "post", tag = "Tag::Deals")]
    async fn move_deal(
        &self,
        req: &Request,
        id: Path<u64>,
        body: Json<MoveInput>,
    ) -> ApiResult<Json<DealRow>> {
        let stage = body.stage_id;
        let now = self.app.now();
        let ((r, from), by) = write_as(&self.app, req, move |tx, me| {
            Ok((
                deals::move_row(tx, me, id.0, stage, today_of(me, now))?,
                me.id,
            ))
        })
        .await?;
        if from != r.deal.stage_id {
            self.publish("moved", &r.deal, Some(from), by);
        }
        Ok(Json(r))
    }

    #[oai(path = "/deals/:id/history", method = "get", tag = "Tag::Deals")]
    async fn deal_history(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<HistoryList>> {
        history_out(&self.app, req, TargetKind::Deal, id.0).await
    }

    /// The stages the deal went through, with the time spent in each.
    #[oai(path = "/deals/:id/stages", method = "get", tag = "Tag::Deals")]
    async fn deal_stages(&self, req: &Request, id: Path<u64>) -> ApiResult<Json<StageLog>> {
        let now = self.app.now();
        Ok(Json(StageLog {
            items: read_as(&self.app, req, |rx, me| {
                crm::deal_stage_log(rx, me, id.0, now)
            })
            .await?,
        }))
    }

    /// The kanban board of a pipeline (filter custom fields with `cf.<id>=value`).
    #[oai(path = "/pipelines/:id/board", method = "get", tag = "Tag::Deals")]
    async fn board(
        &self,
        req: &Request,
        id: Path<u64>,
        responsible_id: Query<Option<u64>>,
        mine: Query<Option<bool>>,
        company_id: Query<Option<u64>>,
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<Board>> {
        let f = DealFilter {
            responsible_id: responsible_id.0,
            mine: mine.0.unwrap_or(false),
            company_id: company_id.0,
            custom: cf_filters(req),
            ..DealFilter::default()
        };
        let now = self.app.now();
        Ok(Json(
            read_as(&self.app, req, |rx, me| {
                deals::board(
                    rx,
                    &self.app.caches,
                    me,
                    id.0,
                    &f,
                    limit.0.unwrap_or(50) as usize,
                    today_of(me, now),
                )
            })
            .await?,
        ))
    }

    /// Live events for open browsers (Server-Sent Events): `deal` (a deal moved, was created,
    /// changed or deleted) and `work` (refresh counters, the feed, notifications or the calendar).
    #[oai(path = "/events", method = "get", tag = "Tag::Deals")]
    async fn events(
        &self,
        req: &Request,
    ) -> ApiResult<EventStream<futures_util::stream::BoxStream<'static, Live>>> {
        caller(&self.app, req).await?;
        let rx = self.app.events.subscribe();
        let stream = futures_util::stream::unfold(rx, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(e) => return Some((e, rx)),
                    // A slow reader missed some: go on with the next ones (the board reloads anyway).
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
        Ok(
            EventStream::new(Box::pin(stream) as futures_util::stream::BoxStream<'static, Live>)
                .keep_alive(std::time::Duration::from_secs(20))
                .to_event(|e| {
                    use poem_openapi::types::ToJSON;
                    match (&e.deal, &e.work) {
                        (Some(d), _) => {
                            poem::web::sse::Event::message(d.to_json_string()).event_type("deal")
                        }
                        (None, Some(w)) => {
                            poem::web::sse::Event::message(w.to_json_string()).event_type("work")
                        }
                        (None, None) => poem::web::sse::Event::message("{}").event_type("ping"),
                    }
                }),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, poem_openapi::Enum)]
pub enum LeadSort {
    #[default]
    #[oai(rename = "-created")]
    CreatedDesc,
    #[oai(rename = "created")]
    Created,
    #[oai(rename = "-updated")]
    UpdatedDesc,
    #[oai(rename = "updated")]
    Updated,
    #[oai(rename = "title")]
    Title,
    #[oai(rename = "-title")]
    TitleDesc,
}
