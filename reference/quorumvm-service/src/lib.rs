//! Quorate layer 2 shell: the QuorumVM custodian and coordinator as HTTP services.
//!
//! Spec version 0.1.0 (`spec/quorumvm.md`). The protocol logic lives in the sans-IO `quorumvm`
//! crate; this crate only moves its messages over HTTP (axum), keeps its state in SQLite
//! (WAL, `synchronous=FULL`) and encrypts secret material at rest (AES-256-GCM).

pub mod at_rest;
pub mod coordinator;
pub mod custodian;
mod error;
pub mod openapi;
pub mod sqlite;
pub mod wire;

pub use error::ServiceError;
