//! Pipelines with ordered stages (open, won, lost), and the lead statuses edited the same way.

use poem_openapi::{Enum, Object};
use redb::ReadTransaction;
use serde::{Deserialize, Serialize};

use crate::{
    access::{
        User,
        policy::{Permission, allow},
    },
    error::{Error, Problems, Result},
    store::{self, IndexKey, Kind, Record, Tx, tables},
    validate,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum StageKind {
    #[default]
    Open,
    Won,
    Lost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Enum)]
#[serde(rename_all = "lowercase")]
#[oai(rename_all = "lowercase")]
pub enum LeadStatusKind {
    #[default]
    Open,
    Converted,
    Junk,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Pipeline {
    pub id: u64,
    pub name: String,
    pub sort: i64,
    pub archived: bool,
}

impl Record for Pipeline {
    const KIND: Kind = Kind::Pipeline;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::PIPELINES;
    const NAME: &'static str = "pipeline";
    fn id(&self) -> u64 {
        self.id
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Stage {
    pub id: u64,
    pub pipeline_id: u64,
    pub name: String,
    pub color: String,
    pub kind: StageKind,
    pub sort: i64,
}

impl Record for Stage {
    const KIND: Kind = Kind::Stage;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::STAGES;
    const NAME: &'static str = "stage";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::ById(tables::STAGE_BY_PIPELINE, self.pipeline_id)]
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct LeadStatus {
    pub id: u64,
    pub name: String,
    pub color: String,
    pub kind: LeadStatusKind,
    pub sort: i64,
}

impl Record for LeadStatus {
    const KIND: Kind = Kind::LeadStatus;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::LEAD_STATUSES;
    const NAME: &'static str = "lead status";
    fn id(&self) -> u64 {
        self.id
    }
}

/// A pipeline with its stages in order.
#[derive(Debug, Clone, Object)]
pub struct PipelineOut {
    #[oai(flatten)]
    pub pipeline: Pipeline,
    pub stages: Vec<Stage>,
}

fn check_color(p: &mut Problems, field: &str, c: &str) -> String {
    let c = c.trim();
    if c.is_empty() {
        return "#64748b".into();
    }
    let ok = c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|x| x.is_ascii_hexdigit());
    if !ok {
        p.add(field, "invalid_value", "is not a colour like #3b82f6");
    }
    c.to_lowercase()
}

pub fn stages_of_tx(tx: &Tx, pipeline_id: u64) -> Result<Vec<Stage>> {
    let mut v = Vec::new();
    for id in tx.ids_by(tables::STAGE_BY_PIPELINE, pipeline_id)? {
        v.push(tx.must::<Stage>(id)?);
    }
    v.sort_by_key(|s| (s.sort, s.id));
    Ok(v)
}

pub fn stages_of(rx: &ReadTransaction, pipeline_id: u64) -> Result<Vec<Stage>> {
    let mut v = Vec::new();
    for id in store::ids_by(rx, tables::STAGE_BY_PIPELINE, pipeline_id)? {
        if let Some(s) = store::get::<Stage>(rx, id)? {
            v.push(s);
        }
    }
    v.sort_by_key(|s| (s.sort, s.id));
    Ok(v)
}

pub fn get(rx: &ReadTransaction, id: u64) -> Result<PipelineOut> {
    let pipeline = store::get::<Pipeline>(rx, id)?.ok_or(Error::NotFound("pipeline"))?;
    Ok(PipelineOut {
        stages: stages_of(rx, id)?,
        pipeline,
    })
}

pub fn list(rx: &ReadTransaction) -> Result<Vec<PipelineOut>> {
    let mut ps: Vec<Pipeline> = store::all(rx)?;
    ps.sort_by_key(|p| (p.sort, p.id));
    ps.into_iter()
        .map(|p| {
            Ok(PipelineOut {
                stages: stages_of(rx, p.id)?,
                pipeline: p,
            })
        })
        .collect()
}

const DEFAULT_STAGES: [(&str, &str, StageKind); 5] = [
    ("New", "#3b82f6", StageKind::Open),
    ("Offer", "#8b5cf6", StageKind::Open),
    ("Negotiation", "#f59e0b", StageKind::Open),
    ("Won", "#16a34a", StageKind::Won),
    ("Lost", "#dc2626", StageKind::Lost),
];

#[derive(Debug, Clone, Object)]
pub struct PipelineInput {
    #[oai(default)]
    pub name: String,
    #[oai(default)]
    pub sort: i64,
    #[oai(default)]
    pub archived: bool,
}

fn insert_pipeline(tx: &mut Tx, name: String, sort: i64) -> Result<PipelineOut> {
    let pipeline = Pipeline {
        id: tx.next_id("pipelines")?,
        name,
        sort,
        archived: false,
    };
    tx.insert(&pipeline)?;
    let mut stages = Vec::new();
    for (i, (name, color, kind)) in DEFAULT_STAGES.into_iter().enumerate() {
        let s = Stage {
            id: tx.next_id("stages")?,
            pipeline_id: pipeline.id,
            name: name.into(),
            color: color.into(),
            kind,
            sort: (i as i64 + 1) * 10,
        };
        tx.insert(&s)?;
        stages.push(s);
    }
    Ok(PipelineOut { pipeline, stages })
}

/// A first pipeline and the lead statuses every office starts with.
pub fn seed(tx: &mut Tx) -> Result<()> {
    if tx.count::<Pipeline>()? == 0 {
        insert_pipeline(tx, "Sales".into(), 10)?;
    }
    if tx.count::<LeadStatus>()? == 0 {
        for (i, (name, color, kind)) in [
            ("New", "#3b82f6", LeadStatusKind::Open),
            ("In progress", "#f59e0b", LeadStatusKind::Open),
            ("Converted", "#16a34a", LeadStatusKind::Converted),
            ("Junk", "#94a3b8", LeadStatusKind::Junk),
        ]
        .into_iter()
        .enumerate()
        {
            let s = LeadStatus {
                id: tx.next_id("lead_statuses")?,
                name: name.into(),
                color: color.into(),
                kind,
                sort: (i as i64 + 1) * 10,
            };
            tx.insert(&s)?;
        }
    }
    Ok(())
}

pub fn create(tx: &mut Tx, actor: &User, input: PipelineInput) -> Result<PipelineOut> {
    allow(actor, Permission::ManageReferenceLists)?;
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &input.name, 100);
    p.finish()?;
    let sort = if input.sort == 0 {
        (tx.count::<Pipeline>()? as i64 + 1) * 10
    } else {
        input.sort
    };
    insert_pipeline(tx, name, sort)
}

pub fn update(tx: &mut Tx, actor: &User, id: u64, input: PipelineInput) -> Result<PipelineOut> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old: Pipeline = tx.must(id)?;
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &input.name, 100);
    p.finish()?;
    let new = Pipeline {
        id,
        name,
        sort: input.sort,
        archived: input.archived,
    };
    tx.update(&old, &new)?;
    Ok(PipelineOut {
        stages: stages_of_tx(tx, id)?,
        pipeline: new,
    })
}

