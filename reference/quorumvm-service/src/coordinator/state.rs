//! The state the coordinator's handlers share: the configuration, the database, the client
//! for custodians and the loaded packages.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use quorumvm::package::Package;
use service_kit::ServiceError;
use shamir::Threshold;

use super::activation::Forwarded;
use super::cache::Cached;
use super::client::Client;
use super::config::Config;
use super::lanes::Lanes;
use super::ledger;
use super::registry::Custodian;
use super::store::Store;

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
    /// The evaluation messages to custodians, batched (QVM-049).
    lanes: Arc<Lanes>,
    /// The packages of the programs known to be active, by program id: a package never changes
    /// once stored, and an active program never becomes registered again (QVM-026).
    packages: Mutex<HashMap<String, Arc<Package>>>,
    /// The registered custodians, until the next registration.
    custodians: Cached<Vec<Custodian>>,
    /// Programs no custodian needs the activation of (a cache of the `activations` table).
    forwarded: Forwarded,
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
        let timeout = config.call_timeout()?;
        let client = Client::new(timeout)?;
        let lanes = Arc::new(Lanes::new(client.clone(), timeout));
        let store = Store::open(&config.database, threshold)?;
        store.run_now(|db| ledger::charge_pending(db, now_ms()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                threshold,
                store,
                client,
                lanes,
                packages: Mutex::new(HashMap::new()),
                custodians: Cached::default(),
                forwarded: Forwarded::default(),
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

    /// The lanes evaluation messages go through (QVM-049).
    pub(crate) fn lanes(&self) -> &Arc<Lanes> {
        &self.inner.lanes
    }

    /// The registered custodians, cached until [`AppState::registry_changed`].
    pub(crate) fn custodians(&self) -> &Cached<Vec<Custodian>> {
        &self.inner.custodians
    }

    /// Forgets what was cached about the registered custodians.
    pub(crate) fn registry_changed(&self) {
        self.inner.custodians.invalidate();
        self.inner.forwarded.invalidate();
    }

    /// The package of a program known to be active, if any.
    pub(crate) fn cached_package(&self, program_id: &str) -> Option<Arc<Package>> {
        self.inner
            .packages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(program_id)
            .map(Arc::clone)
    }

    /// Loads the stored package `json` of an active program once (QVM-004: everything derived
    /// recomputed) and keeps it.
    pub(crate) fn cache_package(
        &self,
        program_id: &str,
        json: &serde_json::Value,
    ) -> Result<Arc<Package>, ServiceError> {
        let package = Package::from_json(json)
            .map_err(|e| ServiceError::storage(format!("stored package: {e}")))?;
        let package = Arc::new(package);
        self.inner
            .packages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(program_id.to_owned(), Arc::clone(&package));
        Ok(package)
    }

    /// The programs whose activation every registered custodian acknowledged (QVM-026).
    pub(crate) fn forwarded(&self) -> &Forwarded {
        &self.inner.forwarded
    }
}

/// The time now, in milliseconds since the Unix epoch (the policy clock, QVM-061).
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
