//! Approvals of programs by custodians: verification against the registered keys, distinct
//! signers, and activation at K (QVM-025, QVM-026).

use rusqlite::{Connection, params};
use serde_json::json;
use service_kit::ServiceError;

use super::codes;
use super::programs::{self, Status};
use super::registry;
use super::store::Db;
use crate::wire::{self, Approval};

/// What an approval did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// The program's status after it.
    pub(crate) status: Status,
    /// The distinct custodians whose approvals verified.
    pub(crate) approvals: usize,
    /// Whether this approval made the program active.
    pub(crate) activated: bool,
}

/// Verifies an approval signature: Ed25519 (CANON-041, strict) over
/// [`wire::approval_message`] under the custodian's registered key.
///
/// Enforces QVM-025: any failure (a signature that is not 64 bytes of lowercase hex, or does
/// not verify) is `SVC_APPROVAL_INVALID`.
pub(crate) fn verify(
    program_id: &str,
    public_key: &str,
    signature: &str,
) -> Result<(), ServiceError> {
    let invalid =
        || codes::approval_invalid("the signature does not verify under the custodian's key");
    let key = canon::hex::decode(public_key).map_err(|_| invalid())?;
    let signature = canon::hex::decode(signature).map_err(|_| invalid())?;
    canon::ed25519::verify(&key, &wire::approval_message(program_id), &signature)
        .map_err(|_| invalid())
}

/// Records custodian `x`'s approval of a program, activating it at K distinct approvals.
///
/// Enforces QVM-025 and QVM-026: the program must be registered (`SVC_PROGRAM_UNKNOWN`); `x`
/// must be a registered custodian and the signature verify under its key
/// (`SVC_APPROVAL_INVALID`, nothing recorded); a second approval from the same `x` changes
/// nothing; the approval that makes K distinct custodians turns the program `active` in the
/// same transaction, and an active program never goes back.
pub(crate) fn approve(
    db: &mut Db,
    k: usize,
    program_id: &str,
    x: u64,
    signature: &str,
    now_ms: u64,
) -> Result<Outcome, ServiceError> {
    db.transaction(|tx, audit| {
        let program = programs::require(tx, program_id)?;
        let custodian = u8::try_from(x)
            .ok()
            .map(|x| registry::find(tx, x))
            .transpose()?
            .flatten()
            .ok_or_else(|| codes::approval_invalid(format!("custodian {x} is not registered")))?;
        verify(program_id, &custodian.public_key, signature)?;
        let added = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO approvals (program_id, x, signature) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![program_id, custodian.x, signature])?
            == 1;
        let approvals = count(tx, program_id)?;
        if added {
            audit.append(
                tx,
                &json!({
                    "event": "approval",
                    "program_id": program_id,
                    "x": custodian.x,
                    "approvals": approvals,
                    "t_ms": now_ms,
                }),
            )?;
        }
        let activated = program.status == Status::Registered && approvals >= k;
        if activated {
            programs::activate(tx, program_id)?;
            audit.append(
                tx,
                &json!({
                    "event": "activated",
                    "program_id": program_id,
                    "approvals": approvals,
                    "signers": signers(tx, program_id)?,
                    "t_ms": now_ms,
                }),
            )?;
        }
        let status = if activated {
            Status::Active
        } else {
            program.status
        };
        Ok(Outcome {
            status,
            approvals,
            activated,
        })
    })
}

/// The number of distinct custodians whose approvals of the program verified.
pub(crate) fn count(conn: &Connection, program_id: &str) -> Result<usize, ServiceError> {
    let n: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM approvals WHERE program_id = ?1")?
        .query_row(params![program_id], |row| row.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// The stored approvals of a program, by x (what `POST /activate` carries).
pub(crate) fn all(conn: &Connection, program_id: &str) -> Result<Vec<Approval>, ServiceError> {
    let mut statement =
        conn.prepare_cached("SELECT x, signature FROM approvals WHERE program_id = ?1 ORDER BY x")?;
    let rows = statement.query_map(params![program_id], |row| {
        Ok(Approval {
            x: row.get(0)?,
            signature: row.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn signers(conn: &Connection, program_id: &str) -> Result<Vec<u8>, ServiceError> {
    Ok(all(conn, program_id)?.into_iter().map(|a| a.x).collect())
}
