//! The human report: a per-suite table, the failing cases with details, and the final line
//! `conformance: N passed, M failed`.

use std::io::Write;

use super::{Counts, Summary};
use crate::run::{RunReport, Status};

/// Failing cases listed in full; the rest are counted (the JSON report has them all).
const MAX_LISTED: usize = 500;

/// Writes the text report. The line before the last states that the run is complete
/// (PROTO-041); the last line is `conformance: N passed, M failed`.
pub fn write(report: &RunReport, out: &mut dyn Write) -> std::io::Result<()> {
    let summary = Summary::of(report);
    let width = summary
        .suites
        .keys()
        .map(|s| s.chars().count())
        .chain([5])
        .max()
        .unwrap_or(5);
    write!(out, "{:<width$}", "suite")?;
    for (name, _) in Counts::default().columns() {
        write!(out, "  {name}")?;
    }
    writeln!(out)?;
    for (suite, counts) in &summary.suites {
        row(out, suite, counts, width)?;
    }
    row(out, "total", &summary.total, width)?;

    let failing: Vec<_> = report
        .records
        .iter()
        .filter_map(|r| {
            let status = r.status(report.allow_unsupported);
            status.is_failure().then_some((r, status))
        })
        .collect();
    if !failing.is_empty() || !report.stale_xfails.is_empty() {
        writeln!(out, "\nfailures:")?;
    }
    for (record, status) in failing.iter().take(MAX_LISTED) {
        let label = match status {
            Status::UnexpectedPass => "unexpected pass".to_owned(),
            _ => record.outcome.name().to_owned(),
        };
        let mut detail = record.detail.clone();
        if let Some(reason) = &record.xfail {
            detail = format!("declared as expected failure ({reason}) but passed");
        }
        writeln!(
            out,
            "  {label:<18} {} [{}] {}: {detail}",
            record.full_id(),
            record.reqs.join(","),
            record.op
        )?;
    }
    if failing.len() > MAX_LISTED {
        writeln!(
            out,
            "  ... and {} more (use --format json for every case)",
            failing.len() - MAX_LISTED
        )?;
    }
    for entry in &report.stale_xfails {
        writeln!(
            out,
            "  {:<18} {} matches no case ({})",
            "stale xfail", entry.case, entry.reason
        )?;
    }
    if !report.notes.is_empty() {
        writeln!(out, "\nnotes:")?;
        for note in &report.notes {
            writeln!(out, "  {note}")?;
        }
    }
    writeln!(out)?;
    match &report.implementation {
        Some(i) => writeln!(
            out,
            "implementation: {} {} ({}, {}/{}) via {}",
            i.name, i.version, i.language, i.os, i.arch, report.adapter
        )?,
        None => writeln!(
            out,
            "implementation: no successful handshake with {}",
            report.adapter
        )?,
    }
    writeln!(
        out,
        "digest: {}  restarts: {}  handshakes: {}",
        summary.digest, report.restarts, report.handshakes
    )?;
    if report.complete {
        writeln!(
            out,
            "complete: {} cases in {:.3} s",
            report.records.len(),
            report.elapsed.as_secs_f64()
        )?;
    } else {
        writeln!(out, "INCOMPLETE: the run was truncated and does not pass")?;
    }
    writeln!(
        out,
        "conformance: {} passed, {} failed",
        summary.passed, summary.failed
    )
}

fn row(out: &mut dyn Write, name: &str, counts: &Counts, width: usize) -> std::io::Result<()> {
    write!(out, "{name:<width$}")?;
    for (column, value) in counts.columns() {
        let w = column.len();
        write!(out, "  {value:>w$}")?;
    }
    writeln!(out)
}
