//! The custodian service (spec/quorumvm.md §3, §4.1): one holder of shares, serving its
//! installed programs over HTTP.
//!
//! Handlers are thin: decode the wire form ([`crate::wire`]), hand the message to the program's
//! [`quorumvm::custodian::Custodian`], commit what must survive (SQLite, `synchronous=FULL`),
//! encode the answer. At first start the custodian draws an Ed25519 seed from the OS and stores
//! it sealed (AES-256-GCM, [`service_kit::at_rest`]); S_v shares and triple shares are sealed too.
//!
//! | route | what | requirements |
//! |---|---|---|
//! | `GET /health` | `{"status":"ok","role":"custodian","x","custodian_id","public_key"}` | — |
//! | `GET /openapi.json` | the OpenAPI 3.1 description | — |
//! | `POST /install` | install a package with this custodian's shares and the roster | QVM-031 |
//! | `POST /approve` | sign the approval of an installed program | QVM-020 |
//! | `POST /activate` | activate with K roster approvals | QVM-021 |
//! | `POST /eval/begin`, `/eval/open` | the protocol messages | QVM-022, QVM-023, QVM-032..036 |
//! | `POST /eval/batch` | several of them in one request, one group commit | QVM-048 |
//!
//! State: one SQLite database (tables `at_rest_check`, `identity`, `programs`,
//! `secret_shares`, `triple_shares`, `approvals`, `consumed_requests`, `consumed_slots`) and,
//! in memory, one `Custodian` per installed program, rebuilt from the database at start.
//! Evaluations in progress live only in memory: a restart loses them (never a consumed request
//! id or slot), and the coordinator retries with a new request.

mod activation;
mod commit;
mod config;
mod evaluation;
mod fault;
mod identity;
mod install;
pub mod openapi;
mod program;
mod state;
mod store;

use std::future::Future;

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use service_kit::ServiceError;

use crate::wire::{
    self, ActivateRequest, ActivateResponse, ApproveRequest, ApproveResponse, BODY_LIMIT,
    BatchAnswer, BatchItem, BatchRequest, BeginRequest, Body, CustodianAnswer, CustodianHealth,
    InstallRequest, InstallResponse, OpenRequest,
};

pub use config::Config;
pub use fault::Fault;
pub use state::AppState;

/// The custodian's routes, with the 1 MiB body limit.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .route("/install", post(install))
        .route("/approve", post(approve))
        .route("/activate", post(activate))
        .route("/eval/begin", post(begin))
        .route("/eval/open", post(open))
        .route("/eval/batch", post(batch))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// Opens the custodian of `config` and serves it on `listener` until `shutdown` completes.
/// Start-up errors (`SVC_KEY_MISSING`, `SVC_KEY_INVALID`, `SVC_KEY_WRONG`,
/// `SVC_CONFIG_INVALID`, `SVC_STORAGE`) are returned before anything is served.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServiceError> {
    let state = service_kit::http::open_blocking(move || AppState::open(&config)).await?;
    service_kit::http::serve(listener, router(state), shutdown).await
}

async fn health(State(state): State<AppState>) -> Json<CustodianHealth> {
    Json(CustodianHealth {
        status: "ok".into(),
        role: "custodian".into(),
        x: state.x(),
        custodian_id: wire::custodian_id(state.x()),
        public_key: canon::hex::encode(&state.public_key()),
    })
}

async fn openapi() -> Json<serde_json::Value> {
    Json(openapi::document())
}

async fn install(
    State(state): State<AppState>,
    Body(request): Body<InstallRequest>,
) -> Result<Json<InstallResponse>, ServiceError> {
    state
        .run(move |shared, inner| install::install(shared, inner, request))
        .await
        .map(Json)
}

async fn approve(
    State(state): State<AppState>,
    Body(request): Body<ApproveRequest>,
) -> Result<Json<ApproveResponse>, ServiceError> {
    state
        .run(move |shared, inner| activation::approve(shared, inner, &request))
        .await
        .map(Json)
}

async fn activate(
    State(state): State<AppState>,
    Body(request): Body<ActivateRequest>,
) -> Result<Json<ActivateResponse>, ServiceError> {
    state
        .run(move |_, inner| activation::activate(inner, &request))
        .await
        .map(Json)
}

async fn begin(
    State(state): State<AppState>,
    Body(request): Body<BeginRequest>,
) -> Result<Json<CustodianAnswer>, ServiceError> {
    state
        .run_unlocked(move |shared| evaluation::begin(shared, &request))
        .await
        .map(Json)
}

async fn open(
    State(state): State<AppState>,
    Body(request): Body<OpenRequest>,
) -> Result<Json<CustodianAnswer>, ServiceError> {
    state
        .in_memory(|shared, programs| evaluation::open(programs, shared.fault, &request))
        .map(Json)
}

/// `POST /eval/batch`: 1 to [`wire::MAX_BATCH`] messages (else `400 SVC_BODY_INVALID`).
///
/// Enforces QVM-048.
async fn batch(
    State(state): State<AppState>,
    Body(request): Body<BatchRequest>,
) -> Result<Json<BatchAnswer>, ServiceError> {
    let count = request.messages.len();
    if count == 0 || count > wire::MAX_BATCH {
        return Err(wire::body_invalid(format!(
            "a batch has 1 to {} messages, not {count}",
            wire::MAX_BATCH
        )));
    }
    let answers = state
        .run_unlocked(move |shared| Ok(evaluation::batch(shared, &request.messages)))
        .await?;
    Ok(Json(BatchAnswer {
        answers: answers.into_iter().map(BatchItem::from_result).collect(),
    }))
}

async fn not_found() -> ServiceError {
    ServiceError::new("SVC_NOT_FOUND", 404, "no such route")
}

async fn method_not_allowed() -> ServiceError {
    ServiceError::new(
        "SVC_METHOD_NOT_ALLOWED",
        405,
        "method not allowed on this route",
    )
}
