//! The state the coordinator's handlers share: the configuration, the database, the client
//! for custodians and the loaded packages.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use quorumvm::package::Package;
use shamir::Threshold;

use super::client::Client;
use super::config::Config;
use super::ledger;
use super::programs::Record;
use super::store::Store;
use crate::ServiceError;

/// The coordinator's shared state; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    threshold: Threshold,
    store: Store,
    client: Client,
    /// Packages loaded from the database, by program id (a package never changes once stored).
    packages: Mutex<HashMap<String, Arc<Package>>>,
}

impl AppState {
    /// Opens the coordinator's database (creating it on first start) and prepares the client
    /// for custodians. Reservations that a previous process left pending are charged now
    /// (QVM-028).
    ///
    /// Fails with `SVC_CONFIG_INVALID` (a bad threshold or timeout, or a database created for
    /// another threshold), `SVC_STORAGE`, or a `QVM_AUDIT_*` code when the stored audit log
    /// does not verify.
    pub fn open(config: Config) -> Result<Self, ServiceError> {
        let threshold = config.threshold()?;
        let client = Client::new(config.call_timeout()?)?;
        let store = Store::open(&config.database, threshold)?;
        store.run_now(|db| ledger::charge_pending(db, now_ms()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                threshold,
                store,
                client,
                packages: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The configuration it was opened with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn threshold(&self) -> Threshold {
        self.inner.threshold
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn client(&self) -> &Client {
        &self.inner.client
    }

    /// The package of a stored program, loaded once (QVM-004: everything derived recomputed).
    pub(crate) fn package(&self, record: &Record) -> Result<Arc<Package>, ServiceError> {
        let mut packages = self
            .inner
            .packages
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(package) = packages.get(&record.program_id) {
            return Ok(Arc::clone(package));
        }
        let package = Package::from_json(&record.package)
            .map_err(|e| ServiceError::storage(format!("stored package: {e}")))?;
        let package = Arc::new(package);
        packages.insert(record.program_id.clone(), Arc::clone(&package));
        Ok(package)
    }
}

/// The time now, in milliseconds since the Unix epoch (the policy clock, QVM-061).
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
