//! The policy state of identities in SQLite: admission (request id, policy decision, triple
//! slot) before any custodian is called, settlement after, each with its audit entry in the
//! same transaction (QVM-027..QVM-029).
//!
//! The engine is [`quorumvm::policy::PolicyEngine`], rebuilt for each transaction from the
//! stored [`Account`] of the one identity concerned and written back before commit.

use quorumvm::package::PolicyManifest;
use quorumvm::policy::{Account, Decision, PolicyEngine};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::{Value, json};
use service_kit::ServiceError;

use super::codes;
use super::programs::{self, Status};
use super::store::{Audit, Db, to_i64, to_u64};
use crate::core_error;

/// Who asks for which evaluation, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Request {
    /// The program.
    pub(crate) program_id: String,
    /// The identity the policy is applied to.
    pub(crate) identity_id: String,
    /// The request id (QVM-033).
    pub(crate) request_id: String,
    /// The time of the request, in milliseconds since the Unix epoch.
    pub(crate) t_ms: u64,
}

/// An admitted evaluation: its reservation is committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Admission {
    /// The evaluation slot whose triples it consumes.
    pub(crate) slot: u64,
}

/// How an admitted evaluation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Settlement {
    /// It produced an output: charged.
    Success {
        /// The lowercase hex SHA-256 of the output's decimal string.
        output_hash: String,
        /// The custodians whose output shares were combined.
        custodians: Vec<u8>,
        /// The rounds run.
        rounds: usize,
    },
    /// It failed with this error code: not charged.
    Failure {
        /// The error code.
        code: &'static str,
    },
}

/// Admits an evaluation, or refuses it; a refusal that changed state is committed too.
///
/// Enforces QVM-027 and QVM-028, checking in this order: the program is active (`SVC_NOT_ACTIVE`); the request id
/// was never admitted (`QVM_REQUEST_REPLAYED`, nothing recorded); the policy decides
/// (QVM-062: `QVM_RATE_LIMITED` with `Retry-After`, `QVM_BUDGET_EXHAUSTED`; the refilled
/// bucket and an audit entry are committed); then, allowed, the request id is recorded and the
/// next slot taken (none left: `QVM_TRIPLES_EXHAUSTED`, settled at once as a failure). The
/// reservation (QVM-063) is committed before the function returns, so before any custodian is
/// called (QVM-028).
pub(crate) fn admit(
    tx: &Transaction<'_>,
    audit: &mut Audit<'_>,
    policy: PolicyManifest,
    consumes_triples: bool,
    request: &Request,
) -> Result<Result<Admission, ServiceError>, ServiceError> {
    {
        let program = programs::require_head(tx, &request.program_id)?;
        if program.status != Status::Active {
            return Ok(Err(codes::not_active(&request.program_id)));
        }
        if seen(tx, &request.request_id)? {
            return Ok(Err(core_error(quorumvm::Error::RequestReplayed {
                request_id: request.request_id.clone(),
            })));
        }
        let identity = request.identity_id.as_str();
        let mut engine = engine(tx, policy, request)?;
        let decision = engine.decide(identity, request.t_ms);
        let budget_remaining = engine.budget_remaining(identity);
        let refusal = match decision {
            Decision::Allow => None,
            Decision::RateLimited { retry_after_ms } => {
                let mut error = core_error(quorumvm::Error::RateLimited { retry_after_ms });
                error.retry_after = Some(retry_after_ms.div_ceil(1000));
                Some(error)
            }
            Decision::BudgetExhausted => Some(core_error(quorumvm::Error::BudgetExhausted {
                budget_remaining,
                cost_per_eval: policy.cost_per_eval(),
            })),
        };
        if let Some(error) = refusal {
            save(tx, request, &engine)?;
            let mut body = decision_body(request, decision.name(), budget_remaining);
            if let Decision::RateLimited { retry_after_ms } = decision {
                body["retry_after_ms"] = retry_after_ms.into();
            }
            audit.append(tx, &body)?;
            return Ok(Err(error));
        }
        let slot = if consumes_triples {
            programs::take_slot(tx, &request.program_id, &program)?
        } else {
            Some(0)
        };
        tx.prepare_cached(
            "INSERT INTO requests (request_id, program_id, identity_id, slot, t_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            request.request_id,
            request.program_id,
            identity,
            slot.map(to_i64).transpose()?,
            to_i64(request.t_ms)?
        ])?;
        let Some(slot) = slot else {
            let error = core_error(quorumvm::Error::TriplesExhausted {
                slot: program.next_slot,
            });
            let outcome = Settlement::Failure { code: error.code };
            settle_in(tx, audit, &mut engine, request, None, &outcome)?;
            return Ok(Err(error));
        };
        save(tx, request, &engine)?;
        Ok(Ok(Admission { slot }))
    }
}

/// Settles an admitted evaluation: charged on success only (QVM-063), with its audit entry in
/// the same transaction. Returns the identity's budget left.
///
/// Enforces QVM-027 and QVM-029.
pub(crate) fn settle(
    tx: &Transaction<'_>,
    audit: &mut Audit<'_>,
    policy: PolicyManifest,
    request: &Request,
    slot: u64,
    outcome: &Settlement,
) -> Result<u64, ServiceError> {
    let mut engine = engine(tx, policy, request)?;
    settle_in(tx, audit, &mut engine, request, Some(slot), outcome)
}

