//! What a run produces: one [`CaseRecord`] per case and the [`RunReport`] around them.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::adapter::Implementation;
use crate::error::{Error, Result};
use crate::judge::Outcome;
use crate::xfail::XfailEntry;

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    /// The suite.
    pub suite: String,
    /// The case id.
    pub id: String,
    /// The requirement IDs the case checks.
    pub reqs: Vec<String>,
    /// The operation.
    pub op: String,
    /// The outcome (spec/protocol.md §3).
    pub outcome: Outcome,
    /// Expected vs got, or why the case was not judged.
    #[serde(default)]
    pub detail: String,
    /// The PROTO-060 output hash.
    pub output_hash: String,
    /// The reason, when the case is an expected failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xfail: Option<String>,
    /// The adapter's result object (`{"ok":…}`/`{"error":…}`) for `pass` and `fail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
}

/// How a record counts towards the verdict of the run (PROTO-042).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `pass`, not declared as an expected failure.
    Passed,
    /// Declared as an expected failure and did not pass.
    ExpectedFailure,
    /// Declared as an expected failure and passed: an error.
    UnexpectedPass,
    /// `unsupported`, in a run that allows it.
    AllowedUnsupported,
    /// Anything else.
    Failed,
}

impl Status {
    /// Whether this record makes the run fail.
    pub fn is_failure(self) -> bool {
        matches!(self, Status::UnexpectedPass | Status::Failed)
    }
}

impl CaseRecord {
    /// `<suite>/<id>`.
    pub fn full_id(&self) -> String {
        format!("{}/{}", self.suite, self.id)
    }

    /// How this record counts. Enforces PROTO-042.
    pub fn status(&self, allow_unsupported: bool) -> Status {
        match (self.outcome, self.xfail.is_some()) {
            (Outcome::Pass, false) => Status::Passed,
            (Outcome::Pass, true) => Status::UnexpectedPass,
            (_, true) => Status::ExpectedFailure,
            (Outcome::Unsupported, false) if allow_unsupported => Status::AllowedUnsupported,
            _ => Status::Failed,
        }
    }
}

/// A whole run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// The transport's description (the adapter command line).
    pub adapter: String,
    /// From the last successful handshake, if any.
    pub implementation: Option<Implementation>,
    /// The protocol version chosen in the last handshake.
    pub protocol: Option<u64>,
    /// The features declared in the last handshake.
    pub features: Vec<String>,
    /// One record per case, in run order.
    pub records: Vec<CaseRecord>,
    /// Whether every case has its record; a report read back without a footer is refused, so
    /// this is `false` only for a report still being built (PROTO-041).
    pub complete: bool,
    /// When the run started.
    pub started: SystemTime,
    /// How long it took.
    pub elapsed: Duration,
    /// How many times the adapter was restarted (PROTO-040).
    pub restarts: usize,
    /// How many handshakes succeeded (1 + replays after restarts).
    pub handshakes: usize,
    /// `[[xfail]]` entries that matched no case: each makes the run fail.
    pub stale_xfails: Vec<XfailEntry>,
    /// Whether `unsupported` cases pass (PROTO-042).
    pub allow_unsupported: bool,
    /// Free text printed with the report (e.g. out-of-scope external cases).
    pub notes: Vec<String>,
}

impl RunReport {
    /// Records that make the run fail.
    pub fn failures(&self) -> impl Iterator<Item = &CaseRecord> {
        self.records
            .iter()
            .filter(|r| r.status(self.allow_unsupported).is_failure())
    }

    /// Failing records plus stale expected-failure entries.
    pub fn failed_count(&self) -> usize {
        self.failures().count() + self.stale_xfails.len()
    }

    /// Records with outcome `pass` that were not expected to fail.
    pub fn passed_count(&self) -> usize {
        self.records
            .iter()
            .filter(|r| r.status(self.allow_unsupported) == Status::Passed)
            .count()
    }

    /// Whether the run passes (PROTO-041, PROTO-042).
    pub fn passed(&self) -> bool {
        self.complete && self.failed_count() == 0
    }

    /// `Ok` when the run passes; otherwise the reason as an [`Error`].
    pub fn ensure_passed(&self) -> Result<()> {
        if !self.complete {
            return Err(Error::ReportTruncated {
                path: "<run>".into(),
            });
        }
        let failing = self.failures().count();
        if failing > 0 {
            return Err(Error::RunFailed {
                failed: self.failed_count(),
            });
        }
        if !self.stale_xfails.is_empty() {
            return Err(Error::XfailStale {
                patterns: self.stale_xfails.iter().map(|e| e.case.clone()).collect(),
            });
        }
        Ok(())
    }
}
