//! The JSON-lines report: a header record, one record per case, and a footer
//! `{"record":"footer","complete":true,"summary":{…},…}` (PROTO-041); and the reader that
//! refuses a report without its footer.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Summary;
use crate::SPEC_VERSION;
use crate::adapter::Implementation;
use crate::error::{Error, Result};
use crate::run::{CaseRecord, RunReport};
use crate::xfail::XfailEntry;

/// The `kind` of the header record.
pub const REPORT_KIND: &str = "quorate.conformance.report";

/// The first line of a JSON report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Always `"header"`.
    pub record: String,
    /// Always [`REPORT_KIND`].
    pub kind: String,
    /// Report format version (1).
    pub format_version: u64,
    /// Spec version of the runner.
    pub spec_version: String,
    /// The adapter command line.
    pub adapter: String,
    /// The implementation from the handshake.
    pub implementation: Option<Implementation>,
    /// The protocol version chosen.
    pub protocol: Option<u64>,
    /// Declared features.
    pub features: Vec<String>,
    /// Start time, milliseconds since the Unix epoch.
    pub started_unix_ms: u64,
    /// Whether `unsupported` cases pass.
    pub allow_unsupported: bool,
    /// Free-text notes.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// The last line of a JSON report. Enforces PROTO-041.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Footer {
    /// Always `"footer"`.
    pub record: String,
    /// Always `true`: a report without this line is truncated.
    pub complete: bool,
    /// Counts, verdict numbers and digest.
    pub summary: Summary,
    /// Adapter restarts.
    pub restarts: usize,
    /// Successful handshakes.
    pub handshakes: usize,
    /// Stale `[[xfail]]` entries.
    #[serde(default)]
    pub stale_xfails: Vec<XfailEntry>,
    /// Duration of the run in milliseconds.
    pub elapsed_ms: u64,
}

#[derive(Serialize)]
struct CaseLine<'a> {
    record: &'static str,
    #[serde(flatten)]
    case: &'a CaseRecord,
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The header record of a report.
pub fn header(report: &RunReport) -> Header {
    Header {
        record: "header".into(),
        kind: REPORT_KIND.into(),
        format_version: 1,
        spec_version: SPEC_VERSION.into(),
        adapter: report.adapter.clone(),
        implementation: report.implementation.clone(),
        protocol: report.protocol,
        features: report.features.clone(),
        started_unix_ms: millis(
            report
                .started
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default(),
        ),
        allow_unsupported: report.allow_unsupported,
        notes: report.notes.clone(),
    }
}

/// The footer record of a complete report.
pub fn footer(report: &RunReport) -> Footer {
    Footer {
        record: "footer".into(),
        complete: report.complete,
        summary: Summary::of(report),
        restarts: report.restarts,
        handshakes: report.handshakes,
        stale_xfails: report.stale_xfails.clone(),
        elapsed_ms: millis(report.elapsed),
    }
}

/// Writes the report as JSON lines. The footer is written only for a complete run.
pub fn write(report: &RunReport, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, &header(report))?;
    writeln!(out)?;
    for case in &report.records {
        serde_json::to_writer(
            &mut *out,
            &CaseLine {
                record: "case",
                case,
            },
        )?;
        writeln!(out)?;
    }
    if report.complete {
        serde_json::to_writer(&mut *out, &footer(report))?;
        writeln!(out)?;
    }
    out.flush()
}

/// Reads a JSON-lines report back. Refuses a report without the complete footer
/// (`RUNNER_REPORT_TRUNCATED`) and one whose footer disagrees with its records. Enforces PROTO-041.
pub fn read_json_report(path: &Path) -> Result<RunReport> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_json_report(&text, path)
}

/// [`read_json_report`] on text; `path` names it in errors.
pub fn parse_json_report(text: &str, path: &Path) -> Result<RunReport> {
    let invalid = |line: usize, message: String| Error::ReportInvalid {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut header: Option<Header> = None;
    let mut footer: Option<Footer> = None;
    let mut records = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let n = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        if footer.is_some() {
            return Err(invalid(n, "content after the footer".into()));
        }
        let value: Value = serde_json::from_str(line).map_err(|e| invalid(n, e.to_string()))?;
        match value.get("record").and_then(Value::as_str) {
            Some("header") if header.is_none() && records.is_empty() => {
                let h: Header =
                    serde_json::from_value(value).map_err(|e| invalid(n, e.to_string()))?;
                if h.kind != REPORT_KIND {
                    return Err(invalid(
                        n,
                        format!("kind {:?} is not {REPORT_KIND:?}", h.kind),
                    ));
                }
                header = Some(h);
            }
            Some("case") if header.is_some() => {
                records.push(
                    serde_json::from_value::<CaseRecord>(value)
                        .map_err(|e| invalid(n, e.to_string()))?,
                );
            }
            Some("footer") if header.is_some() => {
                footer =
                    Some(serde_json::from_value(value).map_err(|e| invalid(n, e.to_string()))?);
            }
            _ => {
                return Err(invalid(
                    n,
                    "expected a header, then case records, then a footer".into(),
                ));
            }
        }
    }
    let header = header.ok_or_else(|| invalid(0, "no header record".into()))?;
    let footer = match footer {
        Some(f) if f.complete => f,
        _ => {
            return Err(Error::ReportTruncated {
                path: path.to_path_buf(),
            });
        }
    };
    if footer.summary.total.cases != records.len() {
        return Err(invalid(
            0,
            format!(
                "footer counts {} cases, the report has {}",
                footer.summary.total.cases,
                records.len()
            ),
        ));
    }
    let report = RunReport {
        adapter: header.adapter,
        implementation: header.implementation,
        protocol: header.protocol,
        features: header.features,
        records,
        complete: true,
        started: SystemTime::UNIX_EPOCH + Duration::from_millis(header.started_unix_ms),
        elapsed: Duration::from_millis(footer.elapsed_ms),
        restarts: footer.restarts,
        handshakes: footer.handshakes,
        stale_xfails: footer.stale_xfails,
        allow_unsupported: header.allow_unsupported,
        notes: header.notes,
    };
    if Summary::of(&report) != footer.summary {
        return Err(invalid(
            0,
            "footer summary disagrees with the case records".into(),
        ));
    }
    Ok(report)
}
