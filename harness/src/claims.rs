//! The claims check: every claim README.md makes has an entry in `claims.toml`, every entry is
//! still claimed, and every proof of every claim holds (`quorate claims check [--out DIR]`).
//!
//! - [`file`](mod@file): `claims.toml` and its validation.
//! - [`readme`]: the `` `claim:<id>` `` markers of README.md.
//! - [`report`]: the evidence: conformance JSON-lines reports and the cargo test log in the
//!   output directory (default `harness/out/`).
//! - [`evaluate`] judges claims against evidence without I/O; [`check`] reads the repository
//!   and the output directory and calls it.
//!
//! Problems are collected, never stopped at: the result carries every `HARNESS_CLAIM_MISSING`,
//! `HARNESS_CLAIM_STALE`, `HARNESS_CLAIM_UNPROVEN`, `HARNESS_REPORT_TRUNCATED`, … together with
//! the summary line `claims: N proven, M failed`.

pub mod file;
mod prove;
pub mod readme;
pub mod report;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::spec;
use crate::walk;

pub use file::{CLAIMS_FILE, Claim, ClaimsFile, Meta, Proof, Xfail, parse_claims};
pub use readme::{README, claim_markers};
pub use report::{CaseOutcome, Report, STEPS_FILE, TEST_LOG, TestLog, TestVerdict, parse_report};

/// The default output directory, relative to the repository root.
pub const DEFAULT_OUT_DIR: &str = "harness/out";

/// `<repo_root>/harness/out`.
pub fn default_out_dir(repo_root: &Path) -> PathBuf {
    repo_root.join(DEFAULT_OUT_DIR)
}

/// What the output directory holds for one report name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportState {
    /// A complete report.
    Complete(Report),
    /// No such file.
    Missing,
    /// The file exists but proves nothing; why (it is reported as its own error too).
    Unusable(String),
}

/// Everything proofs are judged against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// By report name (`reference` for `<out>/reference.jsonl`). A name absent here is missing.
    pub reports: BTreeMap<String, ReportState>,
    /// The cargo test log; `None` when there is none.
    pub test_log: Option<TestLog>,
    /// The `.ci/run` steps recorded in `steps.passed`; `None` when there is no such file.
    pub steps: Option<BTreeSet<String>>,
    /// The requirement IDs `spec/` defines, when known: a `requirement` proof of any other ID
    /// fails.
    pub defined: Option<BTreeSet<String>>,
}

/// The verdict on one proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofResult {
    /// The proof.
    pub proof: Proof,
    /// `Ok(what was seen)` when it holds, `Err(why not)` otherwise.
    pub verdict: Result<String, String>,
}

/// The verdict on one claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimResult {
    /// The claim id.
    pub id: String,
    /// One result per proof, in file order.
    pub proofs: Vec<ProofResult>,
}

impl ClaimResult {
    /// Whether the claim has at least one proof and every proof holds.
    pub fn proven(&self) -> bool {
        !self.proofs.is_empty() && self.proofs.iter().all(|p| p.verdict.is_ok())
    }
}

/// `<id>: proven|NOT PROVEN`, then one indented line per proof with what was seen.
impl std::fmt::Display for ClaimResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = if self.proven() {
            "proven"
        } else {
            "NOT PROVEN"
        };
        write!(f, "{}: {state}", self.id)?;
        for proof in &self.proofs {
            match &proof.verdict {
                Ok(seen) => write!(f, "\n  ok   {}: {seen}", proof.proof)?,
                Err(why) => write!(f, "\n  FAIL {}: {why}", proof.proof)?,
            }
        }
        Ok(())
    }
}

/// The verdict on every claim of `claims.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimsSummary {
    /// One result per `[[claim]]`, in file order.
    pub claims: Vec<ClaimResult>,
}

impl ClaimsSummary {
    /// Claims proven.
    pub fn proven(&self) -> usize {
        self.claims.iter().filter(|c| c.proven()).count()
    }

    /// Claims not proven.
    pub fn failed(&self) -> usize {
        self.claims.len() - self.proven()
    }
}

impl fmt::Display for ClaimsSummary {
    /// `claims: N proven, M failed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "claims: {} proven, {} failed",
            self.proven(),
            self.failed()
        )
    }
}

/// A claims check that found problems.
#[derive(Debug)]
pub struct ClaimsFailure {
    /// Every problem, in a stable order.
    pub errors: Vec<Error>,
    /// The verdicts, when `claims.toml` could be read.
    pub summary: Option<ClaimsSummary>,
}

impl fmt::Display for ClaimsFailure {
    /// One `<CODE>: <message>` line per error, then the summary line (if any).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.errors {
            writeln!(f, "{}: {e}", e.code())?;
        }
        match &self.summary {
            Some(summary) => write!(f, "{summary}"),
            None => write!(f, "claims: not checked"),
        }
    }
}

