//! The custodian's SQLite tables and the statements on them. Secret material (the identity
//! seed, S_v shares, triple shares) is stored sealed (QVM-024); everything acknowledged is
//! committed before the answer (QVM-023).

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};
use service_kit::ServiceError;

use super::commit::Consumed;
use crate::core_error;

/// The schema (idempotent). The tables every Begin writes are `WITHOUT ROWID` (one b-tree
/// each, keyed by their primary key), so that a commit writes about half the pages; a database
/// created before keeps its tables, which answer the same statements.
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    x INTEGER NOT NULL,
    public_key TEXT NOT NULL,
    seed BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS programs (
    program_id TEXT PRIMARY KEY,
    package TEXT NOT NULL,
    k INTEGER NOT NULL,
    n INTEGER NOT NULL,
    roster TEXT NOT NULL,
    slots INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS secret_shares (
    program_id TEXT PRIMARY KEY REFERENCES programs (program_id),
    share BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS triple_shares (
    program_id TEXT NOT NULL REFERENCES programs (program_id),
    slot INTEGER NOT NULL,
    shares BLOB NOT NULL,
    PRIMARY KEY (program_id, slot)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS approvals (
    program_id TEXT NOT NULL REFERENCES programs (program_id),
    x INTEGER NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (program_id, x)
);
CREATE TABLE IF NOT EXISTS consumed_requests (
    program_id TEXT NOT NULL REFERENCES programs (program_id),
    request_id TEXT NOT NULL,
    PRIMARY KEY (program_id, request_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS consumed_slots (
    program_id TEXT NOT NULL REFERENCES programs (program_id),
    slot INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    PRIMARY KEY (program_id, slot)
) WITHOUT ROWID;
";

/// The AAD record id of a program's S_v share.
pub(crate) const SECRET_TABLE: &str = "secret_shares";
/// The AAD table of triple shares.
pub(crate) const TRIPLE_TABLE: &str = "triple_shares";

/// The record id of one slot's triple shares.
pub(crate) fn triple_record(program_id: &str, slot: u64) -> String {
    format!("{program_id}/{slot}")
}

/// One installed program as stored.
#[derive(Debug)]
pub(crate) struct ProgramRow {
    pub(crate) program_id: String,
    pub(crate) package: String,
    pub(crate) k: usize,
    pub(crate) n: usize,
    pub(crate) roster: String,
    pub(crate) active: bool,
}

/// A new installation, sealed.
pub(crate) struct NewProgram<'a> {
    pub(crate) row: ProgramRow,
    pub(crate) slots: usize,
    pub(crate) secret: Option<Vec<u8>>,
    pub(crate) triples: &'a [(u64, Vec<u8>)],
}

/// Stores an installation in one transaction.
///
/// Enforces QVM-023, QVM-024.
pub(crate) fn insert_program(
    connection: &mut Connection,
    program: &NewProgram<'_>,
) -> Result<(), ServiceError> {
    let tx = connection.transaction()?;
    let row = &program.row;
    tx.prepare_cached(
        "INSERT INTO programs (program_id, package, k, n, roster, slots, active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)",
    )?
    .execute(params![
        row.program_id,
        row.package,
        sql_int(row.k)?,
        sql_int(row.n)?,
        row.roster,
        sql_int(program.slots)?
    ])?;
    if let Some(share) = &program.secret {
        tx.prepare_cached("INSERT INTO secret_shares (program_id, share) VALUES (?1, ?2)")?
            .execute(params![row.program_id, share])?;
    }
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO triple_shares (program_id, slot, shares) VALUES (?1, ?2, ?3)",
        )?;
        for (slot, shares) in program.triples {
            insert.execute(params![row.program_id, sql_slot(*slot)?, shares])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Every installed program.
pub(crate) fn programs(connection: &Connection) -> Result<Vec<ProgramRow>, ServiceError> {
    let mut select = connection
        .prepare_cached("SELECT program_id, package, k, n, roster, active FROM programs")?;
    let rows = select.query_map([], |row| {
        Ok(ProgramRow {
            program_id: row.get(0)?,
            package: row.get(1)?,
            k: row.get(2)?,
            n: row.get(3)?,
            roster: row.get(4)?,
            active: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A program's sealed S_v share.
pub(crate) fn secret_share(
    connection: &Connection,
    program_id: &str,
) -> Result<Option<Vec<u8>>, ServiceError> {
    Ok(connection
        .prepare_cached("SELECT share FROM secret_shares WHERE program_id = ?1")?
        .query_row([program_id], |row| row.get(0))
        .optional()?)
}

/// A program's unconsumed sealed triple shares, by slot.
pub(crate) fn triple_shares(
    connection: &Connection,
    program_id: &str,
) -> Result<Vec<(u64, Vec<u8>)>, ServiceError> {
    let mut select = connection.prepare_cached(
        "SELECT slot, shares FROM triple_shares WHERE program_id = ?1 ORDER BY slot",
    )?;
    let rows = select.query_map([program_id], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (slot, shares) = row?;
        let slot = u64::try_from(slot)
            .map_err(|_| ServiceError::storage(format!("negative slot {slot}")))?;
        out.push((slot, shares));
    }
    Ok(out)
}

/// Records the approvals and the activation in one transaction.
///
/// Enforces QVM-021, QVM-023.
pub(crate) fn activate(
    connection: &mut Connection,
    program_id: &str,
    approvals: &[(u8, String)],
) -> Result<(), ServiceError> {
    let tx = connection.transaction()?;
    for (x, signature) in approvals {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO approvals (program_id, x, signature) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![program_id, x, signature])?;
    }
    tx.prepare_cached("UPDATE programs SET active = 1 WHERE program_id = ?1")?
        .execute([program_id])?;
    tx.commit()?;
    Ok(())
}

/// Every request id consumed for a program (loaded at start).
pub(crate) fn consumed_requests(
    connection: &Connection,
    program_id: &str,
) -> Result<HashSet<String>, ServiceError> {
    let mut select = connection
        .prepare_cached("SELECT request_id FROM consumed_requests WHERE program_id = ?1")?;
    let rows = select.query_map([program_id], |row| row.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether a slot was consumed for a program.
pub(crate) fn slot_consumed(
    connection: &Connection,
    program_id: &str,
    slot: u64,
) -> Result<bool, ServiceError> {
    let Ok(slot) = i64::try_from(slot) else {
        return Ok(false);
    };
    Ok(connection
        .prepare_cached("SELECT 1 FROM consumed_slots WHERE program_id = ?1 AND slot = ?2")?
        .query_row(params![program_id, slot], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Consumes request ids and, when the program uses triples, their slots: records both and
/// deletes the slots' triple shares, all in one transaction (each consumption in its own
/// savepoint, refused alone), before any answer is sent. Returns each one's outcome: when the
/// commit fails, every one fails.
///
/// Enforces QVM-023, QVM-032, QVM-033 (across restarts).
pub(crate) fn consume_all(
    connection: &mut Connection,
    consumed: &[Consumed],
) -> Vec<Result<(), ServiceError>> {
    let mut outcomes = Vec::with_capacity(consumed.len());
    let committed = (|| -> Result<(), ServiceError> {
        let tx = connection.transaction()?;
        for one in consumed {
            tx.execute_batch("SAVEPOINT consume")?;
            let outcome = consume_in(&tx, one);
            if outcome.is_ok() {
                tx.execute_batch("RELEASE consume")?;
            } else {
                tx.execute_batch("ROLLBACK TO consume; RELEASE consume")?;
            }
            outcomes.push(outcome);
        }
        tx.commit()?;
        Ok(())
    })();
    match committed {
        Ok(()) => outcomes,
        Err(error) => consumed.iter().map(|_| Err(error.clone())).collect(),
    }
}

fn consume_in(tx: &Connection, consumed: &Consumed) -> Result<(), ServiceError> {
    let Consumed {
        program_id,
        request_id,
        slot,
    } = consumed;
    tx.prepare_cached("INSERT INTO consumed_requests (program_id, request_id) VALUES (?1, ?2)")?
        .execute([program_id, request_id])?;
    if let Some(slot) = slot {
        let slot = sql_slot(*slot)?;
        tx.prepare_cached(
            "INSERT INTO consumed_slots (program_id, slot, request_id) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![program_id, slot, request_id])?;
        tx.prepare_cached("DELETE FROM triple_shares WHERE program_id = ?1 AND slot = ?2")?
            .execute(params![program_id, slot])?;
    }
    Ok(())
}

/// A slot as an SQLite integer: slots above 2^63 - 1 are not stored (`QVM_INSTALL_INVALID`).
pub(crate) fn sql_slot(slot: u64) -> Result<i64, ServiceError> {
    i64::try_from(slot).map_err(|_| {
        core_error(quorumvm::Error::InstallInvalid {
            reason: format!("slot {slot} is above 2^63 - 1"),
        })
    })
}

fn sql_int(n: usize) -> Result<i64, ServiceError> {
    i64::try_from(n).map_err(|_| ServiceError::storage(format!("{n} does not fit SQLite")))
}
