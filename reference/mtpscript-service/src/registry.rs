//! Registered snapshots: verified once at registration (MTP-081), kept verified in memory, and
//! stored in SQLite when a database is configured so they survive a restart (re-verified at
//! start-up under the configured key).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use mtpscript::{Snapshot, VerifiedSnapshot};
use rusqlite::Connection;

use crate::ServiceError;

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS snapshots (
    id TEXT PRIMARY KEY,
    bytes BLOB NOT NULL
) STRICT;";

/// One registered snapshot.
#[derive(Debug, Clone)]
pub struct Entry {
    /// SHA-256 of the `.msqs` bytes, 64 hex digits.
    pub id: String,
    /// The verified program.
    pub snapshot: Arc<VerifiedSnapshot>,
}

/// The snapshots this service runs by id.
#[derive(Debug)]
pub struct Registry {
    public_key: Vec<u8>,
    snapshots: RwLock<HashMap<String, Arc<VerifiedSnapshot>>>,
    database: Option<Mutex<Connection>>,
}

/// The id of a snapshot: the SHA-256 of its bytes.
pub fn snapshot_id(bytes: &[u8]) -> String {
    canon::hex::encode(&canon::id::sha256(bytes))
}

/// The HTTP status of a refused snapshot (spec/errors.md §MTPScript).
pub(crate) fn refusal(error: &mtpscript::Error) -> ServiceError {
    let status = match error.code() {
        "MTP_SNAPSHOT_SIGNATURE_INVALID" => 403,
        "MTP_SNAPSHOT_ENGINE_MISMATCH" | "MTP_SNAPSHOT_COST_TABLE_MISMATCH" => 422,
        "MTP_ENGINE_FAILURE" => 500,
        _ => 400,
    };
    ServiceError::new(error.code(), status, error.to_string())
}

impl Registry {
    /// Opens the registry; with a database, loads and re-verifies every stored snapshot (one
    /// that no longer verifies under `public_key` is skipped with a warning on stderr).
    pub fn open(database: Option<&Path>, public_key: &[u8]) -> Result<Self, ServiceError> {
        let mut snapshots = HashMap::new();
        let database = match database {
            None => None,
            Some(path) => {
                let connection = service_kit::sqlite::open(path, SCHEMA)?;
                {
                    let mut statement = connection.prepare("SELECT id, bytes FROM snapshots")?;
                    let rows = statement.query_map([], |row| {
                        Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
                    })?;
                    for row in rows {
                        let (id, bytes) = row?;
                        match Snapshot::verify(&bytes, public_key) {
                            Ok(snapshot) => {
                                snapshots.insert(id, Arc::new(snapshot));
                            }
                            Err(e) => eprintln!(
                                "mtpscript-service: stored snapshot {id} skipped: {}: {e}",
                                e.code()
                            ),
                        }
                    }
                }
                Some(Mutex::new(connection))
            }
        };
        Ok(Self {
            public_key: public_key.to_vec(),
            snapshots: RwLock::new(snapshots),
            database,
        })
    }

    /// Verifies a snapshot under the configured key without registering it (an upload).
    /// Enforces MTP-081.
    pub fn verify(&self, bytes: &[u8]) -> Result<VerifiedSnapshot, ServiceError> {
        Snapshot::verify(bytes, &self.public_key).map_err(|e| refusal(&e))
    }

    /// Verifies and registers a snapshot; `Ok((entry, true))` when it was new. Blocking (the
    /// database write is committed before it returns).
    pub fn register(&self, bytes: &[u8]) -> Result<(Entry, bool), ServiceError> {
        let snapshot = Arc::new(self.verify(bytes)?);
        let id = snapshot_id(bytes);
        if let Some(existing) = self.get(&id) {
            return Ok((
                Entry {
                    id,
                    snapshot: existing,
                },
                false,
            ));
        }
        if let Some(database) = &self.database {
            let connection = database
                .lock()
                .map_err(|_| ServiceError::storage("the database lock is poisoned"))?;
            connection.execute(
                "INSERT OR IGNORE INTO snapshots (id, bytes) VALUES (?1, ?2)",
                rusqlite::params![id, bytes],
            )?;
        }
        let mut snapshots = self
            .snapshots
            .write()
            .map_err(|_| ServiceError::storage("the registry lock is poisoned"))?;
        snapshots.insert(id.clone(), Arc::clone(&snapshot));
        Ok((Entry { id, snapshot }, true))
    }

    /// The registered snapshot `id`.
    pub fn get(&self, id: &str) -> Option<Arc<VerifiedSnapshot>> {
        self.snapshots.read().ok()?.get(id).cloned()
    }

    /// How many snapshots are registered.
    pub fn len(&self) -> usize {
        self.snapshots.read().map(|s| s.len()).unwrap_or(0)
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