pub fn delete(tx: &mut Tx, actor: &User, id: u64) -> Result<()> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old: Pipeline = tx.must(id)?;
    let deals = tx.ids_by(tables::DEAL_BY_PIPELINE, id)?.len();
    if deals > 0 {
        return Err(Error::Conflict(format!(
            "{deals} deals are in this pipeline: archive it instead"
        )));
    }
    for s in stages_of_tx(tx, id)? {
        tx.delete(&s)?;
    }
    tx.delete(&old)
}

#[derive(Debug, Clone, Object)]
pub struct StageInput {
    #[oai(default)]
    pub name: String,
    #[oai(default)]
    pub color: String,
    #[oai(default)]
    pub kind: StageKind,
}

pub fn add_stage(tx: &mut Tx, actor: &User, pipeline_id: u64, input: StageInput) -> Result<Stage> {
    allow(actor, Permission::ManageReferenceLists)?;
    tx.must::<Pipeline>(pipeline_id)?;
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &input.name, 100);
    let color = check_color(&mut p, "color", &input.color);
    p.finish()?;
    let last = stages_of_tx(tx, pipeline_id)?
        .iter()
        .map(|s| s.sort)
        .max()
        .unwrap_or(0);
    let s = Stage {
        id: tx.next_id("stages")?,
        pipeline_id,
        name,
        color,
        kind: input.kind,
        sort: last + 10,
    };
    tx.insert(&s)?;
    Ok(s)
}

