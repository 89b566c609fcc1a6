//! `POST /trust/check`: one decision, denied by default whenever anything fails
//! (SIGIL-010, SIGIL-011).

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use canon::json::Value;
use service_kit::ServiceError;

use super::config::Fault;
use super::respond::json;
use super::state::{AppState, now_ms};
use super::store::{DecisionRow, random_id};
use crate::Error;
use crate::chain::freeze;
use crate::decide::{DECISION_ID_PREFIX, DecisionContext, decide};
use crate::features::CheckRequest;
use crate::json::{obj, string};

/// The answer to a check: 200 when allowed, else 403 (SIGIL-010).
fn answer(
    score: Option<f64>,
    allowed: bool,
    decision_id: &str,
    error: Option<(&str, String)>,
) -> Response {
    let mut members = vec![
        ("score", score.map_or(Value::Null, Value::Number)),
        ("allowed", Value::Bool(allowed)),
        ("decision_id", string(decision_id)),
    ];
    if let Some((code, message)) = error {
        members.push((
            "error",
            obj(vec![("code", string(code)), ("message", string(message))]),
        ));
    }
    json(if allowed { 200 } else { 403 }, &obj(members))
}

/// A denial that could not be signed or stored: answered 403, logged on stderr and counted
/// (SIGIL-011, A-044).
fn unrecorded(
    state: &AppState,
    decision_id: &str,
    score: Option<f64>,
    code: &str,
    message: String,
) -> Response {
    state.count_unrecorded();
    eprintln!(
        "{{\"event\":\"sigil.unrecorded_denial\",\"decision_id\":\"{decision_id}\",\"code\":\"{code}\"}}"
    );
    answer(score, false, decision_id, Some((code, message)))
}

/// Enforces SIGIL-010 and SIGIL-011.
pub(crate) async fn check(State(state): State<AppState>, body: Bytes) -> Response {
    let request = match CheckRequest::parse(&body) {
        Ok(request) => request,
        Err(e) => return super::respond::error(ServiceError::from(e)),
    };
    let decision_id = match random_id(DECISION_ID_PREFIX) {
        Ok(id) => id,
        Err(e) => return unrecorded(&state, "", None, e.code, e.message),
    };
    let (signer, _, model) = match state.shared().get() {
        Ok(published) => published,
        Err(e) => return unrecorded(&state, &decision_id, None, e.code, e.message),
    };
    let ts = now_ms();
    let context = DecisionContext {
        decision_id: decision_id.clone(),
        ts,
        window_count: state.window_count(&request.tenant, &request.actor, ts),
    };
    let fault = state.fault();
    let chain = decide(&model, &request, context, |model, x| {
        if fault == Some(Fault::Evaluator) {
            return Err(Error::EvalFailed {
                reason: "evaluator fault injected (fault = \"evaluator\")".into(),
            });
        }
        model.score(x)
    });
    let (score, allowed) = (chain.score, chain.allowed);
    let eval_error = chain.error.clone();
    let frozen = if fault == Some(Fault::Signer) {
        Err(Error::SigningFailed {
            reason: "signer fault injected (fault = \"signer\")".into(),
        })
    } else {
        freeze(chain, &signer)
    };
    let frozen = match frozen {
        Ok(frozen) => frozen,
        Err(e) => {
            let e = match e {
                Error::SigningFailed { .. } => e,
                other => Error::SigningFailed {
                    reason: other.to_string(),
                },
            };
            return unrecorded(&state, &decision_id, score, e.code(), e.to_string());
        }
    };
    let row = DecisionRow {
        decision_id: decision_id.clone(),
        tenant: request.tenant,
        actor: request.actor,
        ts,
        allowed,
        frozen: frozen.bytes().as_bytes().to_vec(),
    };
    if let Err(e) = state.store_decision(row).await {
        return unrecorded(
            &state,
            &decision_id,
            score,
            "SIGIL_STORAGE_FAILED",
            format!("{}: {}", e.code, e.message),
        );
    }
    match eval_error {
        Some(code) => answer(
            score,
            false,
            &decision_id,
            Some((&code, "evaluation failed: denied by default".into())),
        ),
        None => answer(score, allowed, &decision_id, None),
    }
}
