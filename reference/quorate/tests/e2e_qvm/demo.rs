//! `quorate demo`: the narrated QuorumVM story runs in one process and every step it narrates
//! (activation, quorum loss, rate limit, budget, audit head) happens.

use std::process::Command;

use crate::BIN;

#[test]
fn e2e_demo_runs_in_process_and_exits_zero() {
    let output = Command::new(BIN).arg("demo").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for expected in [
        "program_id = ",
        "status ACTIVE",
        "503 QVM_QUORUM_UNAVAILABLE",
        "429 QVM_RATE_LIMITED",
        "402 QVM_BUDGET_EXHAUSTED",
        "head hash ",
        "demo: every step happened as narrated",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}
