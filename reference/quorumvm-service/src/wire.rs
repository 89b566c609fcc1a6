//! The JSON encodings shared by the custodian and the coordinator (spec/quorumvm.md §3, §4.1).
//!
//! Every type here derives `serde` (unknown members are ignored; a missing or mistyped member
//! is a decoding error, answered `400 SVC_BODY_INVALID`) and converts to and from the sans-IO
//! types of `quorumvm`. [`to_json`] and [`from_json`] encode and decode any of them.
//!
//! Field elements are decimal strings (FIELD-002); when read, any accepted string form of
//! FIELD-003 is reduced mod p (a JSON number is refused). Keys and signatures are lowercase hex
//! (CANON-060). Shapes, with `elem` a decimal string:
//!
//! ```text
//! POST /install     InstallRequest  {"package": <Package JSON, QVM-004>,
//!                                    "installation": Installation,
//!                                    "roster": [{"x": 1, "public_key": hex64}, …]}
//!   Installation    {"x": 1, "k": 3, "n": 5, "secret": elem | null,
//!                    "triples": [{"slot": 0, "shares": [{"gate": id, "a": elem, "b": elem, "c": elem}, …]}, …]}
//!   → 200           InstallResponse {"program_id": hex64, "slots": n}
//! POST /approve     ApproveRequest  {"program_id": hex64}
//!   → 200           ApproveResponse {"program_id", "x", "custodian_id": "custodian-<x>",
//!                                    "public_key": hex64, "signature": hex128}
//! POST /activate    ActivateRequest {"program_id", "approvals": [{"x": 1, "signature": hex128}, …]}
//!   → 200           ActivateResponse {"program_id", "active": true}
//! POST /eval/begin  BeginRequest    {"program_id", "request_id", "slot": 0,
//!                                    "inputs": [{"wire": id, "share": elem}, …]}
//! POST /eval/open   OpenRequest     {"program_id", "request_id", "round": 1,
//!                                    "openings": [{"gate": id, "d": elem, "e": elem}, …]}
//!   → 200           CustodianAnswer {"kind": "masked", "request_id", "round": 1,
//!                                    "shares": [{"gate": id, "d": elem, "e": elem}, …]}
//!                                 | {"kind": "output", "request_id", "round": 2, "share": elem}
//! POST /eval/batch  BatchRequest    {"messages": [{"begin": BeginRequest} | {"open": OpenRequest}, …]}
//!   → 200           BatchAnswer     {"answers": [CustodianAnswer | ErrorBody, …]}  (QVM-048)
//! GET /health       CustodianHealth {"status": "ok", "role": "custodian", "x", "custodian_id",
//!                                    "public_key"}
//! any failure       ErrorBody       {"error": {"code": "…", "message": "…"}}
//! ```
//!
//! The approval signature (QVM-020) is Ed25519 over [`approval_message`]:
//! the bytes `quorumvm/approve/v1\n` followed by the program id in ASCII hex.

mod activation;
mod element;
mod eval;
mod extract;
mod install;

use serde::Serialize;
use serde::de::DeserializeOwned;
use service_kit::ServiceError;

pub use activation::{
    ActivateRequest, ActivateResponse, Approval, ApproveRequest, ApproveResponse,
};
pub use element::Element;
pub use eval::{
    BatchAnswer, BatchItem, BatchRequest, BeginRequest, CustodianAnswer, EvalRequest, InputShare,
    MAX_BATCH, MaskedShare, OpenRequest, OpeningEntry,
};
pub use extract::{BODY_LIMIT, Body};
pub use install::{
    InstallRequest, InstallResponse, InstallationWire, RosterMember, SlotTriples, TripleShareWire,
};

/// The prefix of the message an approver signs (QVM-020).
pub const APPROVAL_PREFIX: &[u8] = b"quorumvm/approve/v1\n";

/// The bytes a custodian signs to approve a program: [`APPROVAL_PREFIX`] + the program id.
///
/// Enforces QVM-020.
pub fn approval_message(program_id: &str) -> Vec<u8> {
    let mut message = APPROVAL_PREFIX.to_vec();
    message.extend_from_slice(program_id.as_bytes());
    message
}

/// The id of the custodian at evaluation point `x`: `custodian-<x>`.
pub fn custodian_id(x: u8) -> String {
    format!("custodian-{x}")
}

/// The answer of `GET /health` at a custodian.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CustodianHealth {
    /// Always `ok`.
    pub status: String,
    /// Always `custodian`.
    pub role: String,
    /// The custodian's evaluation point.
    pub x: u8,
    /// `custodian-<x>`.
    pub custodian_id: String,
    /// Its Ed25519 public key, lowercase hex.
    pub public_key: String,
}

/// The body of every failure: `{"error": {"code", "message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The inside of an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ErrorDetail {
    /// The spec error code.
    pub code: String,
    /// What went wrong.
    pub message: String,
}

/// Encodes a wire value as JSON.
pub fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    // Every wire type is made of strings, integers, arrays and maps with string keys: its
    // serialization cannot fail.
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// Decodes a wire value from JSON; a missing or mistyped member is `400 SVC_BODY_INVALID`.
pub fn from_json<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ServiceError> {
    serde_json::from_value(value).map_err(body_invalid)
}

/// Decodes a wire value from bytes; malformed JSON, a missing or mistyped member is
/// `400 SVC_BODY_INVALID`.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ServiceError> {
    serde_json::from_slice(bytes).map_err(body_invalid)
}

/// `400 SVC_BODY_INVALID` for a body that does not decode.
pub fn body_invalid(error: impl std::fmt::Display) -> ServiceError {
    ServiceError::new(
        "SVC_BODY_INVALID",
        400,
        format!("invalid request body: {error}"),
    )
}
