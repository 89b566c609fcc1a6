//! The one error type of the runner.
//!
//! Per-case problems of an implementation (a wrong answer, a crash, a timeout) are never errors:
//! they are [`Outcome`](crate::judge::Outcome)s recorded in the report. An [`Error`] means the
//! runner itself cannot do what it was asked: a vector file is invalid, an external suite is
//! missing, the adapter cannot be spawned, a report is truncated.

use std::path::PathBuf;

use crate::digest::Mismatch;

/// Everything that can stop the runner. Each variant maps to one `RUNNER_*` code ([`Error::code`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },

    /// A vector file does not follow `vectors/README.md`.
    #[error("{}{}: {message}", path.display(), case.as_ref().map(|c| format!(" (case {c})")).unwrap_or_default())]
    VectorInvalid {
        /// The vector file.
        path: PathBuf,
        /// The case id, when the fault is inside one case.
        case: Option<String>,
        /// What is wrong.
        message: String,
    },

    /// `vectors/MANIFEST.json` disagrees with the files on disk.
    #[error("{}: {message}", path.display())]
    ManifestMismatch {
        /// The manifest (or the file it disagrees about).
        path: PathBuf,
        /// What disagrees.
        message: String,
    },

    /// A file of an external suite is missing.
    #[error("external suite file missing: {}", path.display())]
    ExternalMissing {
        /// The missing file.
        path: PathBuf,
    },

    /// A file of an external suite exists but cannot be turned into cases.
    #[error("{}{}: {message}", path.display(), item.as_ref().map(|i| format!(" ({i})")).unwrap_or_default())]
    ExternalInvalid {
        /// The file.
        path: PathBuf,
        /// The line, test id or entry at fault.
        item: Option<String>,
        /// What is wrong.
        message: String,
    },

    /// The adapter command line is unusable or the process cannot be started.
    #[error("cannot start adapter `{command}`: {message}")]
    AdapterSpawn {
        /// The command line as given.
        command: String,
        /// Why.
        message: String,
    },

    /// `[[xfail]]` tables in `claims.toml` are malformed.
    #[error("{}: {message}", path.display())]
    XfailInvalid {
        /// The claims file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },

    /// Expected-failure entries that match no case of the run.
    #[error("xfail entries match no case: {}", patterns.join(", "))]
    XfailStale {
        /// The `case` patterns of the stale entries.
        patterns: Vec<String>,
    },

    /// A golden digest file is malformed or internally inconsistent.
    #[error("{}:{line}: {message}", path.display())]
    GoldenInvalid {
        /// The golden file.
        path: PathBuf,
        /// The 1-based line (0 for the whole file).
        line: usize,
        /// What is wrong.
        message: String,
    },

    /// The digest of a run differs from the golden digest.
    #[error("{0}")]
    GoldenMismatch(Box<Mismatch>),

    /// A JSON report file is malformed.
    #[error("{}:{line}: {message}", path.display())]
    ReportInvalid {
        /// The report file.
        path: PathBuf,
        /// The 1-based line (0 for the whole file).
        line: usize,
        /// What is wrong.
        message: String,
    },

    /// A report has no `{"complete": true}` footer: the run was truncated.
    #[error("{}: report has no complete footer; a truncated run never passes", path.display())]
    ReportTruncated {
        /// The report file.
        path: PathBuf,
    },

    /// The run finished and did not pass (PROTO-042).
    #[error("conformance run failed: {failed} failing case(s)")]
    RunFailed {
        /// How many cases (and stale expected-failure entries) count as failing.
        failed: usize,
    },
}

impl Error {
    /// The stable error code (listed in `spec/errors.md`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "RUNNER_IO",
            Error::VectorInvalid { .. } => "RUNNER_VECTOR_INVALID",
            Error::ManifestMismatch { .. } => "RUNNER_MANIFEST_MISMATCH",
            Error::ExternalMissing { .. } => "RUNNER_EXTERNAL_MISSING",
            Error::ExternalInvalid { .. } => "RUNNER_EXTERNAL_INVALID",
            Error::AdapterSpawn { .. } => "RUNNER_ADAPTER_SPAWN",
            Error::XfailInvalid { .. } => "RUNNER_XFAIL_INVALID",
            Error::XfailStale { .. } => "RUNNER_XFAIL_STALE",
            Error::GoldenInvalid { .. } => "RUNNER_GOLDEN_INVALID",
            Error::GoldenMismatch(_) => "RUNNER_GOLDEN_MISMATCH",
            Error::ReportInvalid { .. } => "RUNNER_REPORT_INVALID",
            Error::ReportTruncated { .. } => "RUNNER_REPORT_TRUNCATED",
            Error::RunFailed { .. } => "RUNNER_RUN_FAILED",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