/// A new order must name every item exactly once.
fn same_set(
    have: impl Iterator<Item = u64>,
    given: &[u64],
    field: &str,
    message: &str,
) -> Result<()> {
    let mut want: Vec<u64> = have.collect();
    let mut got = given.to_vec();
    want.sort_unstable();
    got.sort_unstable();
    if want == got {
        Ok(())
    } else {
        Err(Error::field(field, "invalid_value", message))
    }
}

fn open_stages_left(stages: &[Stage], without: u64) -> usize {
    stages
        .iter()
        .filter(|s| s.id != without && s.kind == StageKind::Open)
        .count()
}

pub fn update_stage(tx: &mut Tx, actor: &User, id: u64, input: StageInput) -> Result<Stage> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old: Stage = tx.must(id)?;
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &input.name, 100);
    let color = check_color(&mut p, "color", &input.color);
    p.finish()?;
    if input.kind != StageKind::Open
        && open_stages_left(&stages_of_tx(tx, old.pipeline_id)?, id) == 0
    {
        return Err(Error::Conflict(
            "a pipeline needs at least one open stage".into(),
        ));
    }
    let new = Stage {
        name,
        color,
        kind: input.kind,
        ..old.clone()
    };
    tx.update(&old, &new)?;
    Ok(new)
}

/// Puts the stages of a pipeline in the given order (every stage exactly once).
pub fn reorder_stages(
    tx: &mut Tx,
    actor: &User,
    pipeline_id: u64,
    ids: &[u64],
) -> Result<PipelineOut> {
    allow(actor, Permission::ManageReferenceLists)?;
    let pipeline: Pipeline = tx.must(pipeline_id)?;
    let stages = stages_of_tx(tx, pipeline_id)?;
    same_set(
        stages.iter().map(|s| s.id),
        ids,
        "stage_ids",
        "must list every stage of the pipeline exactly once",
    )?;
    for (i, id) in ids.iter().enumerate() {
        let old = stages
            .iter()
            .find(|s| s.id == *id)
            .ok_or(Error::NotFound("stage"))?;
        let new = Stage {
            sort: (i as i64 + 1) * 10,
            ..old.clone()
        };
        tx.update(old, &new)?;
    }
    Ok(PipelineOut {
        stages: stages_of_tx(tx, pipeline_id)?,
        pipeline,
    })
}

/// Deletes a stage; its deals move to `move_to` first (each move in their history).
pub fn delete_stage(tx: &mut Tx, actor: &User, id: u64, move_to: Option<u64>) -> Result<()> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old: Stage = tx.must(id)?;
    let stages = stages_of_tx(tx, old.pipeline_id)?;
    if old.kind == StageKind::Open && open_stages_left(&stages, id) == 0 {
        return Err(Error::Conflict(
            "a pipeline needs at least one open stage".into(),
        ));
    }
    let deals = tx.ids_by(tables::DEAL_BY_STAGE, id)?;
    if !deals.is_empty() {
        let Some(target) = move_to else {
            return Err(Error::StageNotEmpty(format!(
                "{} deals are in this stage: choose a stage to move them to",
                deals.len()
            )));
        };
        let t: Stage = tx.must(target)?;
        if t.pipeline_id != old.pipeline_id || t.id == id {
            return Err(Error::field(
                "move_to",
                "invalid_value",
                "must be another stage of the same pipeline",
            ));
        }
        for deal in deals {
            super::deals::move_to_stage(tx, actor, deal, target)?;
        }
    }
    tx.delete(&old)
}

pub fn lead_statuses(rx: &ReadTransaction) -> Result<Vec<LeadStatus>> {
    let mut v: Vec<LeadStatus> = store::all(rx)?;
    v.sort_by_key(|s| (s.sort, s.id));
    Ok(v)
}

