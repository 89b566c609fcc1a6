//! Quorate's harness: the requirement index and the claims check.
//!
//! Spec version: 0.1.0.
//!
//! - [`spec`]: which requirement IDs `spec/*.md` defines, where vectors and `Enforces` comments
//!   cite them, whether every MUST is covered, and the generated `spec/INDEX.md`
//!   (`quorate claims index [--check]`).
//! - [`claims`]: every claim README.md makes (`` `claim:<id>` ``) has an entry in `claims.toml`
//!   whose proofs hold against conformance reports and the cargo test log
//!   (`quorate claims check [--out DIR]`).
//!
//! Each check is a sans-IO core over strings ([`spec::analyze`], [`spec::render_index`],
//! [`claims::evaluate`]) with a thin wrapper that reads the repository ([`spec::spec_check`],
//! [`spec::write_index`], [`claims::check`]). Checks collect every problem rather than stopping
//! at the first; each is an [`Error`] with a stable `HARNESS_*` [`Error::code`].

pub mod claims;
mod error;
mod markdown;
pub mod spec;
mod walk;

pub use error::{Citation, Error, Result, Site};
