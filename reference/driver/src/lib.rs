//! The Quorate reference implementation behind the adapter protocol.
//!
//! Spec version 0.1.0 (`spec/protocol.md`). `quorate driver` serves this over stdin/stdout;
//! the conformance test target calls [`Driver::handle`] in-process. Both paths share this one
//! dispatcher, so the subprocess path and the in-process path cannot disagree.
//!
//! The driver is a thin translation layer: it validates the JSON shape of a case (PROTO-070),
//! decodes hex (CANON-060), calls the reference crates and encodes their results. It holds no
//! protocol logic of its own beyond that.

mod input;
mod ops;
mod protocol;
mod typed_cbor;

pub use ops::{features, run_case};
pub use protocol::{Driver, MAX_LINE_BYTES, serve, serve_with_line_limit};

/// The error of one case: a spec error code, never a message to be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    code: &'static str,
    detail: String,
}

impl CaseError {
    /// A case whose input does not have the shape its operation needs (PROTO-070).
    pub(crate) fn invalid(detail: impl Into<String>) -> Self {
        Self {
            code: "PROTO_CASE_INVALID",
            detail: detail.into(),
        }
    }

    /// An error with a code the reference crates report as data (e.g. a DSL diagnostic).
    pub(crate) fn with_code(code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
        }
    }

    /// A hex-encoded input that is not hex (CANON-060).
    pub(crate) fn hex(detail: impl Into<String>) -> Self {
        Self {
            code: "CANON_HEX_INVALID",
            detail: detail.into(),
        }
    }

    /// The spec error code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// A human explanation, for logs only.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

/// Every reference crate's error becomes its spec code.
macro_rules! case_error_from {
    ($($error:ty),*) => {$(
        impl From<$error> for CaseError {
            fn from(error: $error) -> Self {
                Self { code: error.code(), detail: error.to_string() }
            }
        }
    )*};
}

case_error_from!(field::Error, shamir::Error, dsl::Error, quorumvm::Error);

impl From<canon::Error> for CaseError {
    fn from(error: canon::Error) -> Self {
        Self {
            code: error.code(),
            detail: error.to_string(),
        }
    }
}
