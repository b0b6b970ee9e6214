//! The application: the store, the search index and the services around them, opened in the
//! order of STYLE.md: store → schema check/migrations → index check or rebuild → indexer → listen.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use chrono::{DateTime, Utc};

use crate::{
    access::auth::{self, Throttle},
    clock::{Clock, SystemClock},
    crm::company_types,
    error::{Error, Result},
    search::{SearchIndex, indexer},
    store::{Store, Tx},
};

pub struct App {
    pub data_dir: PathBuf,
    pub store: Arc<Store>,
    pub index: Arc<SearchIndex>,
    pub clock: Arc<dyn Clock>,
    pub throttle: Throttle,
    /// The one-time token that guards first-run setup (printed on the console).
    pub setup_token: String,
    /// Cookies get the Secure flag when served over TLS.
    pub secure_cookies: bool,
    /// Live events for open browsers (Server-Sent Events).
    pub events: tokio::sync::broadcast::Sender<Live>,
    /// The backups folder and the daily schedule.
    pub backups: Arc<crate::io::backups::Backups>,
    /// Board totals and company names kept between requests (see `crm::ReadCaches`).
    pub caches: crate::crm::ReadCaches,
    /// Held while the app runs, so `korobka restore` refuses to replace a folder in use.
    pub _lock: crate::io::lock::DataLock,
}

/// Something that happened to a deal, told to open browsers (SSE event `deal`).
#[derive(Debug, Clone, poem_openapi::Object)]
pub struct Event {
    /// moved, created, updated or deleted
    #[oai(rename = "type")]
    pub kind: String,
    pub deal_id: u64,
    pub pipeline_id: u64,
    pub stage_id: u64,
    pub from_stage_id: Option<u64>,
    pub by: u64,
}

/// "Refresh `what`" for these users' open browsers (SSE event `work`; empty: everyone).
#[derive(Debug, Clone, poem_openapi::Object)]
pub struct WorkSignal {
    /// counters, feed, notification or calendar
    pub what: String,
    pub user_ids: Vec<u64>,
}

/// One message of the live stream: a deal event or a work signal.
#[derive(Debug, Clone, poem_openapi::Object)]
pub struct Live {
    pub deal: Option<Event>,
    pub work: Option<WorkSignal>,
}

impl App {
    /// Tells open browsers about a change (nobody listening is fine).
    pub fn publish(&self, e: Event) {
        let _ = self.events.send(Live {
            deal: Some(e),
            work: None,
        });
    }

    /// Passes on the signals a committed write raised.
    pub fn publish_signals(&self, signals: Vec<crate::store::Signal>) {
        for s in signals {
            let _ = self.events.send(Live {
                deal: None,
                work: Some(WorkSignal {
                    what: s.what.to_string(),
                    user_ids: s.user_ids,
                }),
            });
        }
    }
}

/// Installs every area's handlers of store events (the feed's entries about crm changes) on a
/// store opened for writing. The one place that does it: every writer opens its store through
/// here (a write that emits events on a store without handlers fails rather than lose them).
pub fn install_handlers(store: &Store) {
    crate::work::feed::install(store);
}

pub struct OpenOptions {
    pub clock: Arc<dyn Clock>,
    /// Use this setup token instead of a random one (`KOROBKA_SETUP_TOKEN`).
    pub setup_token: Option<String>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            clock: Arc::new(SystemClock),
            setup_token: None,
        }
    }
}

impl App {
    /// Opens (or creates) the data folder, checks the index and catches it up.
    pub fn open(data_dir: &Path, opts: OpenOptions) -> Result<App> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| Error::Storage(format!("create {}: {e}", data_dir.display())))?;
        let lock = crate::io::lock::DataLock::acquire(data_dir)?;
        let store = Arc::new(Store::open_migrating(
            &crate::paths::db(data_dir),
            |s, from, to| crate::io::backups::before_migration(s, data_dir, from, to),
        )?);
        install_handlers(&store);
        let now = opts.clock.now();
        store.write(None, now, |tx| {
            company_types::seed(tx)?;
            crate::crm::reflists::seed_all(tx)?;
            crate::crm::money::seed(tx)?;
            crate::crm::pipelines::seed(tx)?;
            auth::purge_sessions(tx)?;
            Ok(())
        })?;
        let (index, rebuilt) = SearchIndex::open(&crate::paths::index(data_dir))
            .map_err(|e| Error::Search(e.to_string()))?;
        let index = Arc::new(index);
        if rebuilt || indexer::needs_rebuild(&store, &index)? {
            tracing::info!("rebuilding the search index from the store");
            let n = indexer::reindex(&store, &index, &crate::crm::search_docs::DOCUMENTS)?;
            tracing::info!("search index rebuilt: {n} documents");
        } else {
            let n = indexer::catch_up(&store, &index, &crate::crm::search_docs::DOCUMENTS)?;
            if n > 0 {
                tracing::info!("search index caught up: {n} changes");
            }
        }
        Ok(App {
            data_dir: data_dir.to_path_buf(),
            store,
            index,
            clock: opts.clock,
            throttle: Throttle::new(),
            setup_token: opts.setup_token.unwrap_or_else(auth::random_secret),
            secure_cookies: false,
            events: tokio::sync::broadcast::channel(256).0,
            backups: crate::io::backups::Backups::new(data_dir),
            caches: Default::default(),
            _lock: lock,
        })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Runs a write use-case on a blocking thread (commits fsync) and returns its result.
    pub async fn write<T: Send + 'static>(
        self: &Arc<Self>,
        actor: Option<u64>,
        f: impl FnOnce(&mut Tx) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let app = self.clone();
        let now = self.now();
        let (out, signals) =
            tokio::task::spawn_blocking(move || app.store.write_signalled(actor, now, f))
                .await
                .map_err(|e| Error::Internal(format!("write task: {e}")))??;
        self.publish_signals(signals);
        Ok(out)
    }

    /// One pass of the work scheduler: reminders and overdue tasks (one transaction, only when
    /// something is due), then the mail queue.
    pub async fn work_tick(self: &Arc<Self>) -> Result<()> {
        let now = self.now();
        if self
            .store
            .read(|rx| crate::work::scheduler::anything_due(rx, now))?
        {
            self.write(None, crate::work::scheduler::fire_due).await?;
        }
        let (settings, due) = self.store.read(|rx| {
            Ok((
                crate::work::mail::stored(rx)?,
                crate::work::mail::due(rx, now, 20)?,
            ))
        })?;
        for m in due {
            let result = crate::work::mail::send(&settings, &m.to, &m.subject, &m.body).await;
            let id = m.id;
            self.write(None, move |tx| crate::work::mail::mark(tx, id, result))
                .await?;
        }
        Ok(())
    }

    /// The work scheduler: a tick at start (what fell due while the server was down fires
    /// then, once), then one a second until `stop`. Time comes from the app's clock, so tests
    /// move the clock instead of sleeping.
    pub async fn run_work(self: Arc<Self>, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            if let Err(e) = self.work_tick().await {
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
}

/// The duplicate check of leads asks the search index for candidates.
impl crate::crm::leads::Lookup for SearchIndex {
    fn lookup(
        &self,
        q: &str,
        kinds: &[crate::search::DocKind],
        limit: usize,
    ) -> Result<Vec<crate::search::Hit>> {
        self.search(q, Some(kinds), limit)
            .map_err(|e| Error::Search(e.to_string()))
    }
}
