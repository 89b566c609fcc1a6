//! Rendering a [`RunReport`]: text (summary table), JSON lines and JUnit XML, each ending with
//! a footer that says the run is complete (PROTO-041); and a progress display on stderr.

pub mod json;
pub mod junit;
mod progress;
pub mod text;

use std::collections::BTreeMap;
use std::io::Write;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use json::read_json_report;
pub use progress::Progress;

use crate::judge::Outcome;
use crate::run::{CaseRecord, RunReport, Status};

/// A report format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Summary table, failing cases, final `conformance: N passed, M failed` line.
    #[default]
    Text,
    /// JSON lines: header, one record per case, footer.
    Json,
    /// JUnit XML: one testcase per case, classname = suite.
    Junit,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "junit" => Ok(Format::Junit),
            other => Err(format!(
                "unknown report format {other:?} (text, json, junit)"
            )),
        }
    }
}

/// Writes `report` in `format`.
pub fn write(report: &RunReport, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Text => text::write(report, out),
        Format::Json => json::write(report, out),
        Format::Junit => junit::write(report, out),
    }
}

/// Case counts by column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Every case.
    pub cases: usize,
    /// `pass`, not an expected failure.
    pub pass: usize,
    /// `fail`, plus expected failures that passed ("unexpected pass").
    pub fail: usize,
    /// Expected failures that did not pass.
    pub xfail: usize,
    /// `unsupported`.
    pub unsupported: usize,
    /// `skipped`.
    pub skipped: usize,
    /// `error`.
    pub error: usize,
    /// `crash`.
    pub crash: usize,
    /// `timeout`.
    pub timeout: usize,
    /// `protocol_violation`.
    pub protocol_violation: usize,
}

impl Counts {
    /// Counts one record.
    pub fn add(&mut self, record: &CaseRecord) {
        self.cases += 1;
        let slot = match (record.outcome, record.xfail.is_some()) {
            (Outcome::Pass, true) => &mut self.fail,
            (_, true) => &mut self.xfail,
            (Outcome::Pass, false) => &mut self.pass,
            (Outcome::Fail, false) => &mut self.fail,
            (Outcome::Unsupported, false) => &mut self.unsupported,
            (Outcome::Skipped, false) => &mut self.skipped,
            (Outcome::Error, false) => &mut self.error,
            (Outcome::Crash, false) => &mut self.crash,
            (Outcome::Timeout, false) => &mut self.timeout,
            (Outcome::ProtocolViolation, false) => &mut self.protocol_violation,
        };
        *slot += 1;
    }

    /// The columns after `cases`, in table order, with their names.
    pub fn columns(&self) -> [(&'static str, usize); 10] {
        [
            ("cases", self.cases),
            ("pass", self.pass),
            ("fail", self.fail),
            ("xfail", self.xfail),
            ("unsupported", self.unsupported),
            ("skipped", self.skipped),
            ("error", self.error),
            ("crash", self.crash),
            ("timeout", self.timeout),
            ("protocol_violation", self.protocol_violation),
        ]
    }
}

/// Per-suite and total counts, and the verdict numbers of the final line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Suite -> counts (sorted by suite).
    pub suites: BTreeMap<String, Counts>,
    /// All suites together.
    pub total: Counts,
    /// Cases that passed and were not expected to fail.
    pub passed: usize,
    /// Cases that make the run fail (everything not pass, xfail or allowed unsupported), plus
    /// stale `[[xfail]]` entries.
    pub failed: usize,
    /// Expected failures that passed.
    pub unexpected_passes: usize,
    /// Stale `[[xfail]]` entries.
    pub stale_xfails: usize,
    /// The run digest (PROTO-061).
    pub digest: String,
}

impl Summary {
    /// Summarizes a report.
    pub fn of(report: &RunReport) -> Summary {
        let mut summary = Summary {
            passed: report.passed_count(),
            failed: report.failed_count(),
            stale_xfails: report.stale_xfails.len(),
            digest: crate::digest::Golden::from_records(&report.records).digest,
            ..Summary::default()
        };
        for record in &report.records {
            summary.total.add(record);
            summary
                .suites
                .entry(record.suite.clone())
                .or_default()
                .add(record);
            if record.status(report.allow_unsupported) == Status::UnexpectedPass {
                summary.unexpected_passes += 1;
            }
        }
        summary
    }
}
