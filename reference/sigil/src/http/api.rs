//! The routes and their handlers. Each handler decodes its request, runs one store job or one
//! core function, and encodes the answer; no protocol logic lives here.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};
use canon::json::Value;
use service_kit::ServiceError;

use super::respond::{self, body, invalid, json, loa, tenant};
use super::state::{AppState, now_ms};
use super::store::random_id;
use crate::Error;
use crate::features::Loa;
use crate::json::{exact, int, obj, string};
use crate::module::{ModuleSpec, gate, hello};
use crate::record::{MAX_LINKS, is_id, is_kind};

/// Every route: `(method, path, handler)`; the router and `openapi.json` are built from it.
pub(crate) fn routes() -> Vec<(&'static str, &'static str, MethodRouter<AppState>)> {
    vec![
        ("get", "/health", get(health)),
        ("get", "/openapi.json", get(openapi)),
        ("post", "/trust/check", post(super::check::check)),
        ("get", "/audit/{decision_id}", get(audit)),
        ("post", "/canon/user/write", post(user_write)),
        ("get", "/canon/user/entries", get(user_entries)),
        ("post", "/canon/system/propose", post(propose)),
        ("post", "/canon/system/attest", post(attest)),
        ("post", "/canon/system/commit", post(commit)),
        (
            "get",
            "/canon/system/proposals/{proposal_id}",
            get(proposal),
        ),
        ("get", "/canon/system/records", get(system_records)),
        ("get", "/witnesses", get(witnesses)),
        ("get", "/keys", get(keys)),
        ("post", "/keys/rotate", post(rotate)),
        ("get", "/modules", get(modules)),
        ("post", "/module/{name}/run", post(run_module)),
        ("get", "/cdc/projection", get(projection)),
        ("post", "/cdc/replay", post(replay)),
    ]
}

type Answer = Result<Response, ServiceError>;

async fn health(State(state): State<AppState>) -> Answer {
    let (signer, keys, model) = state.shared().get()?;
    let registry = state
        .db(|s| Ok((s.registry().k, s.registry().witnesses.len())))
        .await?;
    Ok(json(
        200,
        &obj(vec![
            ("status", string("ok")),
            ("service", string("sigil")),
            ("spec_version", string(crate::SPEC_VERSION)),
            ("public_key", string(signer.pub_key())),
            ("keys", int(keys.keys().len() as u64)),
            ("model_id", string(model.id().to_string())),
            ("k", int(registry.0 as u64)),
            ("witnesses", int(registry.1 as u64)),
            ("unrecorded_denials", int(state.unrecorded())),
            (
                "fault",
                crate::json::opt_string(state.fault().map(|f| f.name())),
            ),
        ]),
    ))
}

async fn openapi() -> axum::Json<serde_json::Value> {
    axum::Json(super::openapi::document())
}

/// Enforces SIGIL-015.
async fn audit(State(state): State<AppState>, Path(decision_id): Path<String>) -> Answer {
    let frozen = state.db(move |s| s.audit(&decision_id)).await?;
    Ok(json(
        200,
        &obj(vec![("frozen", frozen), ("verified", Value::Bool(true))]),
    ))
}

