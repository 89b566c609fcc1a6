//! Quorate layer 2: what the HTTP services share, so that none borrows it from another.
//!
//! The QuorumVM custodian and coordinator (`quorumvm-service`), Sigil's shell (`sigil::http`)
//! and the MTPScript service (`mtpscript-service`) answer every failure as the same
//! [`ServiceError`] (`{"error": {"code", "message"}}`, codes from `spec/errors.md`), keep their
//! state in SQLite opened the same way ([`sqlite::open`]: WAL, `synchronous=FULL`), seal secret
//! material under the same [`at_rest::AtRestKey`] (AES-256-GCM, QVM-024) and are served the same
//! way ([`http::serve`]: no Nagle delay, graceful shutdown). It links no service's core.

pub mod at_rest;
mod error;
pub mod http;
pub mod sqlite;

pub use error::ServiceError;
