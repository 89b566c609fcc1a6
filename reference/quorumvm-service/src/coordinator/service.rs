//! The coordinator's operations, one function per endpoint, each answering a serializable view
//! (the handlers only decode, call and encode). Evaluation is in [`super::evaluate`].

use serde::Serialize;
use serde_json::Value;
use service_kit::ServiceError;

use super::activation;
use super::approvals;
use super::codes;
use super::programs;
use super::registry::Registered;
use super::registry::{self, Custodian};
use super::state::{AppState, now_ms};
use super::store;
use crate::wire;

/// The largest page of `GET /audit`.
pub const AUDIT_PAGE_LIMIT: u64 = 1_000;

/// The default page size of `GET /audit`.
pub const AUDIT_PAGE_DEFAULT: u64 = 100;

/// A registered custodian, as answered by `POST /custodians` and `GET /custodians`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct CustodianView {
    x: u8,
    custodian_id: String,
    url: String,
    public_key: String,
}

impl From<Custodian> for CustodianView {
    fn from(c: Custodian) -> Self {
        Self {
            x: c.x,
            custodian_id: wire::custodian_id(c.x),
            url: c.url,
            public_key: c.public_key,
        }
    }
}

/// `GET /custodians`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct CustodiansView {
    custodians: Vec<CustodianView>,
}

/// The answer to `POST /programs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct RegisteredProgram {
    program_id: String,
    status: &'static str,
    warnings: Vec<String>,
}

/// The answer to `POST /programs/{id}/approvals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ApprovalView {
    program_id: String,
    status: &'static str,
    approvals: usize,
    needed: usize,
}

/// `GET /programs/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ProgramView {
    program_id: String,
    status: &'static str,
    approvals: usize,
    needed: usize,
    slots: u64,
    slots_used: u64,
    package: Value,
}

/// `GET /audit`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct AuditPage {
    entries: Vec<Value>,
    total: u64,
    next_offset: Option<u64>,
}

/// `GET /health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Health {
    status: &'static str,
    role: &'static str,
    k: usize,
    n: usize,
    custodians: usize,
    audit_head: String,
    audit_entries: u64,
}

/// `POST /custodians`: registers a custodian (QVM-025). Answers whether it was new.
pub(crate) async fn register_custodian(
    state: &AppState,
    x: u64,
    url: String,
    public_key: String,
) -> Result<(CustodianView, bool), ServiceError> {
    let n = state.threshold().n();
    let (custodian, registered) = state
        .store()
        .run(move |db| registry::register(db, n, x, &url, &public_key, now_ms()))
        .await?;
    // A new custodian needs the activations; an updated URL may lead to a new process.
    state.registry_changed();
    Ok((custodian.into(), registered == Registered::Created))
}

/// `GET /custodians`.
pub(crate) async fn custodians(state: &AppState) -> Result<CustodiansView, ServiceError> {
    let all = state.store().run(|db| registry::all(&db.conn)).await?;
    Ok(CustodiansView {
        custodians: all.into_iter().map(CustodianView::from).collect(),
    })
}

/// `POST /programs`: registers a package with its pool of `slots` evaluation slots. Answers
/// whether it was new.
pub(crate) async fn register_program(
    state: &AppState,
    package: Value,
    slots: u64,
) -> Result<(RegisteredProgram, bool), ServiceError> {
    let (record, registered, warnings) = state
        .store()
        .run(move |db| programs::register(db, &package, slots, now_ms()))
        .await?;
    Ok((
        RegisteredProgram {
            program_id: record.program_id,
            status: record.status.name(),
            warnings,
        },
        registered == Registered::Created,
    ))
}

/// `POST /programs/{id}/approvals`: verifies and counts an approval (QVM-025); the approval
/// that activates the program is forwarded to the custodians before the answer (QVM-026).
pub(crate) async fn approve(
    state: &AppState,
    program_id: String,
    x: u64,
    signature: String,
) -> Result<ApprovalView, ServiceError> {
    let k = state.threshold().k();
    let id = program_id.clone();
    let outcome = state
        .store()
        .run(move |db| approvals::approve(db, k, &id, x, &signature, now_ms()))
        .await?;
    if outcome.activated {
        // Best effort: a custodian that does not acknowledge is sent it again before the next
        // evaluation; a failure here does not undo the committed activation.
        let _ = activation::forward(
            state.store(),
            state.client(),
            state.forwarded(),
            &program_id,
        )
        .await;
    }
    Ok(ApprovalView {
        program_id,
        status: outcome.status.name(),
        approvals: outcome.approvals,
        needed: k,
    })
}

/// `GET /programs/{id}`.
pub(crate) async fn program(
    state: &AppState,
    program_id: String,
) -> Result<ProgramView, ServiceError> {
    let k = state.threshold().k();
    let (record, approvals) = state
        .store()
        .run(move |db| {
            let record = programs::require(&db.conn, &program_id)?;
            let approvals = approvals::count(&db.conn, &program_id)?;
            Ok((record, approvals))
        })
        .await?;
    Ok(ProgramView {
        program_id: record.program_id,
        status: record.status.name(),
        approvals,
        needed: k,
        slots: record.slots,
        slots_used: record.next_slot,
        package: record.package,
    })
}

/// `GET /audit?offset&limit`: a page of the audit log, `limit` in 1..=1000 (default 100).
pub(crate) async fn audit_page(
    state: &AppState,
    offset: Option<u64>,
    limit: Option<u64>,
) -> Result<AuditPage, ServiceError> {
    let offset = offset.unwrap_or(0);
    if offset > i64::MAX as u64 {
        return Err(codes::query_invalid("offset must be below 2^63"));
    }
    let limit = limit.unwrap_or(AUDIT_PAGE_DEFAULT);
    if !(1..=AUDIT_PAGE_LIMIT).contains(&limit) {
        return Err(codes::query_invalid(format!(
            "limit must be in 1..={AUDIT_PAGE_LIMIT}"
        )));
    }
    let (entries, total) = state
        .store()
        .run(move |db| {
            let total = store::audit_count(&db.conn)?;
            let entries = store::audit_entries(&db.conn, offset, Some(limit))?;
            Ok((entries, total))
        })
        .await?;
    let end = offset.saturating_add(entries.len() as u64);
    Ok(AuditPage {
        entries,
        total,
        next_offset: (end < total).then_some(end),
    })
}

/// `GET /audit/verify`: the whole stored log verified (QVM-071).
///
/// Enforces QVM-029.
pub(crate) async fn audit_verify(state: &AppState) -> Result<Value, ServiceError> {
    let entries = state
        .store()
        .run(|db| store::audit_entries(&db.conn, 0, None))
        .await?;
    Ok(quorumvm::audit::verify(&entries).to_json())
}

/// `GET /health`.
pub(crate) async fn health(state: &AppState) -> Result<Health, ServiceError> {
    let threshold = state.threshold();
    let (custodians, (audit_head, audit_entries)) = state
        .store()
        .run(|db| Ok((registry::all(&db.conn)?.len(), db.audit_head())))
        .await?;
    Ok(Health {
        status: "ok",
        role: "coordinator",
        k: threshold.k(),
        n: threshold.n(),
        custodians,
        audit_head,
        audit_entries,
    })
}
