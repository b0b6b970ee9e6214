//! The stage log: every stage a deal entered, behind time-in-stage.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use redb::{ReadTransaction, ReadableTable};
use serde::{Deserialize, Serialize};

use super::Deal;
use crate::{
    error::{Ctx, Error, Result},
    store::{self, IndexKey, Kind, Record, Tx, tables},
};

/// A deal entered a stage: the stage log behind time-in-stage.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StageMove {
    pub id: u64,
    pub deal_id: u64,
    pub stage_id: u64,
    pub at: DateTime<Utc>,
    pub by: Option<u64>,
}

impl Record for StageMove {
    const KIND: Kind = Kind::StageMove;
    const TABLE: redb::TableDefinition<'static, u64, &'static [u8]> = tables::DEAL_STAGES;
    const NAME: &'static str = "stage move";
    fn id(&self) -> u64 {
        self.id
    }
    fn index_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::Sorted(
            tables::DEAL_STAGE_BY_DEAL,
            log_key(self.deal_id, self.id),
        )]
    }
}

fn log_key(deal: u64, id: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(16);
    k.extend_from_slice(&deal.to_be_bytes());
    k.extend_from_slice(&id.to_be_bytes());
    k
}

pub(super) fn log_stage(tx: &mut Tx, deal: u64, stage_id: u64) -> Result<()> {
    let m = StageMove {
        id: tx.next_id("deal_stages")?,
        deal_id: deal,
        stage_id,
        at: tx.now,
        by: tx.actor,
    };
    // The deal's own history already records the change of stage.
    tx.insert_quietly(&m)
}

fn moves_of(
    idx: &impl ReadableTable<&'static [u8], ()>,
    recs: &impl ReadableTable<u64, &'static [u8]>,
    deal: u64,
) -> Result<Vec<StageMove>> {
    let from = log_key(deal, 0);
    let to = log_key(deal, u64::MAX);
    let mut out = Vec::new();
    for row in idx
        .range(from.as_slice()..=to.as_slice())
        .ctx("read stage log")?
    {
        let (k, _) = row.ctx("read stage log")?;
        if let Some(m) = store::get_in::<StageMove>(recs, store::id_of_index_key(k.value())?)? {
            out.push(m);
        }
    }
    Ok(out)
}

pub(super) fn drop_log(tx: &mut Tx, deal: u64) -> Result<()> {
    let moves = {
        let idx = tx
            .txn
            .open_table(tables::DEAL_STAGE_BY_DEAL)
            .ctx("open stage log")?;
        let recs = tx
            .txn
            .open_table(tables::DEAL_STAGES)
            .ctx("open stage log")?;
        moves_of(&idx, &recs, deal)?
    };
    for m in moves {
        tx.delete_quietly(&m)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Object)]
pub struct StageVisit {
    pub stage_id: u64,
    pub entered_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
    /// Time spent in the stage (until now for the current one).
    pub seconds: i64,
    pub by: Option<u64>,
}

pub fn stage_log(rx: &ReadTransaction, deal: u64, now: DateTime<Utc>) -> Result<Vec<StageVisit>> {
    store::get::<Deal>(rx, deal)?.ok_or(Error::NotFound("deal"))?;
    let idx = rx
        .open_table(tables::DEAL_STAGE_BY_DEAL)
        .ctx("open stage log")?;
    let recs = rx.open_table(tables::DEAL_STAGES).ctx("open stage log")?;
    let entries = moves_of(&idx, &recs, deal)?;
    let mut out = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let left = entries.get(i + 1).map(|n| n.at);
        out.push(StageVisit {
            stage_id: e.stage_id,
            entered_at: e.at,
            left_at: left,
            seconds: (left.unwrap_or(now) - e.at).num_seconds().max(0),
            by: e.by,
        });
    }
    Ok(out)
}
