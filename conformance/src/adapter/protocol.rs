//! The messages of spec/protocol.md §2 and the checks on each answer.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::case::Case;
use crate::judge::{AdapterResult, abbreviate};
use crate::{PROTOCOL_MAX, PROTOCOL_MIN, SPEC_VERSION};

/// `implementation` in the `hello` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Implementation {
    /// Name, as used by `[[xfail]] implementation = …`.
    pub name: String,
    /// Version.
    pub version: String,
    /// Programming language.
    pub language: String,
    /// Operating system.
    pub os: String,
    /// CPU architecture.
    pub arch: String,
}

/// A successful `hello` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// The protocol version chosen by the adapter.
    pub protocol: u64,
    /// Who the implementation is.
    pub implementation: Implementation,
    /// The operations and optional features it implements.
    pub features: Vec<String>,
}

impl Hello {
    /// Whether every feature of `case` was declared. Enforces PROTO-011.
    pub fn supports(&self, case: &Case) -> bool {
        case.features.iter().all(|f| self.features.contains(f))
    }

    /// The features of `case` that were not declared.
    pub fn missing<'c>(&self, case: &'c Case) -> Vec<&'c str> {
        case.features
            .iter()
            .filter(|f| !self.features.contains(f))
            .map(String::as_str)
            .collect()
    }
}

/// Why a `hello` answer was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelloRefusal {
    /// The adapter speaks no version in the range (`PROTO_VERSION_UNSUPPORTED`); every case of
    /// the run is `error` (PROTO-010).
    Refused(String),
    /// The answer is not a valid `hello` answer: a protocol violation.
    Invalid(String),
}

/// `{"cmd":"hello","protocol":[1,1],"suite_version":"0.1.0"}`. Enforces PROTO-010.
pub fn hello_request() -> Value {
    json!({"cmd": "hello", "protocol": [PROTOCOL_MIN, PROTOCOL_MAX], "suite_version": SPEC_VERSION})
}

/// `{"cmd":"run","seq":…,"case":{suite, id, op, input}}`: never the expectation (PROTO-020).
pub fn run_request(seq: u64, case: &Case) -> Value {
    json!({"cmd": "run", "seq": seq, "case": case.request_case()})
}

/// `{"cmd":"shutdown"}` (PROTO-030).
pub fn shutdown_request() -> Value {
    json!({"cmd": "shutdown"})
}

/// Checks a `hello` answer. Enforces PROTO-010.
pub fn parse_hello(answer: &Value) -> Result<Hello, HelloRefusal> {
    if let Some(error) = answer.get("error") {
        let code = error.get("code").and_then(Value::as_str).unwrap_or("");
        let message = error.get("message").and_then(Value::as_str).unwrap_or("");
        return Err(HelloRefusal::Refused(format!(
            "hello refused: {code} {message}"
        )));
    }
    let hello: Hello = serde_json::from_value(answer.clone()).map_err(|e| {
        HelloRefusal::Invalid(format!(
            "invalid hello answer ({e}): {}",
            abbreviate(&answer.to_string())
        ))
    })?;
    if !(PROTOCOL_MIN..=PROTOCOL_MAX).contains(&hello.protocol) {
        return Err(HelloRefusal::Invalid(format!(
            "hello answer chose protocol {}, outside [{PROTOCOL_MIN},{PROTOCOL_MAX}]",
            hello.protocol
        )));
    }
    Ok(hello)
}

/// Checks a `run` answer: `seq` echoed exactly, `result` of one of the four shapes.
/// Enforces PROTO-020 and PROTO-022 (a `PROTO_MALFORMED` answer to a well-formed request is a
/// protocol violation).
pub fn parse_run_answer(answer: &Value, seq: u64) -> Result<AdapterResult, String> {
    let object = answer
        .as_object()
        .ok_or_else(|| "answer is not a JSON object".to_owned())?;
    match object.get("seq") {
        Some(Value::Number(n)) if n.as_u64() == Some(seq) => {}
        Some(other) => return Err(format!("wrong seq: sent {seq}, got {other}")),
        None => return Err(format!("answer has no seq (sent {seq})")),
    }
    if let Some(error) = object.get("error") {
        return Err(format!(
            "adapter rejected the request: {}",
            abbreviate(&error.to_string())
        ));
    }
    let result = object
        .get("result")
        .ok_or_else(|| "answer has no result".to_owned())?;
    AdapterResult::parse(result)
}
