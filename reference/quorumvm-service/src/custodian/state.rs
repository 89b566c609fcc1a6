//! The custodian's state: its identity, the at-rest key, the database connection and the
//! installed programs, behind one mutex. Every operation runs on a blocking thread (SQLite
//! commits with `synchronous=FULL` wait for the disk), so a panic there fails one request, not
//! the process.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;

use super::Config;
use super::identity::Identity;
use super::program::{self, Installed};
use super::store;
use crate::ServiceError;
use crate::at_rest::AtRestKey;

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
    inner: Mutex<Inner>,
}

/// What the operations change.
pub(crate) struct Inner {
    pub(crate) connection: Connection,
    pub(crate) programs: BTreeMap<String, Installed>,
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
        let connection = crate::sqlite::open(&config.database, store::SCHEMA)?;
        key.check(&connection)?;
        let identity = Identity::load_or_create(&connection, &key, config.x)?;
        let programs = program::load_all(&connection, &key, config.x)?;
        Ok(Self {
            shared: Arc::new(Shared {
                identity,
                key,
                inner: Mutex::new(Inner {
                    connection,
                    programs,
                }),
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

    /// Runs `operation` under the lock on a blocking thread.
    pub(crate) async fn run<T, F>(&self, operation: F) -> Result<T, ServiceError>
    where
        T: Send + 'static,
        F: FnOnce(&Shared, &mut Inner) -> Result<T, ServiceError> + Send + 'static,
    {
        let shared = Arc::clone(&self.shared);
        tokio::task::spawn_blocking(move || {
            // A panic under the lock leaves memory at worst ahead of the database (consumed
            // in memory, not yet committed): refusing more is safe, so the state is reused.
            let mut inner = shared.inner.lock().unwrap_or_else(PoisonError::into_inner);
            operation(&shared, &mut inner)
        })
        .await
        .map_err(|e| ServiceError::new("SVC_INTERNAL", 500, format!("the operation failed: {e}")))?
    }
}
