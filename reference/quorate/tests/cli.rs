//! The `quorate` binary end to end, as CI and users run it.

#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn quorate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quorate"))
        .arg("--root")
        .arg(root())
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn assert_success(name: &str, output: &Output) {
    assert!(
        output.status.success(),
        "{name}: {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        stdout(output),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn vectors_are_fresh() {
    let output = quorate(&["vectors", "check"]);
    assert_success("vectors check", &output);
    assert!(stdout(&output).contains("no drift"));
}

#[test]
fn digest_of_this_build_matches_golden() {
    let output = quorate(&["digest"]);
    assert_success("digest", &output);
    assert!(
        stdout(&output).contains("digest: matches vectors/GOLDEN"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn conformance_through_the_driver_subprocess_passes() {
    let output = quorate(&["conformance", "--format", "json"]);
    assert_success("conformance", &output);
    let text = stdout(&output);
    let last = text.lines().last().unwrap_or_default();
    let footer: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(
        footer["complete"], true,
        "the JSON report ends with its footer"
    );
}

#[test]
fn digest_mismatch_names_the_first_divergent_case() {
    let golden = std::fs::read_to_string(root().join("vectors/GOLDEN")).unwrap();
    let line = golden
        .lines()
        .find(|l| l.starts_with("case canon/fnv/"))
        .unwrap();
    let id = line.split_whitespace().nth(1).unwrap();
    let tampered = golden.replace(line, &format!("case {id} {}", "0".repeat(64)));
    let dir = std::env::temp_dir().join(format!("quorate-golden-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("GOLDEN");
    std::fs::write(&path, tampered).unwrap();
    let output = quorate(&["digest", "--golden", path.to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("RUNNER_GOLDEN") || stderr.contains(id),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn every_subcommand_has_help() {
    for command in [
        vec!["--help"],
        vec!["conformance", "--help"],
        vec!["driver", "--help"],
        vec!["digest", "--help"],
        vec!["vectors", "--help"],
        vec!["claims", "--help"],
        vec!["bench", "--help"],
    ] {
        let output = quorate(&command);
        assert_success(&command.join(" "), &output);
        assert!(stdout(&output).contains("Usage"), "{command:?}");
    }
}

#[test]
fn bad_arguments_fail_with_a_code() {
    let output = quorate(&["conformance", "--suite", "no-such-suite"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("error[CLI_USAGE]"));
    let output = quorate(&["conformance", "--adapter", "/nonexistent/adapter"]);
    assert!(!output.status.success());
}
