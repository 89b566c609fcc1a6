//! The custodian's state: its identity, the at-rest key, the database connection and the
//! installed programs, each of the last two behind its own mutex (always locked in that
//! order: programs, then connection). Operations that touch the database run on a blocking
//! thread (SQLite commits with `synchronous=FULL` wait for the disk); applying openings only
//! touches memory and runs inline. A panic fails one request, not the process.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;
use service_kit::ServiceError;
use service_kit::at_rest::AtRestKey;

use super::Config;
use super::commit;
use super::fault::Fault;
use super::identity::Identity;
use super::program::{self, Installed};
use super::store;

/// The state shared by the custodian's handlers (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("identity", &self.shared.identity)
            .finish_non_exhaustive()
    }
}

/// What never changes after start.
pub(crate) struct Shared {
    pub(crate) identity: Identity,
    pub(crate) key: AtRestKey,
    /// The injected fault (conformance and fault tests only).
    pub(crate) fault: Option<Fault>,
    programs: Mutex<BTreeMap<String, Installed>>,
    connection: Mutex<Connection>,
    /// Consumptions waiting for a group commit.
    pub(crate) consumed: commit::Queue,
}

/// What the operations change: both locks held.
pub(crate) struct Inner<'a> {
    pub(crate) programs: MutexGuard<'a, BTreeMap<String, Installed>>,
    pub(crate) connection: MutexGuard<'a, Connection>,
}

// A panic under a lock leaves memory at worst ahead of the database (consumed in memory, not
// yet committed): refusing more is safe, so a poisoned state is reused.
impl Shared {
    /// The installed programs (lock first).
    pub(crate) fn programs(&self) -> MutexGuard<'_, BTreeMap<String, Installed>> {
        self.programs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The database (lock second).
    pub(crate) fn connection(&self) -> MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn inner(&self) -> Inner<'_> {
        let programs = self.programs();
        Inner {
            programs,
            connection: self.connection(),
        }
    }
}

impl AppState {
    /// Opens the custodian: loads the at-rest key (`SVC_KEY_MISSING`, `SVC_KEY_INVALID`),
    /// opens the database, checks the key against it (`SVC_KEY_WRONG`), loads or creates the
    /// identity and rebuilds every installed program. Blocking.
    ///
    /// Enforces QVM-024.
    pub fn open(config: &Config) -> Result<Self, ServiceError> {
        config.check()?;
        let key = AtRestKey::load(config.at_rest_key_file.as_deref())?;
        Self::open_with_key(config, key)
    }

    /// [`AppState::open`] with the key given.
    pub fn open_with_key(config: &Config, key: AtRestKey) -> Result<Self, ServiceError> {
        config.check()?;
        let connection = service_kit::sqlite::open(&config.database, store::SCHEMA)?;
        key.check(&connection)?;
        let identity = Identity::load_or_create(&connection, &key, config.x)?;
        let programs = program::load_all(&connection, &key, config.x)?;
        if let Some(fault) = config.fault {
            eprintln!(
                "WARNING: custodian-{} runs with the TEST-ONLY fault `{}`: it answers WRONG \
                 shares on purpose. Never use this configuration outside conformance or fault \
                 tests.",
                config.x,
                fault.name()
            );
        }
        Ok(Self {
            shared: Arc::new(Shared {
                identity,
                key,
                fault: config.fault,
                programs: Mutex::new(programs),
                connection: Mutex::new(connection),
                consumed: commit::Queue::default(),
            }),
        })
    }

    /// The custodian's x.
    pub fn x(&self) -> u8 {
        self.shared.identity.x()
    }

    /// The custodian's Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        *self.shared.identity.public_key()
    }

    /// Runs `operation` under both locks on a blocking thread.
    pub(crate) async fn run<T, F>(&self, operation: F) -> Result<T, ServiceError>
    where
        T: Send + 'static,
        F: FnOnce(&Shared, &mut Inner<'_>) -> Result<T, ServiceError> + Send + 'static,
    {
        self.run_unlocked(move |shared| operation(shared, &mut shared.inner()))
            .await
    }

    /// Runs `operation` on a blocking thread; it takes the locks it needs.
    pub(crate) async fn run_unlocked<T, F>(&self, operation: F) -> Result<T, ServiceError>
    where
        T: Send + 'static,
        F: FnOnce(&Shared) -> Result<T, ServiceError> + Send + 'static,
    {
        let shared = Arc::clone(&self.shared);
        tokio::task::spawn_blocking(move || operation(&shared))
            .await
            .map_err(|e| {
                ServiceError::new("SVC_INTERNAL", 500, format!("the operation failed: {e}"))
            })?
    }

    /// Runs `operation` on the installed programs only, on the calling thread: for work that
    /// never waits (no database, no I/O).
    pub(crate) fn in_memory<T>(
        &self,
        operation: impl FnOnce(&Shared, &mut BTreeMap<String, Installed>) -> T,
    ) -> T {
        operation(&self.shared, &mut self.shared.programs())
    }
}