/// Judges every claim against `evidence` and README.md text. Does no I/O.
///
/// Returns the verdicts and every problem: README markers that do not parse, claims missing from
/// `claims.toml`, claims README.md no longer makes, and one `HARNESS_CLAIM_UNPROVEN` per failing
/// proof (or per claim without proofs).
pub fn evaluate(
    claims: &ClaimsFile,
    readme: &str,
    evidence: &Evidence,
) -> (ClaimsSummary, Vec<Error>) {
    let (markers, mut errors) = claim_markers(readme);
    let listed: BTreeSet<&str> = claims.claims.iter().map(|c| c.id.as_str()).collect();
    let mut made: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, line) in &markers {
        made.entry(id.as_str()).or_insert(*line);
    }
    let mut missing: Vec<(usize, &str)> = made
        .iter()
        .filter(|(id, _)| !listed.contains(*id))
        .map(|(id, line)| (*line, *id))
        .collect();
    missing.sort();
    errors.extend(missing.into_iter().map(|(line, id)| Error::ClaimMissing {
        id: id.to_owned(),
        line,
    }));

    let mut summary = ClaimsSummary::default();
    let mut seen = BTreeSet::new();
    for claim in &claims.claims {
        if !made.contains_key(claim.id.as_str()) && seen.insert(claim.id.as_str()) {
            errors.push(Error::ClaimStale {
                id: claim.id.clone(),
            });
        }
        let result = ClaimResult {
            id: claim.id.clone(),
            proofs: claim
                .proofs
                .iter()
                .map(|proof| ProofResult {
                    proof: proof.clone(),
                    verdict: prove::judge(proof, evidence),
                })
                .collect(),
        };
        if result.proofs.is_empty() {
            errors.push(Error::ClaimUnproven {
                claim: claim.id.clone(),
                proof: "no proofs".to_owned(),
                reason: "a claim needs at least one proof".to_owned(),
            });
        }
        for p in &result.proofs {
            if let Err(reason) = &p.verdict {
                errors.push(Error::ClaimUnproven {
                    claim: claim.id.clone(),
                    proof: p.proof.to_string(),
                    reason: reason.clone(),
                });
            }
        }
        summary.claims.push(result);
    }
    (summary, errors)
}

/// Checks the claims of the repository at `repo_root` against the evidence in `out_dir`
/// (`quorate claims check [--out DIR]`; [`default_out_dir`] when no `--out`).
///
/// Reads README.md, `claims.toml`, `spec/` (for the IDs it defines), each report a proof names
/// (`<out_dir>/<report>.jsonl`) and, if a `test` proof needs it, `<out_dir>/cargo-test.log`.
pub fn check(repo_root: &Path, out_dir: &Path) -> Result<ClaimsSummary, ClaimsFailure> {
    let fail = |errors: Vec<Error>| ClaimsFailure {
        errors,
        summary: None,
    };
    let claims_text = walk::read(&repo_root.join(CLAIMS_FILE)).map_err(|e| fail(vec![e]))?;
    let readme_text = walk::read(&repo_root.join(README)).map_err(|e| fail(vec![e]))?;
    let claims = parse_claims(&claims_text).map_err(fail)?;

    let mut errors = Vec::new();
    let evidence = gather(repo_root, out_dir, &claims, &mut errors);
    let (summary, problems) = evaluate(&claims, &readme_text, &evidence);
    errors.extend(problems);
    if errors.is_empty() {
        Ok(summary)
    } else {
        Err(ClaimsFailure {
            errors,
            summary: Some(summary),
        })
    }
}

/// Reads the evidence the proofs of `claims` need. Unreadable, malformed and truncated reports
/// are pushed to `errors` and recorded as [`ReportState::Unusable`].
fn gather(
    repo_root: &Path,
    out_dir: &Path,
    claims: &ClaimsFile,
    errors: &mut Vec<Error>,
) -> Evidence {
    let proofs = || claims.claims.iter().flat_map(|c| c.proofs.iter());
    let names: BTreeSet<&str> = proofs().filter_map(Proof::report).collect();
    let mut reports = BTreeMap::new();
    for name in names {
        let path = out_dir.join(format!("{name}.jsonl"));
        let shown = walk::relative(repo_root, &path);
        let state = match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ReportState::Missing,
            Err(e) => {
                errors.push(Error::io(&path, e));
                ReportState::Unusable("cannot be read".to_owned())
            }
            Ok(text) => match parse_report(&shown, &text) {
                Ok(report) => ReportState::Complete(report),
                Err(e) => {
                    let why = match e {
                        Error::ReportTruncated { .. } => "is truncated (no complete footer)",
                        _ => "is malformed",
                    };
                    errors.push(e);
                    ReportState::Unusable(why.to_owned())
                }
            },
        };
        reports.insert(name.to_owned(), state);
    }

    let needs_log = proofs().any(|p| matches!(p, Proof::Test { .. }));
    let test_log = if needs_log {
        let path = out_dir.join(TEST_LOG);
        match std::fs::read_to_string(&path) {
            Ok(text) => Some(TestLog::parse(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                errors.push(Error::io(&path, e));
                None
            }
        }
    } else {
        None
    };

    let steps = match std::fs::read_to_string(out_dir.join(STEPS_FILE)) {
        Ok(text) => Some(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        Err(_) => None,
    };

    let needs_spec = proofs().any(|p| matches!(p, Proof::Requirement { .. }));
    let defined = if needs_spec {
        spec::load(repo_root)
            .ok()
            .filter(|sources| !sources.spec.is_empty())
            .map(|sources| {
                sources
                    .spec
                    .iter()
                    .flat_map(|f| spec::parse::parse_spec(&f.path, &f.text).0)
                    .map(|r| r.id.to_string())
                    .collect()
            })
    } else {
        None
    };

    Evidence {
        reports,
        test_log,
        steps,
        defined,
    }
}
