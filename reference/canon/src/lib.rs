//! Quorate layer 0: the canonical encodings and primitives of `spec/canon.md`.
//!
//! Implements spec version 0.1.0 (`spec/canon.md`, requirement IDs `CANON-001` to `CANON-060`).
//! Everything Quorate hashes, signs or compares goes through this crate first:
//!
//! | module | what | requirements |
//! |---|---|---|
//! | [`json`] | strict RFC 8259 parsing, RFC 8785 (JCS) canonical form | CANON-001..017 |
//! | [`cbor`] | deterministic CBOR (RFC 7049 §3.9, length-first map order) and typed CBOR | CANON-020..028 |
//! | [`fnv`] | FNV-1a 64 | CANON-030 |
//! | [`id`] | SHA-256 and content identifiers | CANON-031, CANON-032 |
//! | [`mac`] | HMAC-SHA256 with constant-time, truncation-aware verification | CANON-033, CANON-034 |
//! | [`ed25519`] | RFC 8032 Ed25519 with strict verification | CANON-040..042 |
//! | [`ecdsa`] | P-256 / SHA-256 ECDSA, RFC 6979 nonces, P1363 and strict DER | CANON-043..047 |
//! | [`drbg`] | the ChaCha20 DRBG seeded by a label | CANON-050, CANON-051 |
//! | [`hex`] | strict lowercase hex | CANON-060 |
//!
//! Architecture invariants: no I/O, no async, no clock, no ambient randomness and no global
//! state; no `unsafe`; no panic on any input (every fault becomes an [`Error`] whose
//! [`Error::code`] is the spec's error code); no recursion deeper than the spec's nesting limit
//! of 128 levels.
//!
//! ```
//! let canonical = canon::json::canonicalize(br#"{"b": 1.50, "a": [true, null]}"#)?;
//! assert_eq!(canonical.as_str(), r#"{"a":[true,null],"b":1.5}"#);
//! let id = canon::id::ContentId::of_json(&canonical);
//! assert_eq!(id.to_string().len(), 64);
//! # Ok::<(), canon::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod cbor;
pub mod drbg;
pub mod ecdsa;
pub mod ed25519;
mod error;
pub mod fnv;
pub mod hex;
pub mod id;
pub mod json;
pub mod mac;

pub use error::{Error, Position, SigFailure};

/// The version of `spec/canon.md` this crate implements.
pub const SPEC_VERSION: &str = "0.1.0";

/// The deepest nesting accepted in JSON (CANON-013) and CBOR (CANON-025): a value of depth
/// exactly 128 is accepted, 129 is rejected.
pub const MAX_DEPTH: usize = 128;
