//! The coordinator's SQLite database: its tables, the one connection behind a mutex, and the
//! transactions every acknowledged write goes through (each with its audit entries).
//!
//! The connection is only ever locked inside [`Store::run`], on a blocking thread, so it is
//! never held across an `.await`.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use quorumvm::audit::AuditLog;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde_json::Value;
use service_kit::ServiceError;
use shamir::Threshold;

use crate::core_error;

/// The tables (idempotent). `requests` and `identities`, written by every evaluation, are
/// `WITHOUT ROWID` (one b-tree each) so that a commit writes fewer pages; a database created
/// before keeps its tables, which answer the same statements. Integers that may exceed `i64`
/// (a bucket level) are decimal text.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS custodians (
    x INTEGER PRIMARY KEY CHECK (x BETWEEN 1 AND 255),
    url TEXT NOT NULL,
    public_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS programs (
    program_id TEXT PRIMARY KEY,
    package TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('registered', 'active')),
    slots INTEGER NOT NULL CHECK (slots >= 0),
    next_slot INTEGER NOT NULL CHECK (next_slot >= 0)
);
CREATE TABLE IF NOT EXISTS approvals (
    program_id TEXT NOT NULL REFERENCES programs (program_id),
    x INTEGER NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (program_id, x)
);
CREATE TABLE IF NOT EXISTS activations (
    program_id TEXT NOT NULL REFERENCES programs (program_id),
    x INTEGER NOT NULL,
    PRIMARY KEY (program_id, x)
);
CREATE TABLE IF NOT EXISTS identities (
    program_id TEXT NOT NULL REFERENCES programs (program_id),
    identity_id TEXT NOT NULL,
    level TEXT NOT NULL,
    last_ms INTEGER NOT NULL,
    budget_remaining INTEGER NOT NULL,
    pending INTEGER NOT NULL,
    PRIMARY KEY (program_id, identity_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS requests (
    request_id TEXT PRIMARY KEY,
    program_id TEXT NOT NULL,
    identity_id TEXT NOT NULL,
    slot INTEGER,
    t_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    entry TEXT NOT NULL,
    entry_hash TEXT NOT NULL
);
";

/// The database and the writer of its audit log (the next `seq` and the head hash).
#[derive(Debug)]
pub(crate) struct Db {
    pub(crate) conn: Connection,
    audit: AuditLog,
}

/// The shared handle on the database.
#[derive(Clone)]
pub(crate) struct Store {
    inner: Arc<Mutex<Db>>,
    /// Transactions waiting to be committed together ([`Store::transaction`]).
    queue: Arc<Mutex<Vec<Job>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("db", &self.inner)
            .finish_non_exhaustive()
    }
}

/// One queued transaction: runs in the batch's transaction, says whether it succeeded (else its
/// writes are rolled back) and returns what delivers its result once the batch's outcome is
/// known.
type Job = Box<dyn FnOnce(&Transaction<'_>, &mut Audit<'_>) -> (bool, Finish) + Send>;

/// Delivers a queued transaction's result: `Ok(())` when the batch committed, else the error.
type Finish = Box<dyn FnOnce(Result<(), ServiceError>) + Send>;

impl Store {
    /// Opens the database (WAL, `synchronous=FULL`), creates the tables, checks that it was
    /// created for the same threshold, and resumes the audit log after verifying it (a log that
    /// does not verify is refused at start-up with its `QVM_AUDIT_*` code).
    pub(crate) fn open(path: &Path, threshold: Threshold) -> Result<Self, ServiceError> {
        let mut conn = service_kit::sqlite::open(path, SCHEMA)?;
        check_threshold(&mut conn, threshold)?;
        let entries = audit_entries(&conn, 0, None)?;
        let audit = AuditLog::resume(&entries).map_err(core_error)?;
        Ok(Self {
            inner: Arc::new(Mutex::new(Db { conn, audit })),
            queue: Arc::new(Mutex::new(Vec::new())),
        })
    }

    /// Runs `f` as [`Db::transaction`] does (its writes and audit entries committed whether it
    /// answers a success or a refusal, rolled back on `Err`), and answers only once they are
    /// committed (`synchronous=FULL`). Concurrent transactions are committed together (group
    /// commit): whoever gets the database runs every queued transaction, each in its own
    /// savepoint, in one `BEGIN IMMEDIATE … COMMIT`, so one disk sync serves them all. If that
    /// commit fails, every one of them fails and nothing of any is stored.
    ///
    /// Enforces QVM-028, QVM-029: every acknowledged decision is committed with its audit
    /// entry before the answer.
    pub(crate) async fn transaction<T, F>(&self, f: F) -> Result<T, ServiceError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>, &mut Audit<'_>) -> Result<T, ServiceError> + Send + 'static,
    {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Result<T, ServiceError>>(1);
        let job: Job = Box::new(move |tx, audit| {
            let out = f(tx, audit);
            let ok = out.is_ok();
            let finish: Finish = Box::new(move |committed| {
                let _ = sender.send(committed.and(out));
            });
            (ok, finish)
        });
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(job);
        // Let the tasks that are ready now queue their transactions into the same commit.
        tokio::task::yield_now().await;
        let queue = Arc::clone(&self.queue);
        self.run(move |db| {
            // Our job was queued before we got the database: it is in this batch, or an earlier
            // holder ran it and delivered its result before letting the database go.
            let jobs = std::mem::take(&mut *queue.lock().unwrap_or_else(PoisonError::into_inner));
            db.batch(jobs);
            receiver
                .recv()
                .map_err(|_| ServiceError::storage("a database transaction was lost"))?
        })
        .await
    }

    /// Runs `f` with the database on a blocking thread. A panic inside is a storage error;
    /// whatever transaction it had open is rolled back.
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, ServiceError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Db) -> Result<T, ServiceError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let mut db = inner.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut db)
        })
        .await
        .map_err(|e| ServiceError::storage(format!("a database task failed: {e}")))?
    }

    /// Runs `f` on the current thread (start-up, before serving).
    pub(crate) fn run_now<T>(
        &self,
        f: impl FnOnce(&mut Db) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let mut db = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut db)
    }
}

