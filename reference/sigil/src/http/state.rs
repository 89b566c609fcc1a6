//! The state the handlers share: the writer thread's queue (group commit), what the store
//! publishes for decisions (signer, key history, model), the rate windows, the fault switch and
//! the module runner.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use service_kit::ServiceError;
use tokio::sync::oneshot;

use super::config::{Config, Fault};
use super::store::{DecisionRow, Store};
use crate::features::RATE_WINDOW_MS;
use crate::keys::{KeyHistory, Signer};
use crate::model::TrustModel;
use crate::module::{Limits, ModuleRunner};

/// The number of tracked `(tenant, actor)` windows above which expired ones are dropped.
const WINDOW_PRUNE_AT: usize = 100_000;

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// What the store publishes to the decision path.
#[derive(Debug)]
struct Published {
    signer: Arc<Signer>,
    keys: Arc<KeyHistory>,
    model: Arc<TrustModel>,
}

/// The current signer, key history and model.
pub(crate) type Snapshot = (Arc<Signer>, Arc<KeyHistory>, Arc<TrustModel>);

/// The store's published state, read by every decision without going through the writer.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    published: RwLock<Option<Published>>,
}

impl Shared {
    pub(crate) fn set(&self, signer: Arc<Signer>, keys: Arc<KeyHistory>, model: Arc<TrustModel>) {
        *self
            .published
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(Published {
            signer,
            keys,
            model,
        });
    }

    /// The current signer, key history and model (set before the service accepts requests).
    pub(crate) fn get(&self) -> Result<Snapshot, ServiceError> {
        let guard = self
            .published
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        guard
            .as_ref()
            .map(|p| (p.signer.clone(), p.keys.clone(), p.model.clone()))
            .ok_or_else(|| ServiceError::new("SVC_INTERNAL", 500, "the store is not open"))
    }
}

type Job = Box<dyn FnOnce(&mut Store) + Send>;

enum Command {
    Decision(DecisionRow, oneshot::Sender<Result<(), ServiceError>>),
    Job(Job),
}

/// The service's shared state; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    queue: Mutex<Sender<Command>>,
    shared: Arc<Shared>,
    windows: Mutex<HashMap<(String, String), VecDeque<u64>>>,
    fault: Option<Fault>,
    unrecorded: AtomicU64,
    runner: Arc<dyn ModuleRunner>,
    limits: Limits,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("fault", &self.fault)
            .field("runner", &self.runner)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Opens the store (on its own thread) and rebuilds the rate windows from the decisions of
    /// the last window.
    ///
    /// Fails with `SVC_CONFIG_INVALID`, `SVC_KEY_*`, `SVC_STORAGE`, or a `SIGIL_*` code when a
    /// stored system record does not verify.
    pub fn open(config: Config, runner: Arc<dyn ModuleRunner>) -> Result<Self, ServiceError> {
        let shared = Arc::new(Shared::default());
        let now = now_ms();
        let store = Store::open(&config, shared.clone(), now)?;
        let recent = store.recent_decisions(now.saturating_sub(RATE_WINDOW_MS))?;
        let mut windows: HashMap<(String, String), VecDeque<u64>> = HashMap::new();
        for (tenant, actor, ts) in recent {
            windows.entry((tenant, actor)).or_default().push_back(ts);
        }
        if let Some(fault) = config.fault {
            eprintln!(
                "quorate serve sigil: WARNING fault = \"{}\" is set: every decision fails on purpose (fault tests only)",
                fault.name()
            );
        }
        let (tx, rx) = mpsc::channel();
        let group = config.group_commit_max;
        std::thread::Builder::new()
            .name("sigil-store".into())
            .spawn(move || writer(store, rx, group))
            .map_err(|e| ServiceError::new("SVC_IO", 500, format!("store thread: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                queue: Mutex::new(tx),
                shared,
                windows: Mutex::new(windows),
                fault: config.fault,
                unrecorded: AtomicU64::new(0),
                runner,
                limits: Limits {
                    gas: crate::module::DEFAULT_GAS_LIMIT,
                    memory_bytes: config.module_memory_bytes,
                    wall_ms: config.module_wall_ms,
                },
            }),
        })
    }

    fn send(&self, command: Command) -> Result<(), ServiceError> {
        self.inner
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(command)
            .map_err(|_| ServiceError::storage("the store thread has stopped"))
    }

    /// Runs `job` on the store's thread and waits for its answer.
    pub(crate) async fn db<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Store) -> Result<T, ServiceError> + Send + 'static,
    ) -> Result<T, ServiceError> {
        let (tx, rx) = oneshot::channel();
        self.send(Command::Job(Box::new(move |store| {
            let _ = tx.send(job(store));
        })))?;
        rx.await
            .map_err(|_| ServiceError::storage("the store thread dropped a request"))?
    }

    /// Stores one decision; resolves after the commit of its group.
    pub(crate) async fn store_decision(&self, row: DecisionRow) -> Result<(), ServiceError> {
        let (tx, rx) = oneshot::channel();
        self.send(Command::Decision(row, tx))?;
        rx.await
            .map_err(|_| ServiceError::storage("the store thread dropped a decision"))?
    }

    /// The window count of `(tenant, actor)` at `ts`, counting this decision afterwards.
    ///
    /// Enforces SIGIL-005.
    pub(crate) fn window_count(&self, tenant: &str, actor: &str, ts: u64) -> u64 {
        let mut windows = self
            .inner
            .windows
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let window = windows
            .entry((tenant.to_owned(), actor.to_owned()))
            .or_default();
        while window.front().is_some_and(|&t| t + RATE_WINDOW_MS <= ts) {
            window.pop_front();
        }
        let count = window.len() as u64;
        window.push_back(ts);
        // Forget actors whose window has emptied, so the map stays the size of the active set.
        if windows.len() > WINDOW_PRUNE_AT && windows.len().is_multiple_of(1024) {
            windows.retain(|_, w| w.back().is_some_and(|&t| t + RATE_WINDOW_MS > ts));
        }
        count
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.inner.shared
    }

    pub(crate) fn fault(&self) -> Option<Fault> {
        self.inner.fault
    }

    /// Counts a denial that could not be recorded in the store (SIGIL-011).
    pub(crate) fn count_unrecorded(&self) {
        self.inner.unrecorded.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn unrecorded(&self) -> u64 {
        self.inner.unrecorded.load(Ordering::Relaxed)
    }

    pub(crate) fn runner(&self) -> Arc<dyn ModuleRunner> {
        self.inner.runner.clone()
    }

    pub(crate) fn limits(&self) -> Limits {
        self.inner.limits
    }
}

/// The store's thread: decisions are committed in groups (every decision waiting in the queue,
/// up to `group`, in one transaction, each answered after the commit); every other job runs
/// alone, in order.
fn writer(mut store: Store, rx: Receiver<Command>, group: usize) {
    let mut next = None;
    loop {
        let command = match next.take() {
            Some(command) => command,
            None => match rx.recv() {
                Ok(command) => command,
                Err(_) => return,
            },
        };
        match command {
            Command::Job(job) => job(&mut store),
            Command::Decision(row, reply) => {
                let mut rows = vec![row];
                let mut replies = vec![reply];
                while rows.len() < group {
                    match rx.try_recv() {
                        Ok(Command::Decision(row, reply)) => {
                            rows.push(row);
                            replies.push(reply);
                        }
                        Ok(job) => {
                            next = Some(job);
                            break;
                        }
                        Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                    }
                }
                let outcome = store.insert_decisions(&rows);
                for reply in replies {
                    let _ = reply.send(outcome.clone());
                }
            }
        }
    }
}
