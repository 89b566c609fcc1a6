//! The routes: `POST /run`, `POST /snapshots`, `GET /health`, `GET /openapi.json`.

use std::io::Write;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use canon::json::Value;
use mtpscript::{GasLimit, RequestContext};

use crate::{AppState, ServiceError, headers};

/// The service's routes, each with its body limit.
pub fn router(state: AppState) -> Router {
    let run_limit = state.config.run_body_limit;
    let snapshot_limit = state.config.snapshot_body_limit;
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .route("/run", post(run).layer(DefaultBodyLimit::max(run_limit)))
        .route(
            "/snapshots",
            post(register).layer(DefaultBodyLimit::max(snapshot_limit)),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn not_found() -> ServiceError {
    ServiceError::new("SVC_NOT_FOUND", 404, "no such route")
}

async fn method_not_allowed() -> ServiceError {
    ServiceError::new(
        "SVC_METHOD_NOT_ALLOWED",
        405,
        "the route exists with another method",
    )
}

fn body_invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("SVC_BODY_INVALID", 400, message)
}

fn internal(error: impl std::fmt::Display) -> ServiceError {
    ServiceError::new("SVC_INTERNAL", 500, error.to_string())
}

/// The raw body, with `413 SVC_BODY_TOO_LARGE` over the route's limit.
async fn raw_body(request: Request, state: &AppState) -> Result<Bytes, ServiceError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ServiceError::new(
                    "SVC_BODY_TOO_LARGE",
                    413,
                    "the request body is larger than this route accepts",
                )
            } else {
                body_invalid(rejection.body_text())
            }
        })
}

async fn health(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "status": "ok",
        "role": "mtp",
        "engine": mtpscript::ENGINE_IDENTITY,
        "gas_limit": state.config.gas_limit.get(),
        "snapshots": state.registry.len(),
        "pool_ready": state.runtime.pool_len(),
    }))
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}

/// `POST /snapshots`: the `.msqs` bytes as the body. Enforces MTP-081 before registration.
async fn register(State(state): State<AppState>, request: Request) -> Response {
    let bytes = match raw_body(request, &state).await {
        Ok(bytes) => bytes,
        Err(e) => return e.into_response(),
    };
    let registry = Arc::clone(&state.registry);
    let registered = tokio::task::spawn_blocking(move || registry.register(&bytes)).await;
    match registered {
        Ok(Ok((entry, new))) => {
            let status = if new {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let body = serde_json::json!({
                "id": entry.id,
                "content_hash": canon::hex::encode(&entry.snapshot.content_hash()),
                "source": canon::hex::encode(&entry.snapshot.source_hash()),
            });
            (status, Json(body)).into_response()
        }
        Ok(Err(e)) => e.into_response(),
        Err(e) => internal(e).into_response(),
    }
}

/// Which snapshot a run uses.
enum Target {
    Registered(String),
    Upload(Vec<u8>),
}

/// A parsed `POST /run` body.
struct RunRequest {
    target: Target,
    /// The input's JSON text, handed to the runtime as it is (MTP-070).
    input: Vec<u8>,
    ctx: RequestContext,
    /// Whether the request named its own id.
    named: bool,
}

fn string(value: &Value, name: &str) -> Result<String, ServiceError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        _ => Err(body_invalid(format!("`{name}` must be a string"))),
    }
}

/// Parses the body strictly (CANON-010..016): duplicate names anywhere are refused.
fn parse_run(bytes: &[u8]) -> Result<RunRequest, ServiceError> {
    let value = canon::json::parse(bytes)
        .map_err(|e| body_invalid(format!("the body is not strict JSON: {}: {e}", e.code())))?;
    let Value::Object(members) = value else {
        return Err(body_invalid("the body must be a JSON object"));
    };
    let (mut id, mut upload, mut input, mut input_text) = (None, None, None, None);
    let mut ctx = RequestContext::default();
    let mut named = false;
    for (name, value) in &members {
        match name.as_str() {
            "snapshot_id" => id = Some(string(value, name)?),
            "snapshot" => upload = Some(string(value, name)?),
            "input" => input = Some(value),
            "input_text" => input_text = Some(string(value, name)?),
            "request_id" => {
                ctx.request_id = string(value, name)?;
                named = true;
            }
            "account_id" => ctx.account_id = string(value, name)?,
            "function_version" => ctx.function_version = string(value, name)?,
            other => return Err(body_invalid(format!("unknown member `{other}`"))),
        }
    }
    let target = match (id, upload) {
        (Some(id), None) => Target::Registered(id),
        (None, Some(hex)) => Target::Upload(
            canon::hex::decode(&hex).map_err(|e| body_invalid(format!("`snapshot`: {e}")))?,
        ),
        _ => {
            return Err(body_invalid(
                "name exactly one of `snapshot_id` and `snapshot` (hex of a .msqs)",
            ));
        }
    };
    let input = match (input, input_text) {
        (Some(value), None) => canon::json::to_canonical(value)
            .map_err(|e| body_invalid(format!("`input`: {e}")))?
            .as_bytes()
            .to_vec(),
        (None, Some(text)) => text.into_bytes(),
        _ => {
            return Err(body_invalid(
                "name exactly one of `input` (a JSON value) and `input_text` (a JSON text)",
            ));
        }
    };
    Ok(RunRequest {
        target,
        input,
        ctx,
        named,
    })
}

