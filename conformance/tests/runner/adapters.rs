//! Broken adapters: exact outcomes, restarts, replayed handshakes, complete runs.

use std::time::Duration;

use conformance::adapter::{InProcess, Subprocess, Transport};
use conformance::run::{RunOptions, Silent};
use conformance::{Outcome, run};
use serde_json::{Value, json};

use crate::{
    adapter, fixture_cases, logged_adapter, options, outcome_of, outcomes, run_fixture, scratch,
};

const HASHES: [&str; 7] = [
    "fnv-empty",
    "fnv-a",
    "fnv-foobar",
    "sha-empty",
    "sha-abc",
    "fnv-upper-hex",
    "sha-odd-hex",
];

fn log_lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Every fixture case except `except` passes; the drbg case is unsupported.
fn assert_others_pass(report: &conformance::RunReport, except: &str) {
    assert_eq!(outcome_of(report, "label-x-16"), Outcome::Unsupported);
    for id in HASHES.iter().filter(|id| **id != except) {
        assert_eq!(outcome_of(report, id), Outcome::Pass, "{id}: {report:#?}");
    }
}

#[test]
fn good_adapter_passes_everything_it_supports() {
    let dir = scratch("good");
    let log = dir.join("log");
    let report = run_fixture(logged_adapter("good.py", &[], &log), &options());
    assert!(report.complete);
    assert_others_pass(&report, "");
    assert_eq!(report.restarts, 0);
    assert_eq!(report.handshakes, 1);
    let implementation = report.implementation.as_ref().unwrap();
    assert_eq!(implementation.name, "quorate-test-adapter");
    assert_eq!(report.features, ["canon.fnv1a64", "canon.sha256"]);
    // PROTO-011: the unsupported case is never sent; PROTO-030: shutdown is sent at the end.
    let lines = log_lines(&log);
    assert_eq!(lines.first().map(String::as_str), Some("hello"));
    assert!(!lines.iter().any(|l| l == "run label-x-16"), "{lines:?}");
    assert_eq!(lines.last().map(String::as_str), Some("shutdown"));
    assert_eq!(lines.len(), 1 + HASHES.len() + 1);
    // Unsupported fails the run unless a profile allows it (PROTO-042).
    assert_eq!(report.failed_count(), 1);
    assert!(!report.passed());
    let allowed = run_fixture(
        adapter("good.py", &[]),
        &RunOptions {
            allow_unsupported: true,
            ..options()
        },
    );
    assert!(allowed.passed());
    assert!(allowed.ensure_passed().is_ok());
}

#[test]
fn crash_restarts_and_replays_the_handshake() {
    let dir = scratch("crash");
    let log = dir.join("log");
    let report = run_fixture(logged_adapter("crash.py", &["fnv-a"], &log), &options());
    assert!(report.complete);
    assert_eq!(outcome_of(&report, "fnv-a"), Outcome::Crash);
    let detail = &report
        .records
        .iter()
        .find(|r| r.id == "fnv-a")
        .unwrap()
        .detail;
    assert!(detail.contains("exit status: 3"), "{detail}");
    assert_others_pass(&report, "fnv-a");
    assert_eq!(report.restarts, 1);
    assert_eq!(report.handshakes, 2);
    let hellos = log_lines(&log).iter().filter(|l| *l == "hello").count();
    assert_eq!(hellos, 2, "handshake replayed after the restart");
}

#[test]
fn restarts_are_bounded_then_remaining_cases_crash() {
    let report = run_fixture(adapter("crash.py", &["--always"]), &options());
    assert!(report.complete);
    assert_eq!(report.restarts, 5);
    assert_eq!(report.handshakes, 6);
    let got = outcomes(&report);
    assert_eq!(got[0], ("label-x-16".to_owned(), Outcome::Unsupported));
    assert!(
        got[1..].iter().all(|(_, o)| *o == Outcome::Crash),
        "{got:?}"
    );
    let last = report.records.last().unwrap();
    assert!(last.detail.contains("limit"), "{}", last.detail);
}

#[test]
fn hang_times_out_and_the_run_continues() {
    let opts = RunOptions {
        case_timeout: Duration::from_millis(1000),
        ..options()
    };
    let report = run_fixture(adapter("hang.py", &["fnv-a"]), &opts);
    assert!(report.complete);
    assert_eq!(outcome_of(&report, "fnv-a"), Outcome::Timeout);
    assert_others_pass(&report, "fnv-a");
    assert_eq!(report.restarts, 1);
    assert_eq!(report.handshakes, 2);
}

#[test]
fn garbage_is_a_protocol_violation() {
    let report = run_fixture(adapter("garbage.py", &["sha-abc"]), &options());
    assert_eq!(outcome_of(&report, "sha-abc"), Outcome::ProtocolViolation);
    let record = report.records.iter().find(|r| r.id == "sha-abc").unwrap();
    assert!(record.detail.contains("not JSON"), "{}", record.detail);
    assert_others_pass(&report, "sha-abc");
    assert_eq!(report.restarts, 1);
}