/// The writer of audit entries inside one transaction.
#[derive(Debug)]
pub(crate) struct Audit<'a> {
    log: &'a mut AuditLog,
}

impl Audit<'_> {
    /// Chains `body` and stores the entry in the transaction.
    ///
    /// Enforces QVM-029: the entry is written by the transaction that makes the decision it
    /// records, so both are committed or neither is.
    pub(crate) fn append(
        &mut self,
        tx: &Transaction<'_>,
        body: &Value,
    ) -> Result<(), ServiceError> {
        let entry = self.log.append(body).map_err(core_error)?;
        let hash = entry
            .get("entry_hash")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let seq = i64::try_from(self.log.next_seq().saturating_sub(1))
            .map_err(|e| ServiceError::storage(format!("audit seq: {e}")))?;
        let text = serde_json::to_string(&entry)
            .map_err(|e| ServiceError::storage(format!("audit entry: {e}")))?;
        tx.prepare_cached("INSERT INTO audit (seq, entry, entry_hash) VALUES (?1, ?2, ?3)")?
            .execute(params![seq, text, hash])?;
        Ok(())
    }
}

impl Db {
    /// Runs `f` in one `BEGIN IMMEDIATE` transaction and commits what it wrote, whether `f`
    /// answers a success or a refusal (`Ok(Err(_))`): a refusal that changed state (a denial
    /// that refilled a bucket, a failed evaluation that spent a token) is still committed. An
    /// `Err` from `f` rolls everything back. The audit head advances only on commit.
    pub(crate) fn transaction<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>, &mut Audit<'_>) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let mut log = self.audit.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx, &mut Audit { log: &mut log })?;
        tx.commit()?;
        self.audit = log;
        Ok(out)
    }

    /// Runs queued transactions in one transaction, each in a savepoint (rolled back alone when
    /// it fails), commits, then delivers every result: success only after the commit. A job
    /// not run (an error stopped the batch) is dropped, and its caller told so.
    fn batch(&mut self, jobs: Vec<Job>) {
        if jobs.is_empty() {
            return;
        }
        let mut log = self.audit.clone();
        let mut finishes = Vec::with_capacity(jobs.len());
        match run_batch(&mut self.conn, &mut log, jobs, &mut finishes) {
            Ok(()) => {
                self.audit = log;
                for finish in finishes {
                    finish(Ok(()));
                }
            }
            Err(error) => {
                for finish in finishes {
                    finish(Err(error.clone()));
                }
            }
        }
    }

    /// The audit log's head hash and entry count as the writer knows them.
    pub(crate) fn audit_head(&self) -> (String, u64) {
        (self.audit.head().to_owned(), self.audit.next_seq())
    }
}

