//! Quorate layer 2: the sans-IO QuorumVM core (`spec/quorumvm.md`).
//!
//! Implements spec version 0.1.0 (`spec/quorumvm.md`, requirement IDs `QVM-001` to `QVM-073`). A program written
//! in the DSL (`dsl`) is packaged with its policy under a content-addressed program id, and
//! evaluated by N custodians holding Shamir shares (`shamir`) over F_p (`field`), any K of
//! whom suffice in every round, with Beaver triples dealt at install for multiplications.
//!
//! | module | what | requirements |
//! |---|---|---|
//! | [`package`] | secret and policy manifests, the Program Package, `program_id` | QVM-001..006 |
//! | [`analysis`] | what the output depends on; the affine-in-S_v warning | QVM-005, QVM-051 |
//! | [`eval`] | inputs and cleartext evaluation | QVM-010, QVM-011 |
//! | [`deal`] | the installer's dealing of S_v shares and Beaver triples | QVM-031, QVM-052 |
//! | [`message`] | the messages between coordinator and custodians | QVM-033..045 |
//! | [`custodian`] | one custodian's state machine | QVM-030..036, QVM-042, QVM-045 |
//! | [`coordinator`] | one evaluation's coordinator state machine | QVM-034, QVM-041..045 |
//! | [`simulate`] | the deterministic in-process run of vectors, its transcript | QVM-040, QVM-046, QVM-047 |
//! | [`policy`] | token buckets and budgets per identity, policy traces | QVM-060..065 |
//! | [`audit`] | the hash-chained audit log and its verification | QVM-070..073 |
//! | [`ops`] | the `qvm.*` operations over JSON, for the conformance driver | — |
//!
//! Architecture invariants: no I/O, no async, no clock (time is a `u64` of milliseconds passed
//! in), no ambient randomness (every draw comes from a [`canon::drbg::Drbg`] passed in; real
//! deployments seed it from 256 bits of fresh OS entropy, QVM-052), no `unsafe`, no panic on any
//! input. The coordinator never holds S_v or a triple: its API takes [`eval::Inputs`], which
//! cannot carry S_v, and the [`deal`] functions are for the installer. `Debug` never prints a
//! share, a triple, S_v or an input value.
//!
//! Security model and limits: spec/quorumvm.md §4.3 (QVM-050, QVM-051).
//!
//! ```
//! use quorumvm::package::{Package, PolicyManifest, Program};
//! let ir = dsl::compile("input x\nconst c = 7\nadd t = x c\nmul y = t t\noutput y\n")
//!     .map_err(|d| format!("{d:?}"))?;
//! let package = Package::build(Program::new(ir), PolicyManifest::new(1, 10, 5)?, "1.0.0")?;
//! assert_eq!(package.program_id().len(), 64);
//! assert_eq!(package.program().triples_per_evaluation(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub mod analysis;
pub mod audit;
mod circuit;
pub mod coordinator;
pub mod custodian;
pub mod deal;
mod encoding;
mod error;
pub mod eval;
pub mod message;
pub mod ops;
pub mod package;
pub mod policy;
pub mod simulate;

pub use error::Error;

/// The version of `spec/quorumvm.md` this crate implements.
pub const SPEC_VERSION: &str = "0.1.0";
