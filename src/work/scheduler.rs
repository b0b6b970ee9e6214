//! The work scheduler: once a second it fires due reminders, announces tasks that just went
//! overdue, and sends queued e-mail. Time comes from the app's clock, so tests move the clock
//! instead of sleeping; the first tick runs at start, so what fell due while the server was
//! down fires then — once, because firing and marking are one transaction.

use std::sync::Arc;

use redb::{ReadTransaction, TableDefinition};

use crate::{
    app::App,
    error::{Ctx, Result},
    store::tables,
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

/// One pass: reminders and overdue tasks (one transaction, only when something is due — an
/// idle office does not write to disk every second), then the mail queue.
pub async fn tick(app: &Arc<App>) -> Result<()> {
    let now = app.now();
    let due = app.store.read(|rx| {
        Ok(due_in(rx, tables::REMINDER_DUE, now)? || due_in(rx, tables::TASK_DEADLINE_WATCH, now)?)
    })?;
    if due {
        app.write(None, |tx| {
            super::reminders::fire_due(tx)?;
            super::tasks::note_overdue(tx)?;
            Ok(())
        })
        .await?;
    }
    send_mail(app).await
}

async fn send_mail(app: &Arc<App>) -> Result<()> {
    let now = app.now();
    let (settings, due) = app
        .store
        .read(|rx| Ok((super::mail::stored(rx)?, super::mail::due(rx, now, 20)?)))?;
    for m in due {
        let result = super::mail::send(&settings, &m.to, &m.subject, &m.body).await;
        let id = m.id;
        app.write(None, move |tx| super::mail::mark(tx, id, result))
            .await?;
    }
    Ok(())
}

pub async fn run(app: Arc<App>, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(e) = tick(&app).await {
            tracing::warn!("work scheduler: {e}");
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}
