//! The generator's one error type.

use std::path::PathBuf;

/// Why generation or a drift check failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The reference disagreed with a filler's stated intent, or a property failed.
    #[error("{suite}/{id}: {detail}")]
    Filler {
        /// Suite of the case.
        suite: String,
        /// Case id.
        id: String,
        /// What went wrong.
        detail: String,
    },
    /// Several fillers failed; each is listed.
    #[error("{} fillers failed:\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Fillers(Vec<Error>),
    /// Two fillers in one suite share an id.
    #[error("{suite}: duplicate case id `{id}`")]
    DuplicateId {
        /// Suite of the case.
        suite: String,
        /// The repeated id.
        id: String,
    },
    /// A committed file differs from what the generator produces.
    #[error("{path}: {detail} (run `quorate vectors generate`)")]
    Drift {
        /// The stale file.
        path: PathBuf,
        /// What differs.
        detail: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A generated document could not be canonicalized (a generator bug).
    #[error("canonicalizing {what}: {source}")]
    Canon {
        /// What was being canonicalized.
        what: String,
        /// The canonicalizer's error.
        source: canon::Error,
    },
}

impl Error {
    /// The stable error code (spec/errors.md).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Filler { .. }
            | Error::Fillers(_)
            | Error::DuplicateId { .. }
            | Error::Canon { .. } => "VECTORS_GENERATION_FAILED",
            Error::Drift { .. } => "VECTORS_DRIFT",
            Error::Io { .. } => "VECTORS_IO",
        }
    }
}
