//! Approval and activation of an installed program (QVM-020, QVM-021).

use serde::{Deserialize, Serialize};

/// `POST /approve`: ask a custodian to sign its approval of an installed program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApproveRequest {
    /// The program approved.
    pub program_id: String,
}

/// A custodian's approval of a program (QVM-020).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApproveResponse {
    /// The program approved.
    pub program_id: String,
    /// The custodian's evaluation point.
    pub x: u8,
    /// `custodian-<x>`.
    pub custodian_id: String,
    /// The custodian's Ed25519 public key, lowercase hex.
    pub public_key: String,
    /// Ed25519 over [`super::approval_message`], lowercase hex (128 digits).
    pub signature: String,
}

/// One approval given to `POST /activate` (and to the coordinator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The approving custodian's evaluation point (its key is the roster's).
    pub x: u8,
    /// Its signature, lowercase hex.
    pub signature: String,
}

/// `POST /activate`: the approvals collected for a program (QVM-021).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivateRequest {
    /// The program activated.
    pub program_id: String,
    /// At least K approvals of distinct roster members.
    pub approvals: Vec<Approval>,
}

/// The answer to `POST /activate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivateResponse {
    /// The program.
    pub program_id: String,
    /// Always `true` (a refusal is an error).
    pub active: bool,
}
