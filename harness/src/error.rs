//! The one error type of the harness.
//!
//! A check never stops at the first problem: [`crate::spec::spec_check`] and
//! [`crate::claims::check`] collect every [`Error`] they find and return them together. Each
//! variant maps to one stable `HARNESS_*` code ([`Error::code`]).

use std::fmt;
use std::path::PathBuf;

/// Where a requirement ID is cited.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Citation {
    /// In the `reqs` array of a vector case.
    Vector {
        /// The vector file, relative to the repository root (`vectors/canon/json.json`).
        file: String,
        /// The full case id, `<suite>/<id>`.
        case: String,
    },
    /// In an `Enforces <ID>` source comment.
    Code(Site),
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Citation::Vector { file, case } => write!(f, "{file} (case {case})"),
            Citation::Code(site) => write!(f, "{site}"),
        }
    }
}

/// A line in a file of the repository.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Site {
    /// The file, relative to the repository root, with `/` separators.
    pub path: String,
    /// The 1-based line.
    pub line: usize,
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path, self.line)
    }
}

/// Everything the spec check and the claims check can report.
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

    /// A file does not follow its format (spec markdown, vector JSON, `claims.toml`, a report,
    /// README claim markers).
    #[error("{}{}: {message}", path, line.map(|l| format!(":{l}")).unwrap_or_default())]
    Parse {
        /// The file, relative to the repository root when it is inside it.
        path: String,
        /// The 1-based line, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },

    /// A requirement ID is defined twice.
    #[error("{id} is defined twice: {first} and {second}")]
    ReqDuplicate {
        /// The ID.
        id: String,
        /// The first definition.
        first: Site,
        /// The later definition.
        second: Site,
    },

    /// A requirement ID is cited but defined nowhere in `spec/`.
    #[error("{id} is cited at {at} but not defined in spec/")]
    ReqUnknown {
        /// The ID as written.
        id: String,
        /// Where it is cited.
        at: Citation,
    },

    /// A MUST requirement has no vector case, no `*No vector:*` reason and no `*Tested by:*`.
    #[error(
        "{id} ({at}) is a MUST with no vector case citing it, no `*No vector:*` reason and no `*Tested by:*` test"
    )]
    ReqUncovered {
        /// The ID.
        id: String,
        /// Its definition.
        at: Site,
    },

    /// A `*Tested by:*` annotation names a test that no scanned source file defines.
    #[error(
        "{id} ({at}) names `{test}` under *Tested by:*, but no `fn {test}(` exists in the code"
    )]
    TestUnknown {
        /// The requirement.
        id: String,
        /// Its definition.
        at: Site,
        /// The test name.
        test: String,
    },

    /// The generated requirement index differs from what the sources produce.
    #[error("{path} is stale ({reason}); regenerate it with `{command}`")]
    IndexStale {
        /// The index file, relative to the repository root.
        path: String,
        /// Missing, or how it differs.
        reason: String,
        /// The command that regenerates it.
        command: &'static str,
    },

    /// README.md makes a claim (`claim:<id>`) that `claims.toml` does not list.
    #[error("README.md:{line}: `claim:{id}` has no [[claim]] in claims.toml")]
    ClaimMissing {
        /// The claim id.
        id: String,
        /// The first README line that makes it.
        line: usize,
    },

    /// `claims.toml` lists a claim that README.md does not make.
    #[error("claims.toml: claim `{id}` does not appear in README.md as `claim:{id}`")]
    ClaimStale {
        /// The claim id.
        id: String,
    },

    /// `claims.toml` lists the same claim id twice.
    #[error("claims.toml: claim `{id}` is listed twice")]
    ClaimDuplicate {
        /// The claim id.
        id: String,
    },

    /// A claim has no proof, or one of its proofs does not hold.
    #[error("claim `{claim}`: {proof}: {reason}")]
    ClaimUnproven {
        /// The claim id.
        claim: String,
        /// The proof, as written (`suite canon/json in reference.jsonl`), or `no proofs`.
        proof: String,
        /// Why it does not hold.
        reason: String,
    },

    /// A conformance report has no `{"complete": true}` footer: the run was truncated and
    /// proves nothing (PROTO-041).
    #[error("{path}: report has no complete footer; a truncated run proves nothing")]
    ReportTruncated {
        /// The report file.
        path: String,
    },
}

impl Error {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "HARNESS_IO",
            Error::Parse { .. } => "HARNESS_PARSE",
            Error::ReqDuplicate { .. } => "HARNESS_REQ_DUPLICATE",
            Error::ReqUnknown { .. } => "HARNESS_REQ_UNKNOWN",
            Error::ReqUncovered { .. } => "HARNESS_REQ_UNCOVERED",
            Error::TestUnknown { .. } => "HARNESS_TEST_UNKNOWN",
            Error::IndexStale { .. } => "HARNESS_INDEX_STALE",
            Error::ClaimMissing { .. } => "HARNESS_CLAIM_MISSING",
            Error::ClaimStale { .. } => "HARNESS_CLAIM_STALE",
            Error::ClaimDuplicate { .. } => "HARNESS_CLAIM_DUPLICATE",
            Error::ClaimUnproven { .. } => "HARNESS_CLAIM_UNPROVEN",
            Error::ReportTruncated { .. } => "HARNESS_REPORT_TRUNCATED",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn parse(path: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Error::Parse {
            path: path.to_owned(),
            line,
            message: message.into(),
        }
    }
}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
