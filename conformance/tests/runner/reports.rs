//! Report formats: text table and final line, JSON lines with footer (and the reader that
//! refuses truncated reports), JUnit.

use conformance::report::{self, Format, Summary, read_json_report};
use conformance::run::RunOptions;

use crate::{adapter, options, run_fixture, scratch};

fn render(report: &conformance::RunReport, format: Format) -> String {
    let mut out = Vec::new();
    report::write(report, format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn text_report_has_table_failures_and_final_line() {
    let mut report = run_fixture(adapter("good.py", &["--wrong", "sha-abc"]), &options());
    report.notes.push("out of scope: example".into());
    let text = render(&report, Format::Text);
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    for column in [
        "suite",
        "cases",
        "pass",
        "fail",
        "xfail",
        "unsupported",
        "skipped",
        "error",
        "crash",
        "timeout",
        "protocol_violation",
    ] {
        assert!(header.contains(column), "{header}");
    }
    let row = |name: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap()
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        row("fixture/hashes")[1..],
        ["7", "6", "1", "0", "0", "0", "0", "0", "0", "0"]
    );
    assert_eq!(
        row("fixture/drbg")[1..],
        ["1", "0", "0", "0", "1", "0", "0", "0", "0", "0"]
    );
    assert_eq!(
        row("total")[1..],
        ["8", "6", "1", "0", "1", "0", "0", "0", "0", "0"]
    );
    assert!(text.contains("failures:\n"));
    assert!(text.contains("fixture/hashes/sha-abc [CANON-031] canon.sha256: expected"));
    assert!(text.contains("notes:\n  out of scope: example\n"));
    assert!(text.contains("\ncomplete: 8 cases in "));
    assert_eq!(text.lines().last(), Some("conformance: 6 passed, 2 failed"));

    let allowed = run_fixture(
        adapter("good.py", &[]),
        &RunOptions {
            allow_unsupported: true,
            ..options()
        },
    );
    assert_eq!(
        render(&allowed, Format::Text).lines().last(),
        Some("conformance: 7 passed, 0 failed")
    );
}

#[test]
fn json_report_round_trips_and_truncation_is_refused() {
    let report = run_fixture(adapter("good.py", &["--skip", "fnv-a"]), &options());
    let text = render(&report, Format::Json);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 8 + 1);
    let header: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(header["record"], "header");
    assert_eq!(header["kind"], "quorate.conformance.report");
    assert_eq!(header["implementation"]["name"], "quorate-test-adapter");
    let case: serde_json::Value = serde_json::from_str(lines[2]).unwrap();
    assert_eq!(case["record"], "case");
    assert_eq!(case["suite"], "fixture/hashes");
    assert_eq!(case["id"], "fnv-empty");
    assert_eq!(case["outcome"], "pass");
    assert_eq!(
        case["result"],
        serde_json::json!({"ok": "cbf29ce484222325"})
    );
    let footer: serde_json::Value = serde_json::from_str(lines[9]).unwrap();
    assert_eq!(footer["complete"], true);
    assert_eq!(footer["summary"]["total"]["cases"], 8);
    assert_eq!(footer["summary"]["total"]["skipped"], 1);
    assert_eq!(footer["summary"]["passed"], 6);
    assert_eq!(footer["summary"]["failed"], 2);

    let dir = scratch("json-report");
    let path = dir.join("report.jsonl");
    std::fs::write(&path, &text).unwrap();
    let back = read_json_report(&path).unwrap();
    assert_eq!(back.records, report.records);
    assert_eq!(Summary::of(&back), Summary::of(&report));
    assert_eq!(back.implementation, report.implementation);

    // PROTO-041: without the footer, the report is refused.
    let truncated = lines[..9].join("\n") + "\n";
    std::fs::write(&path, &truncated).unwrap();
    let err = read_json_report(&path).unwrap_err();
    assert_eq!(err.code(), "RUNNER_REPORT_TRUNCATED");
    // Cut in the middle of a case line: invalid, never passing.
    std::fs::write(&path, &text[..text.len() / 2]).unwrap();
    assert!(read_json_report(&path).is_err());
    // A footer with complete=false is truncation too.
    let incomplete = text.replace("\"complete\":true", "\"complete\":false");
    std::fs::write(&path, incomplete).unwrap();
    assert_eq!(
        read_json_report(&path).unwrap_err().code(),
        "RUNNER_REPORT_TRUNCATED"
    );
    // A footer that disagrees with the records is refused.
    let dropped: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3)
        .map(|(_, l)| *l)
        .collect();
    std::fs::write(&path, dropped.join("\n")).unwrap();
    assert_eq!(
        read_json_report(&path).unwrap_err().code(),
        "RUNNER_REPORT_INVALID"
    );
    // An incomplete in-memory report writes no footer.
    let mut open = report.clone();
    open.complete = false;
    assert!(!render(&open, Format::Json).contains("\"complete\""));
    assert!(!open.passed());
}

#[test]
fn junit_report_has_one_testcase_per_case_and_a_footer() {
    let report = run_fixture(
        adapter("good.py", &["--wrong", "sha-abc", "--errored", "fnv-a"]),
        &options(),
    );
    let xml = render(&report, Format::Junit);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    assert_eq!(xml.matches("<testcase ").count(), 8);
    assert!(xml.contains(r#"<testcase classname="fixture/hashes" name="CANON-030/fnv-empty"/>"#));
    assert!(xml.contains(r#"<failure type="fail" message="expected {&quot;ok&quot;:"#));
    assert!(xml.contains(r#"<error type="error" message="adapter errored: ZeroDivisionError"/>"#));
    assert!(xml.contains(r#"<skipped message="unsupported: features not declared: canon.drbg"/>"#));
    assert!(xml.contains(r#"<property name="complete" value="true"/>"#));
    assert!(xml.trim_end().ends_with("</testsuites>"));
    assert!(xml.contains(r#"tests="8" failures="1" errors="1" skipped="1""#));
}

#[test]
fn formats_parse() {
    assert_eq!("text".parse::<Format>(), Ok(Format::Text));
    assert_eq!("json".parse::<Format>(), Ok(Format::Json));
    assert_eq!("junit".parse::<Format>(), Ok(Format::Junit));
    assert!("xml".parse::<Format>().is_err());
}
