//! One module per subcommand, and what they share: finding the repository root and reporting
//! failures with a stable code.

pub(crate) mod bench;
pub(crate) mod claims;
pub(crate) mod conformance;
pub(crate) mod demo;
pub(crate) mod digest;
pub(crate) mod driver;
pub(crate) mod dsl;
pub(crate) mod mtp;
pub(crate) mod serve;
pub(crate) mod vectors;

use std::path::{Path, PathBuf};

/// A command failure: a stable code (spec/errors.md) and a message. Exit status 2.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

pub(crate) type Outcome = Result<std::process::ExitCode, Failure>;

/// The repository root: `--root`, or the nearest ancestor with `vectors/README.md`.
pub(crate) fn root(explicit: Option<PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(root) = explicit {
        return Ok(root);
    }
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::new("CLI_ROOT_NOT_FOUND", format!("current directory: {e}")))?;
    cwd.ancestors()
        .find(|dir| dir.join("vectors").join("README.md").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            Failure::new(
                "CLI_ROOT_NOT_FOUND",
                "no ancestor of the current directory has vectors/README.md; pass --root DIR",
            )
        })
}
