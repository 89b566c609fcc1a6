//! The evidence proofs read: conformance JSON-lines reports and the cargo test log.
//!
//! # `<out>/<name>.jsonl`
//!
//! The format `quorate conformance --format json` writes (`conformance::report::json`): one JSON
//! object per line.
//!
//! ```text
//! {"record":"header","kind":"quorate.conformance.report",…}
//! {"record":"case","suite":"canon/json","id":"x","reqs":["CANON-002"],"outcome":"pass",…}
//! …
//! {"record":"footer","complete":true,…}
//! ```
//!
//! Read tolerantly: unknown members are ignored, and a line's kind comes from `record` when it
//! is there (`header`, `case`, `footer`; another value is skipped) and otherwise from its
//! members (`complete` makes a footer, `outcome` a case, the first line is the header). A case
//! needs string `suite`, `id`, `outcome` and a string array `reqs`. Only the outcome `pass`
//! proves anything.
//!
//! A report without a footer whose `complete` is `true` (an empty file, a missing footer, a
//! last line cut short) is truncated: `HARNESS_REPORT_TRUNCATED`.
//!
//! # `<out>/cargo-test.log`
//!
//! The output of `cargo test` (libtest or libtest-mimic). Only lines
//! `test <path> ... <status>` matter; ANSI colour codes are removed.

use serde_json::{Map, Value};

use crate::error::Error;

/// The name of the cargo test log in the output directory.
pub const TEST_LOG: &str = "cargo-test.log";

/// The file in which `.ci/run` records each step that passed, one name per line.
pub const STEPS_FILE: &str = "steps.passed";

/// One case record of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOutcome {
    /// The suite.
    pub suite: String,
    /// The case id within the suite.
    pub id: String,
    /// The requirement IDs the case checks.
    pub reqs: Vec<String>,
    /// The outcome (`pass`, `fail`, `crash`, …).
    pub outcome: String,
}

impl CaseOutcome {
    /// `<suite>/<id>`.
    pub fn full_id(&self) -> String {
        format!("{}/{}", self.suite, self.id)
    }

    /// Whether the case counts towards a proof: outcome `pass`.
    pub fn passed(&self) -> bool {
        self.outcome == "pass"
    }
}

/// A complete report: the case records in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The cases.
    pub cases: Vec<CaseOutcome>,
}

enum Kind {
    Header,
    Case,
    Footer,
    Other,
}

/// Parses report text; `path` names it in errors. Refuses a truncated report, which therefore
/// never proves a claim. Enforces PROTO-041.
pub fn parse_report(path: &str, text: &str) -> Result<Report, Error> {
    let truncated = || Error::ReportTruncated {
        path: path.to_owned(),
    };
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let last = lines.last().map_or(0, |&(n, _)| n);
    let mut cases = Vec::new();
    let mut complete = false;
    for (position, &(n, line)) in lines.iter().enumerate() {
        let bad = |message: String| Error::parse(path, Some(n), message);
        if complete {
            return Err(bad("content after the footer".to_owned()));
        }
        let object: Map<String, Value> = match serde_json::from_str(line) {
            Ok(Value::Object(o)) => o,
            Ok(_) => return Err(bad("not a JSON object".to_owned())),
            // A last line cut short is what a killed run leaves behind.
            Err(_) if n == last => return Err(truncated()),
            Err(e) => return Err(bad(e.to_string())),
        };
        let kind = match object.get("record") {
            Some(Value::String(r)) => match r.as_str() {
                "header" => Kind::Header,
                "case" => Kind::Case,
                "footer" => Kind::Footer,
                _ => Kind::Other,
            },
            Some(_) => return Err(bad("`record` is not a string".to_owned())),
            None if object.contains_key("complete") => Kind::Footer,
            None if object.contains_key("outcome") => Kind::Case,
            None if position == 0 => Kind::Header,
            None => {
                return Err(bad(
                    "neither a case (`outcome`) nor a footer (`complete`)".to_owned()
                ));
            }
        };
        match (position, kind) {
            (0, Kind::Header) | (1.., Kind::Other) => {}
            (0, _) => return Err(bad("the first line is not a header".to_owned())),
            (_, Kind::Header) => return Err(bad("a second header".to_owned())),
            (_, Kind::Case) => cases.push(case(&object).map_err(bad)?),
            (_, Kind::Footer) => match object.get("complete") {
                Some(Value::Bool(true)) => complete = true,
                Some(Value::Bool(false)) => return Err(truncated()),
                _ => return Err(bad("footer `complete` is not a boolean".to_owned())),
            },
        }
    }
    if complete {
        Ok(Report { cases })
    } else {
        Err(truncated())
    }
}

fn case(object: &Map<String, Value>) -> Result<CaseOutcome, String> {
    let string = |key: &str| {
        object
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("case record has no string `{key}`"))
    };
    let reqs = object
        .get("reqs")
        .and_then(Value::as_array)
        .ok_or_else(|| "case record has no `reqs` array".to_owned())?
        .iter()
        .map(|r| {
            r.as_str()
                .map(str::to_owned)
                .ok_or_else(|| "case record `reqs` holds a non-string".to_owned())
        })
        .collect::<Result<_, _>>()?;
    Ok(CaseOutcome {
        suite: string("suite")?,
        id: string("id")?,
        reqs,
        outcome: string("outcome")?,
    })
}

/// The `test <path> ... <status>` lines of a cargo test log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestLog {
    /// `(path, status)` in log order; the status is the first word after ` ... `
    /// (`ok`, `FAILED`, `ignored`, …).
    pub results: Vec<(String, String)>,
}

/// What the log says about one test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestVerdict {
    /// At least one `ok` line and no `FAILED` line: the paths that passed.
    Passed(Vec<String>),
    /// A line for it says `FAILED`: those paths.
    Failed(Vec<String>),
    /// Lines exist but none is `ok` or `FAILED` (`ignored`): their statuses.
    NotRun(Vec<String>),
    /// No line names it.
    Absent,
}

impl TestLog {
    /// Parses log text.
    pub fn parse(text: &str) -> TestLog {
        let mut results = Vec::new();
        for raw in text.lines() {
            let line = strip_ansi(raw);
            let Some(rest) = line.trim_start().strip_prefix("test ") else {
                continue;
            };
            let Some((path, status)) = rest.split_once(" ... ") else {
                continue;
            };
            let status = status.split_whitespace().next().unwrap_or_default();
            results.push((path.trim().to_owned(), status.to_owned()));
        }
        TestLog { results }
    }

    /// The verdict for `name`: lines whose path equals it or ends with `::<name>`.
    pub fn verdict(&self, name: &str) -> TestVerdict {
        let suffix = format!("::{name}");
        let lines: Vec<&(String, String)> = self
            .results
            .iter()
            .filter(|(path, _)| path == name || path.ends_with(&suffix))
            .collect();
        let with = |status: &str| -> Vec<String> {
            lines
                .iter()
                .filter(|(_, s)| s == status)
                .map(|(p, _)| p.clone())
                .collect()
        };
        let failed = with("FAILED");
        let passed = with("ok");
        if lines.is_empty() {
            TestVerdict::Absent
        } else if !failed.is_empty() {
            TestVerdict::Failed(failed)
        } else if !passed.is_empty() {
            TestVerdict::Passed(passed)
        } else {
            TestVerdict::NotRun(lines.iter().map(|(_, s)| s.clone()).collect())
        }
    }
}

/// Removes `ESC [ … <letter>` sequences.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