/// A request id for a request that named none: 16 random bytes in hex.
fn fresh_request_id() -> Result<String, ServiceError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::new("SVC_ENTROPY", 500, format!("OS generator: {e}")))?;
    Ok(format!("req-{}", canon::hex::encode(&bytes)))
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// `POST /run`: one request in a fresh, single-use VM (MTP-090) on the blocking pool.
async fn run(State(state): State<AppState>, request: Request) -> Response {
    match run_inner(state, request).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn run_inner(state: AppState, request: Request) -> Result<Response, ServiceError> {
    let bytes = raw_body(request, &state).await?;
    let mut parsed = parse_run(&bytes)?;
    if !parsed.named {
        parsed.ctx.request_id = fresh_request_id()?;
    }
    // Enforces MTP-065: an over-long identifier refuses the request before anything runs.
    parsed
        .ctx
        .validate()
        .map_err(|e| ServiceError::new(e.code(), 400, e.to_string()))?;
    let registered = match &parsed.target {
        Target::Registered(id) => Some(state.registry.get(id).ok_or_else(|| {
            ServiceError::new(
                "MTP_SNAPSHOT_UNKNOWN",
                404,
                format!("no snapshot registered under {id}"),
            )
        })?),
        Target::Upload(_) => None,
    };
    let permit = Arc::clone(&state.runs)
        .acquire_owned()
        .await
        .map_err(internal)?;
    let gas = state.config.gas_limit;
    let runtime = Arc::clone(&state.runtime);
    let registry = Arc::clone(&state.registry);
    let job = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let snapshot = match (registered, &parsed.target) {
            (Some(snapshot), _) => snapshot,
            // Enforces MTP-081: an upload is verified before any byte reaches the engine.
            (None, Target::Upload(bytes)) => Arc::new(registry.verify(bytes)?),
            (None, Target::Registered(id)) => {
                return Err(ServiceError::new("MTP_SNAPSHOT_UNKNOWN", 404, id.clone()));
            }
        };
        let response = runtime.run(&snapshot, &parsed.input, &parsed.ctx, gas);
        // MTP-061: one audit line per request.
        // A closed stdout must not fail the request.
        let _ = writeln!(
            std::io::stdout().lock(),
            "{}",
            mtpscript::audit_line(&parsed.ctx, gas, &response)
        );
        Ok((response, parsed.ctx))
    });
    let (response, ctx) = job.await.map_err(internal)??;
    Ok(respond(&response, &ctx, gas))
}

/// The canonical body with its hash, gas and status headers. A run's outcome is its body
/// (MTP-073), 200 whatever it is, except an engine failure (500).
fn respond(response: &mtpscript::Response, ctx: &RequestContext, gas: GasLimit) -> Response {
    let status = match response.error_code {
        Some("MTP_ENGINE_FAILURE") => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::OK,
    };
    let mut map = HeaderMap::new();
    map.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    map.insert(headers::SHA256, header_value(&response.sha256_hex()));
    map.insert(
        headers::GAS_USED,
        header_value(&response.gas_used.to_string()),
    );
    map.insert(headers::GAS_LIMIT, header_value(&gas.ascii()));
    map.insert(
        headers::STATUS,
        header_value(response.error_code.unwrap_or("ok")),
    );
    map.insert(headers::REQUEST_ID, header_value(&ctx.request_id));
    if let Some(vm) = response.vm {
        map.insert(headers::VM, HeaderValue::from_static(vm.as_str()));
    }
    (status, map, response.body.clone()).into_response()
}
