//! The SQLite store (WAL, `synchronous=FULL`), owned by one writer thread: keys, decisions,
//! records, proposals, attestations, the outbox and the projection. Every method runs on that
//! thread, so the chain heads, the registry and the key history it keeps in memory are always
//! those of the committed database.

mod canon_space;
mod cdc;

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};
use service_kit::ServiceError;
use service_kit::at_rest::AtRestKey;

use super::config::{Config, Fault};
use super::state::Shared;
use crate::keys::{KeyHistory, KeyInfo, Signer};
use crate::record::{self, Body, Record, Space, verify_stored};
use crate::registry::{GENESIS, KEY_ROTATED, Registry};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS keys (
    seq INTEGER PRIMARY KEY,
    pub_key TEXT NOT NULL UNIQUE,
    sealed_seed BLOB NOT NULL,
    created_ts INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    decision_id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    actor TEXT NOT NULL,
    ts INTEGER NOT NULL,
    allowed INTEGER NOT NULL,
    frozen BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_ts ON decisions(ts);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    space TEXT NOT NULL,
    hash TEXT NOT NULL,
    record BLOB NOT NULL,
    sealed_payload BLOB
);
CREATE INDEX IF NOT EXISTS records_chain ON records(tenant, space, seq);
CREATE TABLE IF NOT EXISTS proposals (
    proposal_id TEXT PRIMARY KEY,
    body BLOB NOT NULL,
    status TEXT NOT NULL,
    record_id TEXT,
    created_ts INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS attestations (
    proposal_id TEXT NOT NULL REFERENCES proposals(proposal_id),
    pub_key TEXT NOT NULL,
    sig TEXT NOT NULL,
    PRIMARY KEY (proposal_id, pub_key)
);
CREATE TABLE IF NOT EXISTS outbox (
    pos INTEGER PRIMARY KEY,
    envelope BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS projection (
    pos INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    tenant TEXT NOT NULL,
    space TEXT NOT NULL,
    kind TEXT NOT NULL,
    ts INTEGER NOT NULL,
    hash TEXT NOT NULL,
    prev TEXT,
    links TEXT NOT NULL
);
";

/// The at-rest table name of signing seeds (SIGIL-050).
const KEYS_TABLE: &str = "keys";

/// One decision to store (SIGIL-010).
#[derive(Debug)]
pub(crate) struct DecisionRow {
    pub(crate) decision_id: String,
    pub(crate) tenant: String,
    pub(crate) actor: String,
    pub(crate) ts: u64,
    pub(crate) allowed: bool,
    pub(crate) frozen: Vec<u8>,
}

/// The store and what it keeps in memory of the committed state.
#[derive(Debug)]
pub(crate) struct Store {
    conn: Connection,
    at_rest: AtRestKey,
    fault: Option<Fault>,
    keys: KeyHistory,
    signer: Signer,
    registry: Registry,
    /// The head hash of each `(tenant, space)` chain (SIGIL-023).
    heads: HashMap<(String, Space), String>,
    shared: Arc<Shared>,
}

/// A fresh id: `prefix` and 32 hex digits from the OS generator.
pub(crate) fn random_id(prefix: &str) -> Result<String, ServiceError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::new("SVC_ENTROPY", 500, format!("no OS randomness: {e}")))?;
    Ok(format!("{prefix}{}", canon::hex::encode(&bytes)))
}

fn new_signer() -> Result<Signer, ServiceError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| ServiceError::new("SVC_ENTROPY", 500, format!("no OS randomness: {e}")))?;
    Ok(Signer::from_seed(&seed)?)
}

fn space_of(name: &str) -> Result<Space, ServiceError> {
    Space::parse(name).ok_or_else(|| ServiceError::storage(format!("unknown space {name}")))
}

impl Store {
    /// Opens the database: checks the KEK, loads (or creates) the signing key, verifies the
    /// system chain while folding the registry, writes the genesis record at the first start,
    /// rotates an old key when configured, and catches the projection up with the outbox.
    pub(crate) fn open(
        config: &Config,
        shared: Arc<Shared>,
        now: u64,
    ) -> Result<Self, ServiceError> {
        let conn = service_kit::sqlite::open(&config.database, SCHEMA)?;
        let at_rest = AtRestKey::load(config.at_rest_key_file.as_deref())?;
        at_rest.check(&conn)?;
        let (keys, signer) = load_keys(&conn, &at_rest, now)?;
        let genesis = Registry::from_genesis(&Registry::genesis_payload(
            config.k,
            &config.witness_set()?,
            &config.model()?,
        ))?;
        let mut store = Self {
            conn,
            at_rest,
            fault: config.fault,
            keys,
            signer,
            registry: genesis,
            heads: HashMap::new(),
            shared,
        };
        let has_genesis = store.load_chains()?;
        if !has_genesis {
            store.write_genesis(now)?;
        }
        if let (Some(limit), Some(current)) = (config.rotate_after_ms, store.keys.current())
            && now.saturating_sub(current.created_ts) > limit
        {
            store.rotate(now)?;
        }
        store.consume()?;
        store.publish();
        Ok(store)
    }