pub fn lead_statuses_tx(tx: &Tx) -> Result<Vec<LeadStatus>> {
    let mut v: Vec<LeadStatus> = tx.all()?;
    v.sort_by_key(|s| (s.sort, s.id));
    Ok(v)
}

#[derive(Debug, Clone, Object)]
pub struct LeadStatusInput {
    #[oai(default)]
    pub name: String,
    #[oai(default)]
    pub color: String,
    #[oai(default)]
    pub kind: LeadStatusKind,
}

pub fn create_status(tx: &mut Tx, actor: &User, input: LeadStatusInput) -> Result<LeadStatus> {
    allow(actor, Permission::ManageReferenceLists)?;
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &input.name, 100);
    let color = check_color(&mut p, "color", &input.color);
    p.finish()?;
    let last = lead_statuses_tx(tx)?
        .iter()
        .map(|s| s.sort)
        .max()
        .unwrap_or(0);
    let s = LeadStatus {
        id: tx.next_id("lead_statuses")?,
        name,
        color,
        kind: input.kind,
        sort: last + 10,
    };
    tx.insert(&s)?;
    Ok(s)
}

pub fn update_status(
    tx: &mut Tx,
    actor: &User,
    id: u64,
    input: LeadStatusInput,
) -> Result<LeadStatus> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old: LeadStatus = tx.must(id)?;
    let mut p = Problems::default();
    let name = validate::required(&mut p, "name", &input.name, 100);
    let color = check_color(&mut p, "color", &input.color);
    p.finish()?;
    let all = lead_statuses_tx(tx)?;
    for kind in [LeadStatusKind::Open, LeadStatusKind::Converted] {
        if old.kind == kind
            && input.kind != kind
            && !all.iter().any(|s| s.id != id && s.kind == kind)
        {
            return Err(Error::Conflict(format!(
                "at least one {kind:?} status is needed"
            )));
        }
    }
    let new = LeadStatus {
        name,
        color,
        kind: input.kind,
        ..old.clone()
    };
    tx.update(&old, &new)?;
    Ok(new)
}

pub fn reorder_statuses(tx: &mut Tx, actor: &User, ids: &[u64]) -> Result<Vec<LeadStatus>> {
    allow(actor, Permission::ManageReferenceLists)?;
    let all = lead_statuses_tx(tx)?;
    let mut want: Vec<u64> = all.iter().map(|s| s.id).collect();
    let mut got = ids.to_vec();
    want.sort_unstable();
    got.sort_unstable();
    if want != got {
        return Err(Error::field(
            "ids",
            "invalid_value",
            "must list every status exactly once",
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        let old = all
            .iter()
            .find(|s| s.id == *id)
            .ok_or(Error::NotFound("lead status"))?;
        let new = LeadStatus {
            sort: (i as i64 + 1) * 10,
            ..old.clone()
        };
        tx.update(old, &new)?;
    }
    lead_statuses_tx(tx)
}

pub fn delete_status(tx: &mut Tx, actor: &User, id: u64, move_to: Option<u64>) -> Result<()> {
    allow(actor, Permission::ManageReferenceLists)?;
    let old: LeadStatus = tx.must(id)?;
    let all = lead_statuses_tx(tx)?;
    if matches!(old.kind, LeadStatusKind::Open | LeadStatusKind::Converted)
        && !all.iter().any(|s| s.id != id && s.kind == old.kind)
    {
        return Err(Error::Conflict(format!(
            "at least one {:?} status is needed",
            old.kind
        )));
    }
    let leads = tx.ids_by(tables::LEAD_BY_STATUS, id)?;
    if !leads.is_empty() {
        let Some(target) = move_to else {
            return Err(Error::StatusNotEmpty(format!(
                "{} leads have this status: choose a status to give them",
                leads.len()
            )));
        };
        if target == id || !tx.exists::<LeadStatus>(target)? {
            return Err(Error::field(
                "move_to",
                "invalid_value",
                "must be another lead status",
            ));
        }
        for lead in leads {
            super::leads::set_status(tx, actor, lead, target)?;
        }
    }
    tx.delete(&old)
}

#[cfg(test)]
#[path = "pipelines_tests.rs"]
mod rule_tests;
