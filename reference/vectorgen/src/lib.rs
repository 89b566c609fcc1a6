//! Generates Quorate's vector files from fillers, deterministically.
//!
//! Spec version 0.1.0. A *filler* ([`Case`]) states a case's input and, where the spec fixes it,
//! the intended answer ([`Intent`]). The generator runs every filler through the reference
//! ([`driver::run_case`]), refuses to write a file when the reference disagrees with an intent,
//! asserts per-operation properties (round trips, verification of what was signed) and only then
//! renders the file in RFC 8785 form. `vectors check` regenerates in memory and compares bytes.
//!
//! Generated vectors are circular for the generator; the independent Python implementation and
//! the upstream suites are what make them trustworthy (vectors/README.md, "Trust").

mod case;
mod error;
mod file;
mod manifest;
mod properties;
mod service;
mod suites;

pub use case::{Case, Intent, Suite};
pub use error::Error;
pub use file::{GeneratedFile, generate};
pub use manifest::{MANIFEST_PATH, check, write};
pub use service::SERVICE_KIND;

/// The spec version every generated file is stamped with.
pub const SPEC_VERSION: &str = "0.1.0";

/// The generator's name and version, written into each file header.
pub const GENERATOR: &str = concat!("quorate-vectorgen ", env!("CARGO_PKG_VERSION"));
