//! The outbox: changes waiting for the search indexer, in commit order.

use redb::{ReadTransaction, ReadableTable};

use super::{Kind, Store, be_u64, tables::*};
use crate::error::{Ctx, Error, Result};

/// Pending outbox entries after `after`, at most `limit`, in order.
pub fn outbox_after(
    rx: &ReadTransaction,
    after: u64,
    limit: usize,
) -> Result<Vec<(u64, Kind, u64)>> {
    let t = rx.open_table(OUTBOX).ctx("open outbox")?;
    let mut out = Vec::new();
    for row in t.range((after.saturating_add(1))..).ctx("read outbox")? {
        let (k, v) = row.ctx("read outbox")?;
        let v = v.value();
        if v.len() != 9 {
            return Err(Error::Storage(format!(
                "outbox entry {} is malformed",
                k.value()
            )));
        }
        let kind = Kind::from_repr(v[0])
            .ok_or_else(|| Error::Storage(format!("outbox entry {}: unknown kind", k.value())))?;
        out.push((k.value(), kind, be_u64(&v[1..])?));
        if out.len() >= limit {
            break;
        }
    }
    Ok(out)
}

/// The highest outbox sequence allocated, as seen by this snapshot.
pub fn outbox_seq_in(rx: &ReadTransaction) -> Result<u64> {
    let meta = rx.open_table(META).ctx("open meta")?;
    match meta.get("outbox_seq").ctx("read meta")? {
        Some(v) => be_u64(v.value()),
        None => Ok(0),
    }
}

/// The oldest outbox entry still waiting, if any.
pub fn first_outbox_seq(rx: &ReadTransaction) -> Result<Option<u64>> {
    let t = rx.open_table(OUTBOX).ctx("open outbox")?;
    Ok(t.first().ctx("read outbox")?.map(|(k, _)| k.value()))
}

impl Store {
    /// Removes outbox entries up to and including `seq` (after the index committed them).
    pub fn trim_outbox(&self, seq: u64) -> Result<()> {
        let txn = self.db.begin_write().ctx("begin outbox trim")?;
        {
            let mut t = txn.open_table(OUTBOX).ctx("open outbox")?;
            t.retain_in(..=seq, |_, _| false).ctx("trim outbox")?;
        }
        txn.commit().ctx("commit outbox trim")?;
        Ok(())
    }

    /// The highest outbox sequence ever allocated.
    pub fn outbox_seq(&self) -> Result<u64> {
        self.read(outbox_seq_in)
    }
}