    /// Publishes the signer, the key history and the model to the request handlers.
    fn publish(&self) {
        self.shared.set(
            Arc::new(self.signer.clone()),
            Arc::new(self.keys.clone()),
            Arc::new(self.registry.model.clone()),
        );
    }

    /// Reads every record in commit order: user heads, and the system chain verified record by
    /// record against the registry in force before it (SIGIL-022, SIGIL-041). Returns whether a
    /// genesis record exists.
    fn load_chains(&mut self) -> Result<bool, ServiceError> {
        let mut statement = self
            .conn
            .prepare("SELECT tenant, space, hash, record FROM records ORDER BY seq")?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Vec<u8>>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        drop(statement);
        let mut has_genesis = false;
        for (tenant, space, hash, bytes) in rows {
            let space = space_of(&space)?;
            if space == Space::System {
                let record = verify_stored(&bytes, None, &self.keys, Some(self.registry.quorum()))?;
                if record.body.kind == GENESIS {
                    self.registry = Registry::from_genesis(&record.body.payload)?;
                    has_genesis = true;
                } else {
                    self.registry.apply(&record.body)?;
                }
            }
            self.heads.insert((tenant, space), hash);
        }
        Ok(has_genesis)
    }

    fn write_genesis(&mut self, now: u64) -> Result<(), ServiceError> {
        let payload = Registry::genesis_payload(
            self.registry.k,
            &self.registry.witnesses,
            &self.registry.model,
        );
        let body = self.system_body(GENESIS, payload, vec![], now)?;
        let record = record::sign(body, &self.signer, vec![])?;
        let tx = self.conn.transaction()?;
        insert_record(&tx, &record, None)?;
        tx.commit()?;
        self.advance(&record);
        Ok(())
    }

    /// A system-space body at the head of the system chain.
    fn system_body(
        &self,
        kind: &str,
        payload: canon::json::Value,
        links: Vec<String>,
        now: u64,
    ) -> Result<Body, ServiceError> {
        Ok(Body {
            kind: kind.to_owned(),
            id: random_id("sys_")?,
            tenant: record::SYSTEM_TENANT.to_owned(),
            ts: now,
            space: Space::System,
            payload,
            links,
            prev: self.head(record::SYSTEM_TENANT, Space::System),
        })
    }

    fn head(&self, tenant: &str, space: Space) -> Option<String> {
        self.heads.get(&(tenant.to_owned(), space)).cloned()
    }

    /// Moves the chain head after a committed record.
    fn advance(&mut self, record: &Record) {
        self.heads.insert(
            (record.body.tenant.clone(), record.body.space),
            record.hash.clone(),
        );
    }

