//! One evaluation, end to end: the checks of QVM-027 in order, the reservation committed
//! before any custodian is called, the rounds, and the settlement with its audit entry.

use canon::drbg::Drbg;
use quorumvm::coordinator::Coordinator;
use serde::Serialize;
use serde_json::Value;
use service_kit::ServiceError;

use super::activation;
use super::codes;
use super::inputs;
use super::ledger::{self, Request, Settlement};
use super::programs::{self, Status};
use super::registry;
use super::rounds;
use super::state::{AppState, now_ms};
use crate::core_error;

/// The longest identity or request id accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// What `POST /eval` asks for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Evaluation {
    /// The identity the policy is applied to.
    pub(crate) identity_id: String,
    /// The program.
    pub(crate) program_id: String,
    /// The inputs, by wire name (QVM-011).
    pub(crate) inputs: Value,
    /// A request id; a fresh random one when absent.
    pub(crate) request_id: Option<String>,
}

/// The answer to `POST /eval`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Evaluated {
    output: String,
    program_id: String,
    request_id: String,
    custodians: Vec<u8>,
    rounds: usize,
    budget_remaining: u64,
}

/// Evaluates a program on inputs for an identity.
///
/// Enforces QVM-027, QVM-028 and QVM-029 (the last two through [`ledger`]), checking in this
/// order: the
/// program is registered (`404 SVC_PROGRAM_UNKNOWN`) and active (`403 SVC_NOT_ACTIVE`); the
/// inputs fit it (`422`); at least K custodians are registered (`503
/// QVM_QUORUM_UNAVAILABLE`, nothing consumed); then, in one committed transaction, the request
/// id is new (`409`), the policy allows (`429`, `402`) and a slot is taken (`503
/// QVM_TRIPLES_EXHAUSTED`). Only then are custodians called. Success is charged; any failure
/// after admission is settled without a charge.
pub(crate) async fn evaluate(
    state: &AppState,
    evaluation: Evaluation,
) -> Result<Evaluated, ServiceError> {
    let Evaluation {
        identity_id,
        program_id,
        inputs,
        request_id,
    } = evaluation;
    check_id("identity_id", &identity_id)?;
    if let Some(id) = &request_id {
        check_id("request_id", id)?;
    }
    // Known active and the custodians known: nothing to read (an active program stays active).
    let (package, custodians) = match (state.cached_package(&program_id), state.custodians().get())
    {
        (Some(package), Ok(custodians)) => (package, custodians),
        (cached, custodians) => {
            let id = program_id.clone();
            let load = cached.is_none();
            let (head, registered, stored) = state
                .store()
                .run(move |db| {
                    let head = programs::require_head(&db.conn, &id)?;
                    let stored = if load && head.status == Status::Active {
                        Some(programs::package_json(&db.conn, &id)?)
                    } else {
                        None
                    };
                    Ok((head, registry::all(&db.conn)?, stored))
                })
                .await?;
            if let Err(generation) = custodians {
                state.custodians().store(generation, registered.clone());
            }
            if head.status != Status::Active {
                return Err(codes::not_active(&program_id));
            }
            let package = match (cached, stored) {
                (Some(package), _) => package,
                (None, Some(json)) => state.cache_package(&program_id, &json)?,
                (None, None) => return Err(codes::program_unknown(&program_id)),
            };
            (package, registered)
        }
    };
    let inputs = inputs::parse(package.program(), &inputs)?;
    let threshold = state.threshold();
    if custodians.len() < threshold.k() {
        return Err(core_error(quorumvm::Error::QuorumUnavailable {
            round: 1,
            answered: 0,
            k: threshold.k(),
        }));
    }
    // Entropy first: nothing may fail between the reservation and the rounds but the rounds.
    let label = fresh_hex()?;
    let request = Request {
        program_id,
        identity_id,
        request_id: match request_id {
            Some(id) => id,
            None => fresh_hex()?,
        },
        t_ms: now_ms(),
    };
    let policy = *package.policy();
    let consumes_triples = package.program().triples_per_evaluation() > 0;
    let admitted = request.clone();
    let admission = state
        .store()
        .transaction(move |tx, audit| ledger::admit(tx, audit, policy, consumes_triples, &admitted))
        .await??;
    // Custodians that missed the activation get it again (QVM-026); best effort.
    let _ = activation::forward(
        state.store(),
        state.client(),
        state.forwarded(),
        &request.program_id,
    )
    .await;
    let mut rng = Drbg::new(&label);
    let result = match Coordinator::start(
        &package,
        threshold,
        &request.request_id,
        admission.slot,
        &inputs,
        &mut rng,
    ) {
        Ok((coordinator, _)) => rounds::run(state.lanes(), custodians, coordinator).await,
        Err(error) => Err(core_error(error)),
    };
    let settlement = match &result {
        Ok(output) => Settlement::Success {
            output_hash: output_hash(&output.value.to_string()),
            custodians: output.custodians.clone(),
            rounds: output.rounds,
        },
        Err(error) => Settlement::Failure { code: error.code },
    };
    let settled = request.clone();
    let budget_remaining = state
        .store()
        .transaction(move |tx, audit| {
            ledger::settle(tx, audit, policy, &settled, admission.slot, &settlement)
        })
        .await?;
    let output = result?;
    Ok(Evaluated {
        output: output.value.to_string(),
        program_id: request.program_id,
        request_id: request.request_id,
        custodians: output.custodians,
        rounds: output.rounds,
        budget_remaining,
    })
}

/// The `output_hash` of an audit entry: the lowercase hex SHA-256 of the output's decimal
/// string (FIELD-002).
pub(crate) fn output_hash(decimal: &str) -> String {
    canon::hex::encode(&canon::id::sha256(decimal.as_bytes()))
}

/// 32 bytes from the operating system's generator, as 64 hex digits (QVM-052).
fn fresh_hex() -> Result<String, ServiceError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(codes::entropy)?;
    Ok(canon::hex::encode(&bytes))
}

/// An identity or request id: 1 to [`MAX_ID_LEN`] bytes, else `400 SVC_BODY_INVALID`.
fn check_id(name: &str, value: &str) -> Result<(), ServiceError> {
    if value.is_empty() || value.len() > MAX_ID_LEN {
        return Err(codes::body_invalid(format!(
            "{name} must have 1 to {MAX_ID_LEN} bytes"
        )));
    }
    Ok(())
}
