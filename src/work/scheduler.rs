//! What the work scheduler does once a second: fire due reminders, announce tasks that just
//! went overdue, and send queued e-mail. The loop itself lives with the app (`app::run_work`),
//! which owns the clock and the write path; the decisions are here. Firing and marking are one
//! transaction, so what fell due while the server was down fires once, at the first tick.

use redb::{ReadTransaction, TableDefinition};

use crate::{
    error::{Ctx, Result},
    store::{Tx, tables},
};

/// Does a time-ordered index hold a key due by `now`? (Its keys start with micros BE.)
fn due_in(
    rx: &ReadTransaction,
    def: TableDefinition<'static, &'static [u8], ()>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool> {
    let t = rx.open_table(def).ctx("open due index")?;
    Ok(!crate::store::due_ids(&t, now, 1)?.is_empty())
}

/// Is a reminder or a task deadline due? (Checked first, so an idle office does not write to
/// disk every second.)
pub fn anything_due(rx: &ReadTransaction, now: chrono::DateTime<chrono::Utc>) -> Result<bool> {
    Ok(due_in(rx, tables::REMINDER_DUE, now)? || due_in(rx, tables::TASK_DEADLINE_WATCH, now)?)
}

/// Fires the due reminders and notes tasks that went overdue, in the caller's transaction.
pub fn fire_due(tx: &mut Tx) -> Result<()> {
    super::reminders::fire_due(tx)?;
    super::tasks::note_overdue(tx)?;
    Ok(())
}