fn run_batch(
    conn: &mut Connection,
    log: &mut AuditLog,
    jobs: Vec<Job>,
    finishes: &mut Vec<Finish>,
) -> Result<(), ServiceError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for job in jobs {
        tx.execute_batch("SAVEPOINT job")?;
        let before = log.clone();
        let (ok, finish) = job(&tx, &mut Audit { log: &mut *log });
        finishes.push(finish);
        if ok {
            tx.execute_batch("RELEASE job")?;
        } else {
            *log = before;
            tx.execute_batch("ROLLBACK TO job; RELEASE job")?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The entries of the audit log from `offset`, at most `limit` of them (all when `None`).
pub(crate) fn audit_entries(
    conn: &Connection,
    offset: u64,
    limit: Option<u64>,
) -> Result<Vec<Value>, ServiceError> {
    let offset = to_i64(offset)?;
    let limit = limit.map_or(Ok(-1), to_i64)?;
    let mut statement =
        conn.prepare_cached("SELECT entry FROM audit ORDER BY seq LIMIT ?1 OFFSET ?2")?;
    let rows = statement.query_map(params![limit, offset], |row| row.get::<_, String>(0))?;
    let mut entries = Vec::new();
    for text in rows {
        let text = text?;
        // An entry that is not JSON stays in the list as a string, so that verification names
        // it (QVM_AUDIT_MALFORMED) instead of the whole log failing to load.
        entries.push(serde_json::from_str(&text).unwrap_or(Value::String(text)));
    }
    Ok(entries)
}

/// The number of audit entries.
pub(crate) fn audit_count(conn: &Connection) -> Result<u64, ServiceError> {
    let n: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM audit")?
        .query_row([], |row| row.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Refuses to open a database created for another threshold: approvals counted and shares
/// dealt for one `(k, n)` mean nothing under another.
fn check_threshold(conn: &mut Connection, threshold: Threshold) -> Result<(), ServiceError> {
    let wanted = format!("{},{}", threshold.k(), threshold.n());
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let stored: Option<String> = tx
        .prepare_cached("SELECT value FROM meta WHERE key = 'threshold'")?
        .query_row([], |row| row.get(0))
        .optional()?;
    match stored {
        Some(stored) if stored != wanted => {
            return Err(ServiceError::new(
                "SVC_CONFIG_INVALID",
                500,
                format!("the database was created for (k, n) = ({stored}), not ({wanted})"),
            ));
        }
        Some(_) => {}
        None => {
            tx.prepare_cached("INSERT INTO meta (key, value) VALUES ('threshold', ?1)")?
                .execute(params![wanted])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// A `u64` as an SQLite integer.
pub(crate) fn to_i64(value: u64) -> Result<i64, ServiceError> {
    i64::try_from(value).map_err(|_| ServiceError::storage(format!("{value} exceeds 2^63 - 1")))
}

/// An SQLite integer as a `u64` (a negative value is a corrupt database).
pub(crate) fn to_u64(value: i64) -> Result<u64, ServiceError> {
    u64::try_from(value).map_err(|_| ServiceError::storage(format!("negative count {value}")))
}
