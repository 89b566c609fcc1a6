//! JUnit XML: one `<testsuite>` per suite, one `<testcase>` per case (classname = suite), and a
//! last `<testsuite name="quorate.run">` whose properties carry `complete=true` (PROTO-041).

use std::io::Write;

use super::Summary;
use crate::judge::Outcome;
use crate::run::{CaseRecord, RunReport, Status};

/// Escapes text for XML 1.0 attributes and content; characters XML cannot carry become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Writes the JUnit report.
pub fn write(report: &RunReport, out: &mut dyn Write) -> std::io::Result<()> {
    let summary = Summary::of(report);
    let failures = |records: &[&CaseRecord]| {
        records
            .iter()
            .filter(|r| {
                matches!(r.status(report.allow_unsupported), Status::UnexpectedPass)
                    || (r.xfail.is_none() && r.outcome == Outcome::Fail)
            })
            .count()
    };
    let errors = |records: &[&CaseRecord]| {
        records
            .iter()
            .filter(|r| {
                r.xfail.is_none()
                    && matches!(
                        r.outcome,
                        Outcome::Error
                            | Outcome::Crash
                            | Outcome::Timeout
                            | Outcome::ProtocolViolation
                    )
            })
            .count()
    };
    let skipped = |records: &[&CaseRecord]| {
        records
            .iter()
            .filter(|r| {
                r.xfail.is_none() && matches!(r.outcome, Outcome::Unsupported | Outcome::Skipped)
            })
            .count()
    };
    let all: Vec<&CaseRecord> = report.records.iter().collect();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="quorate conformance" tests="{}" failures="{}" errors="{}" skipped="{}" time="{:.3}">"#,
        all.len(),
        failures(&all),
        errors(&all),
        skipped(&all),
        report.elapsed.as_secs_f64()
    )?;
    for suite in summary.suites.keys() {
        let records: Vec<&CaseRecord> = report
            .records
            .iter()
            .filter(|r| &r.suite == suite)
            .collect();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
            escape(suite),
            records.len(),
            failures(&records),
            errors(&records),
            skipped(&records)
        )?;
        for record in records {
            testcase(report, record, out)?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, r#"  <testsuite name="quorate.run" tests="0">"#)?;
    writeln!(out, "    <properties>")?;
    let implementation = report
        .implementation
        .as_ref()
        .map(|i| format!("{} {}", i.name, i.version))
        .unwrap_or_default();
    for (name, value) in [
        ("complete", report.complete.to_string()),
        ("adapter", report.adapter.clone()),
        ("implementation", implementation),
        ("digest", summary.digest.clone()),
        ("restarts", report.restarts.to_string()),
        ("passed", summary.passed.to_string()),
        ("failed", summary.failed.to_string()),
    ] {
        writeln!(
            out,
            r#"      <property name="{name}" value="{}"/>"#,
            escape(&value)
        )?;
    }
    for entry in &report.stale_xfails {
        writeln!(
            out,
            r#"      <property name="stale_xfail" value="{}"/>"#,
            escape(&entry.case)
        )?;
    }
    writeln!(out, "    </properties>")?;
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")?;
    out.flush()
}

fn testcase(report: &RunReport, record: &CaseRecord, out: &mut dyn Write) -> std::io::Result<()> {
    let name = format!(
        "{}/{}",
        record.reqs.first().map(String::as_str).unwrap_or("NOREQ"),
        record.id
    );
    write!(
        out,
        r#"    <testcase classname="{}" name="{}""#,
        escape(&record.suite),
        escape(&name)
    )?;
    let detail = escape(&record.detail);
    let body = match (record.status(report.allow_unsupported), record.outcome) {
        (Status::Passed, _) => None,
        (Status::UnexpectedPass, _) => Some(format!(
            r#"<failure type="unexpected_pass" message="declared as expected failure but passed: {}"/>"#,
            escape(record.xfail.as_deref().unwrap_or(""))
        )),
        (Status::ExpectedFailure, outcome) => Some(format!(
            "<system-out>expected failure ({}): {outcome}: {detail}</system-out>",
            escape(record.xfail.as_deref().unwrap_or(""))
        )),
        (_, Outcome::Unsupported | Outcome::Skipped) => Some(format!(
            r#"<skipped message="{}: {detail}"/>"#,
            record.outcome
        )),
        (_, Outcome::Fail) => Some(format!(r#"<failure type="fail" message="{detail}"/>"#)),
        (_, outcome) => Some(format!(r#"<error type="{outcome}" message="{detail}"/>"#)),
    };
    match body {
        None => writeln!(out, "/>"),
        Some(body) => writeln!(out, ">{body}</testcase>"),
    }
}
