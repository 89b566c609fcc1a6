//! Tests of the runner itself: deliberately broken adapters (tests/adapters/*.py) against the
//! fixture suites (tests/fixtures/vectors/), expected failures, digests, reports, vector and
//! manifest validation, and the external loaders' exact counts.
// Helpers shared by the #[test] functions unwrap too; a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::panic)]

mod runner {
    pub(crate) mod adapters;
    pub(crate) mod digest;
    pub(crate) mod external;
    pub(crate) mod reports;
    pub(crate) mod vectors;
    pub(crate) mod xfail;
}

use std::path::{Path, PathBuf};
use std::time::Duration;

use conformance::adapter::{Stderr, Subprocess};
use conformance::{Case, Outcome, RunOptions, RunReport};

pub(crate) fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn fixture_dir() -> PathBuf {
    manifest_dir().join("tests/fixtures/vectors")
}

/// The fixture cases, in load order: fixture/drbg/label-x-16, then the seven fixture/hashes cases.
pub(crate) fn fixture_cases() -> Vec<Case> {
    conformance::case::flatten(&conformance::vectors::load(&fixture_dir()).unwrap())
}

/// `python3 -B tests/adapters/<script> <args>`, stderr discarded.
pub(crate) fn adapter(script: &str, args: &[&str]) -> Subprocess {
    let mut argv = vec![
        "python3".to_owned(),
        "-B".to_owned(),
        manifest_dir()
            .join("tests/adapters")
            .join(script)
            .display()
            .to_string(),
    ];
    argv.extend(args.iter().map(|a| (*a).to_owned()));
    Subprocess::from_argv(argv).stderr(Stderr::Null)
}

/// Like [`adapter`], logging every request the adapter receives to `log`.
pub(crate) fn logged_adapter(script: &str, args: &[&str], log: &Path) -> Subprocess {
    adapter(script, args).env("QUORATE_TEST_LOG", log.display().to_string())
}

/// Short timeouts so the suite stays fast.
pub(crate) fn options() -> RunOptions {
    RunOptions {
        case_timeout: Duration::from_secs(2),
        startup_timeout: Duration::from_secs(2),
        ..RunOptions::default()
    }
}

/// A fresh scratch directory under the target's test temp dir.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("runner-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `(id, outcome)` per record.
pub(crate) fn outcomes(report: &RunReport) -> Vec<(String, Outcome)> {
    report
        .records
        .iter()
        .map(|r| (r.id.clone(), r.outcome))
        .collect()
}

/// The outcome of one case id.
pub(crate) fn outcome_of(report: &RunReport, id: &str) -> Outcome {
    report.records.iter().find(|r| r.id == id).unwrap().outcome
}

pub(crate) fn run_fixture(mut transport: Subprocess, options: &RunOptions) -> RunReport {
    let cases = fixture_cases();
    conformance::run(
        &cases,
        &mut transport,
        options,
        &mut conformance::run::Silent,
    )
    .unwrap()
}
