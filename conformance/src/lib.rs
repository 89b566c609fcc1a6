//! The Quorate conformance runner, for spec version 0.1.0 and adapter protocol 1.
//!
//! It loads vector files ([`vectors`]) and the public known-answer suites ([`external`]) into
//! one [`Case`] model, runs them against any implementation through the adapter protocol of
//! `spec/protocol.md` ([`adapter`], [`run()`](run::run)), judges each answer ([`judge`]), honours expected
//! failures ([`xfail`]), renders reports ([`report`]) and computes the hash-equality digest
//! ([`digest`]). Service scenarios ([`service`]) are played over HTTP against the base URLs of a
//! QuorumVM coordinator and its custodians and reported the same way, one record per step.
//!
//! Architecture invariant: this library links no reference crate. It judges the reference
//! implementation through the same protocol it uses for third parties, so the suite cannot bend
//! to the reference's API; even its JSON canonicalization for digests comes from an independent
//! crate.
//!
//! ```no_run
//! use conformance::{adapter::Subprocess, report, run, vectors};
//! # fn main() -> Result<(), conformance::Error> {
//! let cases = conformance::case::flatten(&vectors::load("vectors".as_ref())?);
//! let mut adapter = Subprocess::new("python3 conformance/adapters/python/adapter.py")?;
//! let report = run::run(&cases, &mut adapter, &run::RunOptions::default(), &mut report::Progress::new())?;
//! report::write(&report, report::Format::Text, &mut std::io::stdout()).ok();
//! report.ensure_passed()
//! # }
//! ```

pub mod adapter;
pub mod case;
pub mod digest;
mod error;
pub mod external;
mod file_format;
pub mod judge;
pub mod report;
pub mod run;
pub mod service;
pub mod trials;
pub mod vectors;
pub mod xfail;

pub use case::{Case, Expect, Suite};
pub use error::{Error, Result};
pub use judge::Outcome;
pub use run::{CaseRecord, RunOptions, RunReport, run};
pub use xfail::{Xfails, load_xfails};

/// The spec version this runner implements; vector files must carry it.
pub const SPEC_VERSION: &str = "0.1.0";
/// Lowest adapter protocol version spoken.
pub const PROTOCOL_MIN: u64 = 1;
/// Highest adapter protocol version spoken.
pub const PROTOCOL_MAX: u64 = 1;