#[test]
fn wrong_seq_is_a_protocol_violation() {
    let report = run_fixture(adapter("wrong_seq.py", &["fnv-foobar"]), &options());
    assert_eq!(
        outcome_of(&report, "fnv-foobar"),
        Outcome::ProtocolViolation
    );
    let record = report
        .records
        .iter()
        .find(|r| r.id == "fnv-foobar")
        .unwrap();
    assert!(record.detail.contains("wrong seq"), "{}", record.detail);
    assert_others_pass(&report, "fnv-foobar");
    assert_eq!(report.restarts, 1);
}

#[test]
fn slow_start_times_out_every_handshake() {
    let opts = RunOptions {
        startup_timeout: Duration::from_millis(300),
        ..options()
    };
    let report = run_fixture(adapter("slow_start.py", &[]), &opts);
    assert!(report.complete);
    assert_eq!(report.handshakes, 0);
    assert_eq!(report.restarts, 5);
    assert!(report.implementation.is_none());
    let got = outcomes(&report);
    assert!(
        got[..6].iter().all(|(_, o)| *o == Outcome::Timeout),
        "{got:?}"
    );
    assert!(
        got[6..].iter().all(|(_, o)| *o == Outcome::Crash),
        "{got:?}"
    );
    assert!(report.records[0].detail.contains("no hello answer"));
}

#[test]
fn refused_handshake_makes_every_case_error() {
    let report = run_fixture(adapter("good.py", &["--refuse"]), &options());
    assert!(report.complete);
    assert!(outcomes(&report).iter().all(|(_, o)| *o == Outcome::Error));
    assert!(
        report.records[0]
            .detail
            .contains("PROTO_VERSION_UNSUPPORTED")
    );
    assert_eq!(report.restarts, 0);
}

#[test]
fn judged_answers_fail_skip_and_error() {
    let report = run_fixture(
        adapter(
            "good.py",
            &[
                "--wrong",
                "sha-abc",
                "--skip",
                "fnv-a",
                "--errored",
                "fnv-empty",
            ],
        ),
        &options(),
    );
    assert_eq!(outcome_of(&report, "sha-abc"), Outcome::Fail);
    assert_eq!(outcome_of(&report, "fnv-a"), Outcome::Skipped);
    assert_eq!(outcome_of(&report, "fnv-empty"), Outcome::Error);
    let fail = report.records.iter().find(|r| r.id == "sha-abc").unwrap();
    assert_eq!(
        fail.detail,
        "expected {\"ok\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"}, \
         got {\"ok\":\"0000000000000000\"}"
    );
    assert_eq!(
        report.restarts, 0,
        "judged answers never restart the adapter"
    );
}

#[test]
fn spawn_failure_is_an_error() {
    let cases = fixture_cases();
    let mut transport = Subprocess::new("/nonexistent/quorate-adapter --x").unwrap();
    let err = run(&cases, &mut transport, &options(), &mut Silent).unwrap_err();
    assert_eq!(err.code(), "RUNNER_ADAPTER_SPAWN");
    let err = Subprocess::new("python3 'unterminated").unwrap_err();
    assert_eq!(err.code(), "RUNNER_ADAPTER_SPAWN");
}

/// A minimal in-process implementation of the fixture ops; panics on `fnv-a`.
fn in_process_handler() -> conformance::adapter::Handler {
    Box::new(|request: &Value| -> Option<Value> {
        match request["cmd"].as_str()? {
            "hello" => Some(json!({
                "protocol": 1,
                "implementation": {"name": "closure", "version": "0", "language": "rust", "os": "any", "arch": "any"},
                "features": ["canon.sha256"],
            })),
            "run" => {
                let case = &request["case"];
                assert_ne!(case["id"], "sha-empty", "deliberate panic");
                let bytes = hex::decode(case["input"]["bytes"].as_str()?);
                let result = match bytes {
                    Ok(b) if case["input"]["bytes"].as_str()? == hex::encode(&b) => {
                        use sha2::Digest as _;
                        json!({"ok": hex::encode(sha2::Sha256::digest(b))})
                    }
                    _ => json!({"error": "CANON_HEX_INVALID"}),
                };
                Some(json!({"seq": request["seq"], "result": result}))
            }
            _ => None,
        }
    })
}

#[test]
fn in_process_transport_is_judged_the_same_way() {
    let cases = fixture_cases();
    let mut transport = InProcess::named("closure", in_process_handler());
    assert_eq!(transport.describe(), "closure");
    let report = run(&cases, &mut transport, &options(), &mut Silent).unwrap();
    assert!(report.complete);
    assert_eq!(outcome_of(&report, "sha-empty"), Outcome::Crash);
    assert!(
        report
            .records
            .iter()
            .find(|r| r.id == "sha-empty")
            .unwrap()
            .detail
            .contains("deliberate panic")
    );
    assert_eq!(outcome_of(&report, "sha-abc"), Outcome::Pass);
    assert_eq!(outcome_of(&report, "sha-odd-hex"), Outcome::Pass);
    assert_eq!(outcome_of(&report, "fnv-a"), Outcome::Unsupported);
    assert_eq!(report.restarts, 1);
    assert_eq!(report.handshakes, 2);
}