/// `{"kind", "payload", "links"?}` of a write or a proposal.
fn record_request(bytes: &[u8]) -> Result<(String, Value, Vec<String>), ServiceError> {
    let value = body(bytes)?;
    let has_links = value.get("links").is_some();
    let names: &[&str] = if has_links {
        &["kind", "payload", "links"]
    } else {
        &["kind", "payload"]
    };
    let m = exact(&value, names).map_err(invalid)?;
    let kind = m[0]
        .as_str()
        .filter(|k| is_kind(k))
        .ok_or_else(|| invalid("kind is not [a-z0-9][a-z0-9._-]{0,63}"))?;
    let links = if has_links {
        let links = m[2]
            .as_array()
            .ok_or_else(|| invalid("links is not an array"))?
            .iter()
            .map(|l| {
                l.as_str()
                    .filter(|l| is_id(l))
                    .map(str::to_owned)
                    .ok_or_else(|| invalid("a link is not a record id"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let distinct: std::collections::BTreeSet<&String> = links.iter().collect();
        if links.len() > MAX_LINKS || distinct.len() != links.len() {
            return Err(invalid("links are more than 64 or not distinct"));
        }
        links
    } else {
        vec![]
    };
    Ok((kind.to_owned(), m[1].clone(), links))
}

/// Enforces SIGIL-030.
async fn user_write(State(state): State<AppState>, headers: HeaderMap, bytes: Bytes) -> Answer {
    let tenant = tenant(&headers)?;
    let (kind, payload, links) = record_request(&bytes)?;
    let record = state
        .db(move |s| s.write_user(&tenant, &kind, payload, links, now_ms()))
        .await?;
    Ok(json(201, &record.to_json()))
}

/// Enforces SIGIL-032.
async fn user_entries(State(state): State<AppState>, headers: HeaderMap) -> Answer {
    let tenant = tenant(&headers)?;
    let entries = state.db(move |s| s.entries(&tenant)).await?;
    Ok(json(200, &obj(vec![("entries", Value::Array(entries))])))
}

/// Enforces SIGIL-040.
async fn propose(State(state): State<AppState>, bytes: Bytes) -> Answer {
    let (kind, payload, links) = record_request(&bytes)?;
    let proposal = state
        .db(move |s| s.propose(&kind, payload, links, now_ms()))
        .await?;
    Ok(json(201, &proposal))
}

fn proposal_id(value: &Value) -> Result<String, ServiceError> {
    value
        .get("proposal_id")
        .and_then(Value::as_str)
        .filter(|id| crate::json::is_hex(id, 64))
        .map(str::to_owned)
        .ok_or_else(|| invalid("proposal_id is not 64 hex digits"))
}

/// Enforces SIGIL-043.
async fn attest(State(state): State<AppState>, bytes: Bytes) -> Answer {
    let value = body(&bytes)?;
    let m = exact(&value, &["proposal_id", "pub_key", "sig"]).map_err(invalid)?;
    let id = proposal_id(&value)?;
    let pub_key = crate::json::as_hex(m[1], "pub_key", 64)
        .map_err(invalid)?
        .to_owned();
    let sig = crate::json::as_hex(m[2], "sig", 128)
        .map_err(invalid)?
        .to_owned();
    let answer_id = id.clone();
    let (outcome, k) = state
        .db(move |s| {
            let outcome = s.attest(&id, &pub_key, &sig)?;
            Ok((outcome, s.registry().k))
        })
        .await?;
    let mut members = vec![
        ("proposal_id", string(answer_id)),
        (
            "status",
            string(if outcome.record.is_some() {
                "committed"
            } else {
                "pending"
            }),
        ),
        ("attestations", int(outcome.attestations as u64)),
        ("k", int(k as u64)),
        ("duplicate", Value::Bool(outcome.duplicate)),
    ];
    if let Some(record) = outcome.record {
        members.push(("record", record.to_json()));
    }
    Ok(json(200, &obj(members)))
}

/// Enforces SIGIL-043.
async fn commit(State(state): State<AppState>, bytes: Bytes) -> Answer {
    let value = body(&bytes)?;
    exact(&value, &["proposal_id"]).map_err(invalid)?;
    let id = proposal_id(&value)?;
    let record = state.db(move |s| s.commit(&id)).await?;
    Ok(json(200, &record.to_json()))
}

async fn proposal(State(state): State<AppState>, Path(id): Path<String>) -> Answer {
    let proposal = state.db(move |s| s.proposal(&id)).await?;
    Ok(json(200, &proposal))
}

/// Enforces SIGIL-044.
async fn system_records(State(state): State<AppState>) -> Answer {
    let records = state.db(|s| s.system_records()).await?;
    Ok(json(
        200,
        &obj(vec![(
            "records",
            Value::Array(records.iter().map(|r| r.to_json()).collect()),
        )]),
    ))
}

/// Enforces SIGIL-044.
async fn witnesses(State(state): State<AppState>) -> Answer {
    let (k, witnesses) = state
        .db(|s| Ok((s.registry().k, s.registry().witnesses.clone())))
        .await?;
    Ok(json(
        200,
        &obj(vec![
            ("k", int(k as u64)),
            (
                "witnesses",
                Value::Array(witnesses.iter().map(string).collect()),
            ),
        ]),
    ))
}

/// Enforces SIGIL-052.
async fn keys(State(state): State<AppState>) -> Answer {
    let (_, history, _) = state.shared().get()?;
    let current = history.current().map(|k| k.pub_key.clone());
    let keys = history
        .keys()
        .iter()
        .map(|k| {
            obj(vec![
                ("pub_key", string(&k.pub_key)),
                ("created_ts", int(k.created_ts)),
                ("current", Value::Bool(Some(&k.pub_key) == current.as_ref())),
            ])
        })
        .collect();
    Ok(json(200, &obj(vec![("keys", Value::Array(keys))])))
}

/// Enforces SIGIL-052: `Admin` only.
async fn rotate(State(state): State<AppState>, headers: HeaderMap) -> Answer {
    gate(loa(&headers), Loa::Admin)?;
    let (previous, next) = state.db(|s| s.rotate(now_ms())).await?;
    Ok(json(
        200,
        &obj(vec![("previous", string(previous)), ("next", string(next))]),
    ))
}

fn module_json(spec: &ModuleSpec) -> Value {
    obj(vec![
        ("name", string(&spec.name)),
        ("min_loa", string(spec.min_loa.name())),
        ("gas_limit", int(spec.gas_limit)),
    ])
}

async fn modules(State(state): State<AppState>) -> Answer {
    let registered = state
        .db(|s| Ok(s.registry().modules.values().cloned().collect::<Vec<_>>()))
        .await?;
    let all: Vec<Value> = std::iter::once(hello())
        .chain(registered)
        .map(|m| module_json(&m))
        .collect();
    Ok(json(200, &obj(vec![("modules", Value::Array(all))])))
}

/// Enforces SIGIL-060 (the gate before anything runs) and SIGIL-061.
async fn run_module(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer {
    let caller = loa(&headers);
    let spec = if name == "hello" {
        hello()
    } else {
        let lookup = name.clone();
        state
            .db(move |s| Ok(s.registry().modules.get(&lookup).cloned()))
            .await?
            .ok_or(Error::ModuleUnknown { name })?
    };
    gate(caller, spec.min_loa)?;
    let input = canon::json::canonicalize(&bytes)
        .map_err(|e| invalid(format!("the module input is not JSON: {e}")))?;
    let limits = crate::module::Limits {
        gas: spec.gas_limit,
        ..state.limits()
    };
    let runner = state.runner();
    let request_id = random_id("run_")?;
    let source = spec.source.clone();
    let run = tokio::task::spawn_blocking(move || {
        runner.run(&source, input.as_bytes(), &request_id, limits)
    });
    let wall = std::time::Duration::from_millis(limits.wall_ms);
    let output = match tokio::time::timeout(wall, run).await {
        Err(_) => {
            return Err(Error::ModuleFailed {
                code: "SIGIL_MODULE_TIMEOUT".into(),
                message: format!("no answer within {} ms", limits.wall_ms),
            }
            .into());
        }
        Ok(Err(e)) => return Err(ServiceError::new("SVC_INTERNAL", 500, e.to_string())),
        Ok(Ok(output)) => output?,
    };
    let body = canon::json::parse(output.body.as_bytes()).unwrap_or(Value::String(output.body));
    Ok(json(
        200,
        &obj(vec![
            ("module", string(&spec.name)),
            ("body", body),
            ("sha256", string(output.sha256)),
            ("gas_used", int(output.gas_used)),
            (
                "logs",
                Value::Array(output.logs.into_iter().map(string).collect()),
            ),
        ]),
    ))
}

/// Enforces SIGIL-071.
async fn projection(State(state): State<AppState>) -> Answer {
    Ok(json(200, &state.db(|s| s.projection_state()).await?))
}

/// Enforces SIGIL-071.
async fn replay(State(state): State<AppState>) -> Answer {
    Ok(json(200, &state.db(|s| s.replay()).await?))
}

/// An unknown route: `404 SVC_NOT_FOUND`.
pub(crate) async fn not_found(uri: Uri) -> Response {
    respond::error(ServiceError::new(
        "SVC_NOT_FOUND",
        404,
        format!("no route {}", uri.path()),
    ))
}

/// A known route with another method: `405 SVC_METHOD_NOT_ALLOWED`.
pub(crate) async fn method_not_allowed() -> Response {
    respond::error(ServiceError::new(
        "SVC_METHOD_NOT_ALLOWED",
        405,
        "method not allowed",
    ))
}
