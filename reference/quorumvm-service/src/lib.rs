//! Quorate layer 2 shell: the QuorumVM custodian and coordinator as HTTP services.
//!
//! Spec version 0.1.0 (`spec/quorumvm.md`). The protocol logic lives in the sans-IO `quorumvm`
//! crate; this crate only moves its messages over HTTP (axum), keeps its state in SQLite
//! (WAL, `synchronous=FULL`) and encrypts secret material at rest (AES-256-GCM). What it shares
//! with the other services — the error type, the SQLite opener, the at-rest key, serving — is
//! `service-kit`'s.

pub mod coordinator;
mod core_error;
pub mod custodian;
pub mod openapi;
pub mod wire;

pub(crate) use core_error::core_error;