fn settle_in(
    tx: &Transaction<'_>,
    audit: &mut Audit<'_>,
    engine: &mut PolicyEngine,
    request: &Request,
    slot: Option<u64>,
    outcome: &Settlement,
) -> Result<u64, ServiceError> {
    let success = matches!(outcome, Settlement::Success { .. });
    let budget_remaining = engine
        .settle(&request.identity_id, success)
        .map_err(core_error)?;
    save(tx, request, engine)?;
    let mut body = decision_body(request, Decision::Allow.name(), budget_remaining);
    body["slot"] = slot.map_or(Value::Null, Value::from);
    match outcome {
        Settlement::Success {
            output_hash,
            custodians,
            rounds,
        } => {
            body["outcome"] = "success".into();
            body["output_hash"] = output_hash.clone().into();
            body["custodians"] = json!(custodians);
            body["rounds"] = (*rounds).into();
        }
        Settlement::Failure { code } => {
            body["outcome"] = "failure".into();
            body["error"] = (*code).into();
        }
    }
    audit.append(tx, &body)?;
    Ok(budget_remaining)
}

/// Charges every reservation left pending by a process that stopped between admission and
/// settlement, with one audit entry per identity. Run at start-up, before serving.
///
/// Enforces QVM-028: a pending reservation is charged, never refunded; budgets are never
/// reset.
pub(crate) fn charge_pending(db: &mut Db, now_ms: u64) -> Result<usize, ServiceError> {
    db.transaction(|tx, audit| {
        let pending = {
            let mut statement = tx.prepare_cached(
                "SELECT i.program_id, i.identity_id, p.package FROM identities i
                 JOIN programs p ON p.program_id = i.program_id
                 WHERE i.pending > 0 ORDER BY i.program_id, i.identity_id",
            )?;
            let rows = statement.query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        for (program_id, identity_id, package) in &pending {
            let policy = stored_policy(package)?;
            let request = Request {
                program_id: program_id.clone(),
                identity_id: identity_id.clone(),
                request_id: String::new(),
                t_ms: now_ms,
            };
            let mut engine = engine(tx, policy, &request)?;
            let count = engine
                .account(identity_id)
                .map_or(0, |account| account.pending);
            let mut budget_remaining = engine.budget_remaining(identity_id);
            for _ in 0..count {
                budget_remaining = engine.settle(identity_id, true).map_err(core_error)?;
            }
            save(tx, &request, &engine)?;
            audit.append(
                tx,
                &json!({
                    "event": "reservation_charged",
                    "program_id": program_id,
                    "identity_id": identity_id,
                    "evaluations": count,
                    "budget_remaining": budget_remaining,
                    "t_ms": now_ms,
                }),
            )?;
        }
        Ok(pending.len())
    })
}

/// The stored policy state of an identity for a program.
pub(crate) fn account(
    conn: &Connection,
    program_id: &str,
    identity_id: &str,
) -> Result<Option<Account>, ServiceError> {
    let row = conn
        .prepare_cached(
            "SELECT level, last_ms, budget_remaining, pending FROM identities
             WHERE program_id = ?1 AND identity_id = ?2",
        )?
        .query_row(params![program_id, identity_id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })
        .optional()?;
    let Some((level, last_ms, budget_remaining, pending)) = row else {
        return Ok(None);
    };
    Ok(Some(Account {
        level: level
            .parse()
            .map_err(|e| ServiceError::storage(format!("bucket level {level:?}: {e}")))?,
        last_ms: to_u64(last_ms)?,
        budget_remaining: to_u64(budget_remaining)?,
        pending: to_u64(pending)?,
    }))
}

/// The engine of one program with the stored state of the request's identity.
fn engine(
    conn: &Connection,
    policy: PolicyManifest,
    request: &Request,
) -> Result<PolicyEngine, ServiceError> {
    let mut engine = PolicyEngine::new(policy);
    if let Some(account) = account(conn, &request.program_id, &request.identity_id)? {
        engine.restore(&request.identity_id, account);
    }
    Ok(engine)
}

/// Writes the engine's state of the request's identity back.
fn save(
    tx: &Transaction<'_>,
    request: &Request,
    engine: &PolicyEngine,
) -> Result<(), ServiceError> {
    let Some(account) = engine.account(&request.identity_id) else {
        return Ok(());
    };
    tx.prepare_cached("INSERT INTO identities (program_id, identity_id, level, last_ms, budget_remaining, pending)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (program_id, identity_id) DO UPDATE SET
             level = excluded.level, last_ms = excluded.last_ms,
             budget_remaining = excluded.budget_remaining, pending = excluded.pending")?.execute(params![
            request.program_id,
            request.identity_id,
            account.level.to_string(),
            to_i64(account.last_ms)?,
            to_i64(account.budget_remaining)?,
            to_i64(account.pending)?,
        ],
    )?;
    Ok(())
}

fn seen(conn: &Connection, request_id: &str) -> Result<bool, ServiceError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM requests WHERE request_id = ?1")?
        .query_row(params![request_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The policy manifest of a stored package.
fn stored_policy(package: &str) -> Result<PolicyManifest, ServiceError> {
    let value: Value = serde_json::from_str(package)
        .map_err(|e| ServiceError::storage(format!("stored package: {e}")))?;
    PolicyManifest::from_json(&value["policy_manifest"])
        .map_err(|e| ServiceError::storage(format!("stored policy manifest: {e}")))
}

fn decision_body(request: &Request, decision: &str, budget_remaining: u64) -> Value {
    json!({
        "event": "eval",
        "decision": decision,
        "program_id": request.program_id,
        "identity_id": request.identity_id,
        "request_id": request.request_id,
        "budget_remaining": budget_remaining,
        "t_ms": request.t_ms,
    })
}
