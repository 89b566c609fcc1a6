//! The crate's one error type; `code()` returns the spec/errors.md §MTPScript codes.

/// Everything that can go wrong before a request runs (a run's own outcome is a
/// [`crate::Response`], never an `Error`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `MTP_GAS_LIMIT` is not a valid limit (MTP-060).
    #[error(
        "MTP_GAS_LIMIT must be ASCII decimal 1..=2000000000 without sign, spaces or leading zeros, got {value:?}"
    )]
    GasLimitInvalid {
        /// The rejected value.
        value: String,
    },
    /// A request context field is too long (MTP-065).
    #[error("request context field {field} is {len} bytes, over 1024")]
    ContextInvalid {
        /// The field's name.
        field: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// The program was rejected at compile time (MTP-001..MTP-010).
    #[error("{code} at {line}:{column}: {message}")]
    Compile {
        /// The MTP-010 code.
        code: &'static str,
        /// 1-based line.
        line: u32,
        /// 1-based column (Unicode scalar values).
        column: u32,
        /// A human-readable reason (never compared).
        message: String,
    },
    /// The `.msqs` bytes are not the MTP-080 map (MTP-081).
    #[error("snapshot malformed: {reason}")]
    SnapshotMalformed {
        /// Why.
        reason: String,
    },
    /// The snapshot signature does not verify (MTP-081).
    #[error("snapshot signature does not verify")]
    SnapshotSignatureInvalid,
    /// The snapshot was built for another engine (MTP-081).
    #[error(
        "snapshot built for engine {found:?} (bytecode {found_version}), this runtime is {expected:?}"
    )]
    SnapshotEngineMismatch {
        /// The runtime's engine identity.
        expected: String,
        /// The snapshot's.
        found: String,
        /// The snapshot's bytecode version.
        found_version: u64,
    },
    /// The snapshot was built against another cost table (MTP-081).
    #[error("snapshot built against another Annex A cost table")]
    SnapshotCostTableMismatch,
    /// A signing key that canon refuses.
    #[error("signing key: {0}")]
    Key(canon::Error),
    /// The engine could not create a VM or compile the instrumented program.
    #[error("engine failure: {reason}")]
    Engine {
        /// Why.
        reason: String,
    },
}

impl Error {
    /// The spec/errors.md code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::GasLimitInvalid { .. } => "MTP_GAS_LIMIT_INVALID",
            Self::ContextInvalid { .. } => "MTP_CONTEXT_INVALID",
            Self::Compile { code, .. } => code,
            Self::SnapshotMalformed { .. } => "MTP_SNAPSHOT_MALFORMED",
            Self::SnapshotSignatureInvalid => "MTP_SNAPSHOT_SIGNATURE_INVALID",
            Self::SnapshotEngineMismatch { .. } => "MTP_SNAPSHOT_ENGINE_MISMATCH",
            Self::SnapshotCostTableMismatch => "MTP_SNAPSHOT_COST_TABLE_MISMATCH",
            Self::Key(e) => e.code(),
            Self::Engine { .. } => "MTP_ENGINE_FAILURE",
        }
    }
}
