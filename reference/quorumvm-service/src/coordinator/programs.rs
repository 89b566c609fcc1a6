//! The programs the coordinator evaluates: their packages, status, triple pools and slots.

use quorumvm::package::Package;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};
use service_kit::ServiceError;

use super::codes;
use super::registry::Registered;
use super::store::{Db, to_i64, to_u64};

/// The bound on a program's slots: 2^53, as every JSON integer of a manifest (QVM-003).
pub(crate) const MAX_SLOTS: u64 = 1 << 53;

/// The status of a program (QVM-026).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Registered, with fewer than K approvals.
    Registered,
    /// K or more distinct custodians approved it: it may be evaluated.
    Active,
}

impl Status {
    /// `registered` or `active`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Active => "active",
        }
    }

    fn parse(text: &str) -> Result<Self, ServiceError> {
        match text {
            "registered" => Ok(Self::Registered),
            "active" => Ok(Self::Active),
            other => Err(ServiceError::storage(format!(
                "unknown program status {other:?}"
            ))),
        }
    }
}

/// A registered program as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Record {
    /// Its program id (QVM-002).
    pub(crate) program_id: String,
    /// Its package, in the JSON form of QVM-004.
    pub(crate) package: Value,
    /// Its status.
    pub(crate) status: Status,
    /// The evaluation slots dealt at install: slots `0..slots`.
    pub(crate) slots: u64,
    /// The next slot an evaluation takes.
    pub(crate) next_slot: u64,
}

/// A registered program without its package: what an admission reads (QVM-027).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Head {
    /// Its status.
    pub(crate) status: Status,
    /// The evaluation slots dealt at install: slots `0..slots`.
    pub(crate) slots: u64,
    /// The next slot an evaluation takes.
    pub(crate) next_slot: u64,
}

/// Registers a package whose custodians were dealt `slots` evaluation slots (`0..slots`).
///
/// Enforces QVM-025: the package is loaded with everything derived recomputed (QVM-004; a
/// package or policy that does not load is `422`); a program that consumes triples (QVM-006)
/// needs at least one slot (`SVC_SLOTS_INVALID`); the same program again with the same pool is
/// idempotent, with another pool it is `SVC_PROGRAM_CONFLICT`.
pub(crate) fn register(
    db: &mut Db,
    package: &Value,
    slots: u64,
    now_ms: u64,
) -> Result<(Record, Registered, Vec<String>), ServiceError> {
    let package = Package::from_json(package).map_err(codes::unprocessable)?;
    if slots >= MAX_SLOTS {
        return Err(codes::slots_invalid(format!(
            "slots must be below 2^53, not {slots}"
        )));
    }
    if package.program().triples_per_evaluation() > 0 && slots == 0 {
        return Err(codes::slots_invalid(
            "the program consumes triples: at least one evaluation slot must be dealt",
        ));
    }
    let slots_sql = to_i64(slots)?;
    let warnings = package.warnings();
    let record = Record {
        program_id: package.program_id().to_owned(),
        package: package.to_json(),
        status: Status::Registered,
        slots,
        next_slot: 0,
    };
    db.transaction(|tx, audit| match load(tx, &record.program_id)? {
        Some(existing) if existing.slots != slots => Err(codes::program_conflict(format!(
            "program {} is registered with {} slots, not {slots}",
            existing.program_id, existing.slots
        ))),
        Some(existing) => Ok((existing, Registered::Existing)),
        None => {
            let text = serde_json::to_string(&record.package)
                .map_err(|e| ServiceError::storage(format!("package: {e}")))?;
            tx.prepare_cached(
                "INSERT INTO programs (program_id, package, status, slots, next_slot)
                 VALUES (?1, ?2, 'registered', ?3, 0)",
            )?
            .execute(params![record.program_id, text, slots_sql])?;
            audit.append(
                tx,
                &json!({
                    "event": "program_registered",
                    "program_id": record.program_id,
                    "version": package.version(),
                    "slots": slots,
                    "warnings": warnings,
                    "t_ms": now_ms,
                }),
            )?;
            Ok((record.clone(), Registered::Created))
        }
    })
    .map(|(record, registered)| (record, registered, warnings))
}

/// The program registered under `program_id`.
pub(crate) fn load(conn: &Connection, program_id: &str) -> Result<Option<Record>, ServiceError> {
    let row = conn
        .prepare_cached(
            "SELECT package, status, slots, next_slot FROM programs WHERE program_id = ?1",
        )?
        .query_row(params![program_id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })
        .optional()?;
    let Some((package, status, slots, next_slot)) = row else {
        return Ok(None);
    };
    Ok(Some(Record {
        program_id: program_id.to_owned(),
        package: serde_json::from_str(&package)
            .map_err(|e| ServiceError::storage(format!("stored package: {e}")))?,
        status: Status::parse(&status)?,
        slots: to_u64(slots)?,
        next_slot: to_u64(next_slot)?,
    }))
}

/// The status and slots of the program registered under `program_id`, or
/// `404 SVC_PROGRAM_UNKNOWN`; the package is not read.
pub(crate) fn require_head(conn: &Connection, program_id: &str) -> Result<Head, ServiceError> {
    let row = conn
        .prepare_cached("SELECT status, slots, next_slot FROM programs WHERE program_id = ?1")?
        .query_row(params![program_id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })
        .optional()?;
    let (status, slots, next_slot) = row.ok_or_else(|| codes::program_unknown(program_id))?;
    Ok(Head {
        status: Status::parse(&status)?,
        slots: to_u64(slots)?,
        next_slot: to_u64(next_slot)?,
    })
}

/// The stored package of a program, in the JSON form of QVM-004, or `404 SVC_PROGRAM_UNKNOWN`.
pub(crate) fn package_json(conn: &Connection, program_id: &str) -> Result<Value, ServiceError> {
    let text: String = conn
        .prepare_cached("SELECT package FROM programs WHERE program_id = ?1")?
        .query_row(params![program_id], |row| row.get(0))
        .optional()?
        .ok_or_else(|| codes::program_unknown(program_id))?;
    serde_json::from_str(&text).map_err(|e| ServiceError::storage(format!("stored package: {e}")))
}

/// The program registered under `program_id`, or `404 SVC_PROGRAM_UNKNOWN`.
pub(crate) fn require(conn: &Connection, program_id: &str) -> Result<Record, ServiceError> {
    load(conn, program_id)?.ok_or_else(|| codes::program_unknown(program_id))
}

/// Marks a program active.
pub(crate) fn activate(conn: &Connection, program_id: &str) -> Result<(), ServiceError> {
    conn.prepare_cached("UPDATE programs SET status = 'active' WHERE program_id = ?1")?
        .execute(params![program_id])?;
    Ok(())
}

/// Takes the next evaluation slot of a program, or `None` when its pool is used up.
///
/// Enforces QVM-027: the slot counter only moves forward, in the transaction that admits the
/// evaluation, so a slot is never given twice, even across a crash.
pub(crate) fn take_slot(
    conn: &Connection,
    program_id: &str,
    head: &Head,
) -> Result<Option<u64>, ServiceError> {
    if head.next_slot >= head.slots {
        return Ok(None);
    }
    conn.prepare_cached("UPDATE programs SET next_slot = next_slot + 1 WHERE program_id = ?1")?
        .execute(params![program_id])?;
    Ok(Some(head.next_slot))
}
