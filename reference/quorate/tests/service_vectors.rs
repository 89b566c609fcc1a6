//! The service scenarios of `vectors/service/` played by `quorate conformance --target-url`
//! against the real `quorate serve` binary: a coordinator (K = 3, N = 5) and five custodians,
//! each a process with its own empty SQLite file. Every step must pass, in every report format.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failure is a test failure

#[path = "support/process.rs"]
mod process;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use serde_json::Value;

use process::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_quorate");
const N: usize = 5;
/// The at-rest key of every custodian in these tests.
const KEY: &str = "7365727669636520766563746f7273206f662071756f72617465207465737421";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A `quorate serve` process, killed on drop.
struct Service {
    child: Child,
    url: String,
}

impl Service {
    /// Starts `quorate serve <role> --config <config> --listen 127.0.0.1:0` and waits for the
    /// line that tells the bound address.
    fn start(role: &str, config: &Path) -> Self {
        let (child, url) = process::serve(role, config, "127.0.0.1:0", KEY);
        Self { child, url }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        process::stop(&mut self.child);
    }
}

/// A coordinator and five custodians on fresh databases in `dir`.
struct Cluster {
    _services: Vec<Service>,
    targets: Vec<String>,
}

impl Cluster {
    fn start(dir: &TempDir) -> Self {
        let mut services = Vec::new();
        let mut targets = Vec::new();
        for x in 1..=N {
            let config = dir.0.join(format!("custodian-{x}.toml"));
            std::fs::write(
                &config,
                format!("x = {x}\ndatabase = \"custodian-{x}.sqlite\"\n"),
            )
            .unwrap();
            let service = Service::start("custodian", &config);
            targets.push(format!("custodian:{x}={}", service.url));
            services.push(service);
        }
        let config = dir.0.join("coordinator.toml");
        std::fs::write(
            &config,
            format!("k = 3\nn = {N}\ndatabase = \"coordinator.sqlite\"\ncall_timeout_ms = 5000\n"),
        )
        .unwrap();
        let coordinator = Service::start("coordinator", &config);
        targets.push(format!("coordinator={}", coordinator.url));
        services.push(coordinator);
        Self {
            _services: services,
            targets,
        }
    }

    /// `quorate conformance --target-url …` with `extra` arguments.
    fn conformance(&self, extra: &[&str]) -> std::process::Output {
        let mut command = Command::new(BIN);
        command.current_dir(root()).arg("conformance");
        for target in &self.targets {
            command.args(["--target-url", target]);
        }
        command.args(extra).output().unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn service_scenarios_pass_against_the_reference_services() {
    let dir = TempDir::new("service-vectors");
    let cluster = Cluster::start(&dir);
    let report = dir.0.join("report.jsonl");
    let output = cluster.conformance(&["--format", "json", "--output", report.to_str().unwrap()]);
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{}",
        text(&output.stderr)
    );
    // The text summary on stdout ends with the verdict line.
    assert!(stdout.contains("conformance: "), "{stdout}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");

    // The JSON report: one record per step, every one passing, with its footer.
    let lines: Vec<Value> = std::fs::read_to_string(&report)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let cases: Vec<&Value> = lines.iter().filter(|l| l["record"] == "case").collect();
    let scenarios: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("vectors/service/qvm-services.json")).unwrap(),
    )
    .unwrap();
    let steps: usize = scenarios["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["steps"].as_array().unwrap().len())
        .sum();
    assert_eq!(cases.len(), steps);
    for case in &cases {
        assert_eq!(case["outcome"], "pass", "{case}");
        assert_eq!(case["suite"], "service/qvm-services");
    }
    let footer = lines.last().unwrap();
    assert_eq!(footer["record"], "footer");
    assert_eq!(footer["complete"], true);
    assert_eq!(footer["summary"]["failed"], 0);
    assert!(cases.iter().any(|c| c["id"] == "activation/approve-forged"));
}

#[test]
fn missing_targets_make_scenarios_unsupported_and_the_run_fail() {
    let output = Command::new(BIN)
        .current_dir(root())
        .args([
            "conformance",
            "--target-url",
            "coordinator=http://127.0.0.1:9",
            "--suite",
            "service/qvm-services/activation",
        ])
        .output()
        .unwrap();
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("unsupported"), "{stdout}");
    assert!(
        stdout.contains("no --target-url for custodian:1"),
        "{stdout}"
    );
}

#[test]
fn malformed_target_urls_are_usage_errors() {
    for bad in ["coordinator", "leader=http://x", "coordinator=https://x"] {
        let output = Command::new(BIN)
            .current_dir(root())
            .args(["conformance", "--target-url", bad])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{bad}: {}",
            text(&output.stderr)
        );
        assert!(text(&output.stderr).contains("CLI_USAGE"), "{bad}");
    }
}
