//! Quorate layer 2: Sigil, a default-deny trust-decision service (`spec/sigil.md`).
//!
//! Implements spec version 0.1.0 (`SIGIL-001` to `SIGIL-080`). The crate is a sans-IO core —
//! pure functions and state machines with time, identifiers and keys passed in — and one thin
//! shell, [`http`], that moves the core's values over HTTP (axum) and keeps them in SQLite.
//!
//! | module | what | requirements |
//! |---|---|---|
//! | [`features`] | check requests, levels of assurance, the 21 trust features, input entropy | SIGIL-001..005 |
//! | [`float`] | `sexp` and `slog2`: exp and log2 defined bit for bit | SIGIL-004, SIGIL-006 |
//! | [`model`] | the logistic trust model, its id and its score | SIGIL-007..009 |
//! | [`decide`] | one decision: request -> ReasoningChain (default-deny on error) | SIGIL-010..012 |
//! | [`chain`] | ReasoningChain -> FrozenChain: hash, sign, verify | SIGIL-012..014 |
//! | [`record`] | CanonicalRecord v1: shape, hash, signatures, verification | SIGIL-020..022 |
//! | [`quorum`] | counting witness attestations | SIGIL-042 |
//! | [`registry`] | the system state: witnesses, k, model, modules (a fold of system records) | SIGIL-041 |
//! | [`keys`] | the service's key history | SIGIL-051 |
//! | [`module`] | module specs, the LOA gate, the sandbox runner trait, the built-in `hello` | SIGIL-060, SIGIL-061 |
//! | [`sandbox`] | [`sandbox::MtpRunner`]: modules in the MTPScript sandbox | SIGIL-061 |
//! | [`cdc`] | outbox envelopes and projections with the replay property | SIGIL-070, SIGIL-071 |
//! | [`http`] | the service: axum routes, SQLite store, group commit, at-rest encryption | SIGIL-010..080 |
//!
//! Architecture invariants: the core modules do no I/O, read no clock and draw no randomness
//! (the shell passes `ts`, ids and seeds in); floating point uses only `+ - * /`, `floor` and
//! exact scaling, in the order the spec states, never the platform's `exp` or `log2`; nothing
//! panics on input; every failure is an [`Error`] whose [`Error::code`] is a spec code.
//!
//! ```
//! use sigil::features::{CheckRequest, features};
//! use sigil::model::TrustModel;
//!
//! let request = CheckRequest::parse(br#"{"tenant":"acme","actor":"ann","action":"read",
//!     "target":"public:doc","loa":"Operator","input":"hello"}"#)?;
//! let score = TrustModel::default_model().score(&features(&request, 0))?;
//! assert!(score.allowed);
//! # Ok::<(), sigil::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod cdc;
pub mod chain;
pub mod decide;
mod error;
pub mod features;
pub mod float;
pub mod http;
pub mod json;
pub mod keys;
pub mod model;
pub mod module;
pub mod quorum;
pub mod record;
pub mod registry;
pub mod sandbox;

pub use error::Error;

/// The version of `spec/sigil.md` this crate implements.
pub const SPEC_VERSION: &str = "0.1.0";
