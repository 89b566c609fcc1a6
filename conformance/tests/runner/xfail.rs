//! Expected failures: still run; failing is fine, passing is an error, stale entries are errors.

use std::path::Path;

use conformance::run::{RunOptions, Status};
use conformance::xfail::{XfailEntry, Xfails};
use conformance::{Outcome, load_xfails};

use crate::{adapter, options, run_fixture, scratch};

fn entry(case: &str, implementation: Option<&str>) -> XfailEntry {
    XfailEntry {
        case: case.to_owned(),
        reason: format!("reason for {case}"),
        implementation: implementation.map(str::to_owned),
    }
}

fn with_xfails(entries: Vec<XfailEntry>) -> RunOptions {
    RunOptions {
        xfail: Xfails { entries },
        allow_unsupported: true,
        ..options()
    }
}

#[test]
fn expected_failure_that_fails_is_fine() {
    let opts = with_xfails(vec![entry("fixture/hashes/sha-abc", None)]);
    let report = run_fixture(adapter("good.py", &["--wrong", "sha-abc"]), &opts);
    let record = report.records.iter().find(|r| r.id == "sha-abc").unwrap();
    assert_eq!(record.outcome, Outcome::Fail);
    assert_eq!(
        record.xfail.as_deref(),
        Some("reason for fixture/hashes/sha-abc")
    );
    assert_eq!(record.status(true), Status::ExpectedFailure);
    assert!(report.passed(), "{report:#?}");
}

#[test]
fn expected_failure_that_passes_is_an_error() {
    let opts = with_xfails(vec![entry("fixture/hashes/sha-*", None)]);
    let report = run_fixture(adapter("good.py", &["--wrong", "sha-abc"]), &opts);
    let status = |id: &str| {
        report
            .records
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .status(true)
    };
    assert_eq!(status("sha-abc"), Status::ExpectedFailure);
    assert_eq!(status("sha-empty"), Status::UnexpectedPass);
    assert_eq!(status("sha-odd-hex"), Status::UnexpectedPass);
    assert_eq!(status("fnv-a"), Status::Passed);
    assert_eq!(report.failed_count(), 2);
    assert_eq!(
        report.ensure_passed().unwrap_err().code(),
        "RUNNER_RUN_FAILED"
    );
}

#[test]
fn stale_entry_is_an_error() {
    let opts = with_xfails(vec![
        entry("fixture/hashes/no-such-case", None),
        entry("fixture/hashes/sha-abc", Some("another-implementation")),
    ]);
    let report = run_fixture(adapter("good.py", &[]), &opts);
    assert!(report.failures().next().is_none());
    // The entry for another implementation neither applies nor counts as stale.
    assert_eq!(
        report.stale_xfails,
        vec![entry("fixture/hashes/no-such-case", None)]
    );
    assert!(!report.passed());
    let err = report.ensure_passed().unwrap_err();
    assert_eq!(err.code(), "RUNNER_XFAIL_STALE");
    assert!(err.to_string().contains("no-such-case"));
}

#[test]
fn implementation_filter_applies_by_hello_name() {
    let opts = with_xfails(vec![entry("fixture/hashes/sha-abc", Some("special"))]);
    let report = run_fixture(
        adapter("good.py", &["--wrong", "sha-abc", "--name", "special"]),
        &opts,
    );
    assert!(report.passed(), "{report:#?}");
    let report = run_fixture(adapter("good.py", &["--wrong", "sha-abc"]), &opts);
    assert_eq!(
        report.failed_count(),
        1,
        "not special: the entry does not apply"
    );
}

#[test]
fn load_reads_only_xfail_tables() {
    let dir = scratch("xfail-load");
    let path = dir.join("claims.toml");
    std::fs::write(
        &path,
        r#"
profiles = ["canon"]

[[claim]]
text = "something the README says"
proof = ["cargo test"]

[[xfail]]
case = "canon/json/nested-order"
reason = "known bug #12"

[[xfail]]
case = "external/wycheproof/ed25519/*"
reason = "not yet"
implementation = "quorate-python"
"#,
    )
    .unwrap();
    let xfails = load_xfails(&path).unwrap();
    assert_eq!(xfails.entries.len(), 2);
    assert!(xfails.lookup("canon/json/nested-order", None).is_some());
    assert!(
        xfails
            .lookup("external/wycheproof/ed25519/tc-1", None)
            .is_none()
    );
    assert!(
        xfails
            .lookup("external/wycheproof/ed25519/tc-1", Some("quorate-python"))
            .is_some()
    );

    let mut suites = xfails.clone();
    suites.retain_suites(&["canon/json"]);
    assert_eq!(suites.entries.len(), 1);

    let none = Xfails::parse("profiles = []\n", Path::new("c.toml")).unwrap();
    assert!(none.entries.is_empty());
}

#[test]
fn malformed_xfail_tables_are_rejected() {
    for text in [
        "[[xfail]]\ncase = \"a/b\"\n",
        "[[xfail]]\ncase = \"a/*/b\"\nreason = \"r\"\n",
        "[[xfail]]\ncase = \"a/b\"\nreason = \"  \"\n",
        "[[xfail]]\ncase = \"a/b\"\nreason = \"r\"\ntypo = 1\n",
        "xfail = 3\n",
        "not toml [",
    ] {
        let err = Xfails::parse(text, Path::new("claims.toml")).unwrap_err();
        assert_eq!(err.code(), "RUNNER_XFAIL_INVALID", "{text}");
    }
    let err = load_xfails(Path::new("/nonexistent/claims.toml")).unwrap_err();
    assert_eq!(err.code(), "RUNNER_IO");
}
