//! The coordinator's HTTP routes. Each handler decodes its request, calls one function of
//! [`super::service`] or [`super::evaluate`], and encodes the answer; no protocol logic lives
//! here.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde::Deserialize;
use serde_json::Value;
use service_kit::ServiceError;

use super::codes;
use super::evaluate::{self, Evaluation};
use super::json::QueryString;
use super::service;
use super::state::AppState;
use crate::wire::Body;

/// `POST /custodians`.
#[derive(Debug, Deserialize)]
struct CustodianBody {
    x: u64,
    url: String,
    public_key: String,
}

/// `POST /programs`.
#[derive(Debug, Deserialize)]
struct ProgramBody {
    package: Value,
    slots: u64,
}

/// `POST /programs/{id}/approvals`.
#[derive(Debug, Deserialize)]
struct ApprovalBody {
    x: u64,
    signature: String,
}

/// `POST /eval`.
#[derive(Debug, Deserialize)]
struct EvalBody {
    identity_id: String,
    program_id: String,
    inputs: Value,
    #[serde(default)]
    request_id: Option<String>,
}

/// `GET /audit`.
#[derive(Debug, Deserialize)]
struct AuditQuery {
    offset: Option<u64>,
    limit: Option<u64>,
}

/// Every route: `(method, path, handler)`. The router is built from this table only, so it is
/// also the list `openapi.json` must describe.
pub(crate) fn routes() -> Vec<(&'static str, &'static str, MethodRouter<AppState>)> {
    vec![
        ("get", "/health", get(health)),
        ("get", "/openapi.json", get(openapi)),
        ("post", "/custodians", post(register_custodian)),
        ("get", "/custodians", get(custodians)),
        ("post", "/programs", post(register_program)),
        ("get", "/programs/{id}", get(program)),
        ("post", "/programs/{id}/approvals", post(approve)),
        ("post", "/eval", post(eval)),
        ("get", "/audit", get(audit)),
        ("get", "/audit/verify", get(audit_verify)),
    ]
}

async fn health(State(state): State<AppState>) -> Result<Response, ServiceError> {
    Ok(Json(service::health(&state).await?).into_response())
}

async fn openapi() -> Response {
    Json(crate::openapi::coordinator()).into_response()
}

async fn register_custodian(
    State(state): State<AppState>,
    Body(body): Body<CustodianBody>,
) -> Result<Response, ServiceError> {
    let (view, created) =
        service::register_custodian(&state, body.x, body.url, body.public_key).await?;
    Ok((created_or_ok(created), Json(view)).into_response())
}

async fn custodians(State(state): State<AppState>) -> Result<Response, ServiceError> {
    Ok(Json(service::custodians(&state).await?).into_response())
}

async fn register_program(
    State(state): State<AppState>,
    Body(body): Body<ProgramBody>,
) -> Result<Response, ServiceError> {
    let (view, created) = service::register_program(&state, body.package, body.slots).await?;
    Ok((created_or_ok(created), Json(view)).into_response())
}

async fn program(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ServiceError> {
    Ok(Json(service::program(&state, id).await?).into_response())
}

async fn approve(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(body): Body<ApprovalBody>,
) -> Result<Response, ServiceError> {
    Ok(Json(service::approve(&state, id, body.x, body.signature).await?).into_response())
}

async fn eval(
    State(state): State<AppState>,
    Body(body): Body<EvalBody>,
) -> Result<Response, ServiceError> {
    let evaluation = Evaluation {
        identity_id: body.identity_id,
        program_id: body.program_id,
        inputs: body.inputs,
        request_id: body.request_id,
    };
    Ok(Json(evaluate::evaluate(&state, evaluation).await?).into_response())
}

async fn audit(
    State(state): State<AppState>,
    QueryString(query): QueryString<AuditQuery>,
) -> Result<Response, ServiceError> {
    Ok(Json(service::audit_page(&state, query.offset, query.limit).await?).into_response())
}

async fn audit_verify(State(state): State<AppState>) -> Result<Response, ServiceError> {
    Ok(Json(service::audit_verify(&state).await?).into_response())
}

/// Unknown routes: `404 SVC_NOT_FOUND`.
pub(crate) async fn not_found(uri: Uri) -> ServiceError {
    codes::not_found(uri.path())
}

/// A known route with another method: `405 SVC_METHOD_NOT_ALLOWED`.
pub(crate) async fn method_not_allowed() -> ServiceError {
    codes::method_not_allowed()
}

fn created_or_ok(created: bool) -> StatusCode {
    if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}