    /// Stores a group of decisions in one transaction (SIGIL-080: group commit); nothing is
    /// acknowledged before the commit returns.
    ///
    /// Enforces SIGIL-011 under the `storage` fault: the whole group fails.
    pub(crate) fn insert_decisions(&mut self, rows: &[DecisionRow]) -> Result<(), ServiceError> {
        if self.fault == Some(Fault::Storage) {
            return Err(ServiceError::new(
                "SIGIL_STORAGE_FAILED",
                403,
                "storage fault injected (fault = \"storage\")",
            ));
        }
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO decisions (decision_id, tenant, actor, ts, allowed, frozen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for row in rows {
                insert.execute(params![
                    row.decision_id,
                    row.tenant,
                    row.actor,
                    row.ts as i64,
                    row.allowed,
                    row.frozen
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// `(tenant, actor, ts)` of the decisions after `since` (the rate windows after a restart).
    pub(crate) fn recent_decisions(
        &self,
        since: u64,
    ) -> Result<Vec<(String, String, u64)>, ServiceError> {
        let mut statement = self
            .conn
            .prepare("SELECT tenant, actor, ts FROM decisions WHERE ts > ?1 ORDER BY ts")?;
        let rows = statement
            .query_map([since as i64], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get::<_, i64>(2)? as u64))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The stored chain of a decision, verified.
    ///
    /// Enforces SIGIL-015 (and SIGIL-014 on every read).
    pub(crate) fn audit(&self, decision_id: &str) -> Result<canon::json::Value, ServiceError> {
        let frozen: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT frozen FROM decisions WHERE decision_id = ?1")?
            .query_row([decision_id], |row| row.get(0))
            .optional()?;
        let frozen = frozen.ok_or_else(|| not_found("decision", decision_id))?;
        Ok(crate::chain::verify(&frozen, &self.keys)?.to_json())
    }

    /// Creates a new signing key, records the rotation signed by the previous key, and makes the
    /// new key current, in one transaction.
    ///
    /// Enforces SIGIL-052.
    pub(crate) fn rotate(&mut self, now: u64) -> Result<(String, String), ServiceError> {
        let next = new_signer()?;
        let previous = self.signer.pub_key().to_owned();
        let payload = crate::json::obj(vec![
            ("previous", crate::json::string(&previous)),
            ("next", crate::json::string(next.pub_key())),
        ]);
        let body = self.system_body(KEY_ROTATED, payload, vec![], now)?;
        let record = record::sign(body, &self.signer, vec![])?;
        let sealed = self.at_rest.seal(KEYS_TABLE, next.pub_key(), next.seed())?;
        let tx = self.conn.transaction()?;
        insert_record(&tx, &record, None)?;
        tx.execute(
            "INSERT INTO keys (pub_key, sealed_seed, created_ts) VALUES (?1, ?2, ?3)",
            params![next.pub_key(), sealed, now as i64],
        )?;
        tx.commit()?;
        self.advance(&record);
        self.keys.push(KeyInfo {
            pub_key: next.pub_key().to_owned(),
            created_ts: now,
        });
        let next_key = next.pub_key().to_owned();
        self.signer = next;
        self.consume()?;
        self.publish();
        Ok((previous, next_key))
    }

    /// The registry in force.
    pub(crate) fn registry(&self) -> &Registry {
        &self.registry
    }
}

/// Loads the key history and unseals the current key, creating the first key at first start.
///
/// Enforces SIGIL-050.
fn load_keys(
    conn: &Connection,
    at_rest: &AtRestKey,
    now: u64,
) -> Result<(KeyHistory, Signer), ServiceError> {
    let mut statement =
        conn.prepare("SELECT pub_key, sealed_seed, created_ts FROM keys ORDER BY seq")?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Vec<u8>>(1)?,
                row.get::<_, i64>(2)? as u64,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    drop(statement);
    let Some((pub_key, sealed, _)) = rows.last() else {
        let signer = new_signer()?;
        let sealed = at_rest.seal(KEYS_TABLE, signer.pub_key(), signer.seed())?;
        conn.execute(
            "INSERT INTO keys (pub_key, sealed_seed, created_ts) VALUES (?1, ?2, ?3)",
            params![signer.pub_key(), sealed, now as i64],
        )?;
        let history = KeyHistory::from_keys(vec![KeyInfo {
            pub_key: signer.pub_key().to_owned(),
            created_ts: now,
        }]);
        return Ok((history, signer));
    };
    let seed = at_rest.open(KEYS_TABLE, pub_key, sealed)?;
    let signer = Signer::from_seed(&seed)?;
    if signer.pub_key() != pub_key {
        return Err(ServiceError::new(
            "SVC_KEY_WRONG",
            500,
            "a stored seed does not belong to its public key",
        ));
    }
    let history = KeyHistory::from_keys(
        rows.into_iter()
            .map(|(pub_key, _, created_ts)| KeyInfo {
                pub_key,
                created_ts,
            })
            .collect(),
    );
    Ok((history, signer))
}

/// Inserts a record (with its sealed payload for user space) and its outbox envelope.
///
/// Enforces SIGIL-070: the outbox entry is written in the record's transaction.
fn insert_record(
    tx: &rusqlite::Transaction<'_>,
    record: &Record,
    sealed_payload: Option<Vec<u8>>,
) -> Result<(), ServiceError> {
    let mut stored = record.clone();
    if sealed_payload.is_some() {
        stored.body.payload = canon::json::Value::Null;
    }
    let bytes = stored.canonical()?;
    tx.prepare_cached(
        "INSERT INTO records (id, tenant, space, hash, record, sealed_payload)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        record.body.id,
        record.body.tenant,
        record.body.space.name(),
        record.hash,
        bytes.as_bytes(),
        sealed_payload
    ])?;
    let offset: i64 = tx.query_row("SELECT COALESCE(MAX(pos), 0) + 1 FROM outbox", [], |row| {
        row.get(0)
    })?;
    let envelope = crate::cdc::Envelope::of(offset as u64, record);
    let bytes = crate::json::canonical(&envelope.to_json())?;
    tx.prepare_cached("INSERT INTO outbox (pos, envelope) VALUES (?1, ?2)")?
        .execute(params![offset, bytes.as_bytes()])?;
    Ok(())
}

fn not_found(what: &str, id: &str) -> ServiceError {
    ServiceError::new("SIGIL_NOT_FOUND", 404, format!("no {what} {id}"))
}
